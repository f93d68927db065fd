// Image I/O, caller side: read any supported image or DICOM folder into a VolumeImage, write images and
// labelmaps with a verified, atomic save. The work runs in one worker thread (io-worker.ts); a worker
// that dies or hangs is replaced and the call fails with a UserError, so the next call works.
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkerClient, WorkerStartError, type WorkerProxy } from '../worker-rpc';
import { UserError, isUserError } from '../../shared/errors';
import type { Geometry, VolumeImage } from '../../shared/image';
import { voxelCount } from '../../shared/image';
import type { WriteResult } from './verified-writer';
import type { IoWorkerApi } from './io-worker';
import type { DecodedSegmentation } from '../dicom-seg/seg-decode';

export type { WriteResult } from './verified-writer';
export {
  READ_EXTENSIONS, WRITE_EXTENSIONS, describeReadFormats, describeWriteFormats, readFormatOf, writeFormatOf,
} from './formats';

/** A read image plus what the user should know about how it was read (skipped series, …). */
export interface LoadedImage extends VolumeImage {
  warnings: string[];
}

export interface IoOptions {
  /** Give up (and restart the I/O worker) after this long; default 5 minutes. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;

/** Read a file (NIfTI, NRRD, MHA/MHD, DICOM, PNG/JPEG/TIFF/BMP) or a folder (DICOM series, largest one). */
export async function readImage(path: string, options: IoOptions = {}): Promise<LoadedImage> {
  const abs = resolve(path);
  const result = await io.run((worker) => worker.read(abs), options, `reading ${basename(abs)}`);
  return { ...result.image, warnings: result.warnings };
}

/**
 * Write an image (.nii.gz, .nii, .nrrd, .mha; .png for one slice). The file is written beside the
 * target under a temporary name, read back, compared with `image` (geometry within 1e-5 relative,
 * voxels exactly) and only then renamed into place.
 */
export async function writeImage(path: string, image: VolumeImage, options: IoOptions = {}): Promise<WriteResult> {
  const abs = resolve(path);
  // Plain fields only: a LoadedImage's extras and any non-cloneable properties stay behind.
  const plain: VolumeImage = {
    size: image.size, spacing: image.spacing, origin: image.origin, direction: image.direction,
    components: image.components, pixelType: image.pixelType, data: image.data, modality: image.modality,
  };
  return io.run((worker) => worker.write(abs, plain), options, `writing ${basename(abs)}`);
}

/** Write a labelmap (one uint8 label per voxel) on `geometry`'s grid; same checks as writeImage. */
export async function writeLabelmap(path: string, labels: Uint8Array, geometry: Geometry, options: IoOptions = {}): Promise<WriteResult> {
  if (!(labels instanceof Uint8Array)) throw new UserError('Cannot write the labelmap: labels must be a Uint8Array.');
  if (labels.length !== voxelCount(geometry)) {
    throw new UserError(`Cannot write the labelmap: it has ${labels.length} voxels but the image grid has ${voxelCount(geometry)}.`);
  }
  const image: VolumeImage = {
    size: geometry.size, spacing: geometry.spacing, origin: geometry.origin, direction: geometry.direction,
    components: 1, pixelType: 'uint8', data: labels, modality: 'SEG',
  };
  return writeImage(path, image, options);
}

/** Decode a DICOM SEG (dcmqi): a label image on the SEG's own grid, and its segments. */
export async function readDicomSegmentation(path: string, options: IoOptions = {}): Promise<DecodedSegmentation> {
  const abs = resolve(path);
  return io.run((worker) => worker.readSegmentation(abs), options, `reading ${basename(abs)}`);
}

/** Stop the I/O worker (app quit, end of tests). The next call starts a new one. */
export async function closeImageIo(): Promise<void> {
  await io.close();
}

function workerUrl(): URL {
  // Built bundles ship io-worker.js beside this module; from source (tsx, vitest) the .ts is used.
  const js = new URL('./io-worker.js', import.meta.url);
  return existsSync(fileURLToPath(js)) ? js : new URL('./io-worker.ts', import.meta.url);
}

class TimedOut extends Error {}

/** One worker, one request at a time (so a timeout measures that request only), restarted after a crash. */
class IoWorker {
  private client: WorkerClient<IoWorkerApi> | null = null;
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(request: (worker: WorkerProxy<IoWorkerApi>) => Promise<T>, options: IoOptions, what: string): Promise<T> {
    const run = this.tail.then(() => this.dispatch(request, options.timeoutMs ?? DEFAULT_TIMEOUT_MS, what));
    this.tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.terminate().catch(() => undefined);
  }

  private async dispatch<T>(request: (worker: WorkerProxy<IoWorkerApi>) => Promise<T>, timeoutMs: number, what: string): Promise<T> {
    const client = (this.client ??= new WorkerClient<IoWorkerApi>(workerUrl()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimedOut()), timeoutMs);
    });
    try {
      return await Promise.race([request(client.remote), timeout]);
    } catch (e) {
      if (isUserError(e)) throw e;
      // The worker died (WASM abort, out of memory) or hangs: replace it; the next call gets a fresh one.
      if (this.client === client) this.client = null;
      void client.terminate().catch(() => undefined);
      if (e instanceof WorkerStartError) {
        // Not the file's fault: say so, or the user throws away a good scan.
        throw new UserError(`MedSeg Studio's image reader could not start (${e.message}) while ${what}; this is a problem of the installation, not of the file. Reinstall the app (or run npm ci in its folder).`);
      }
      if (e instanceof TimedOut) {
        throw new UserError(`Stopped ${what} after ${Math.round(timeoutMs / 1000)} s: it took too long (the file may be damaged or very large). Try again or check the file.`);
      }
      const reason = e instanceof Error ? e.message : String(e);
      throw new UserError(`The image reader stopped unexpectedly while ${what} (${reason}); it has been restarted. The file may be damaged or too large.`);
    } finally {
      clearTimeout(timer);
    }
  }
}

const io = new IoWorker();

/** Test hooks (need MEDSEG_IO_TEST_HOOKS=1 in the environment when the worker starts). */
export const ioTestHooks = {
  crashWorker: (options: IoOptions = {}) => io.run((worker) => worker.debugExit(), options, 'running a crash test'),
  hangWorker: (options: IoOptions = {}) => io.run((worker) => worker.debugHang(), options, 'running a hang test'),
};
