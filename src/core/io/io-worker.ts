// The I/O worker thread: all itk-wasm work (WASM decoding can block for seconds) runs here, one
// request at a time. Every error leaves as a UserError, so the caller can tell a bad file (rejected
// with a message) from a dead worker (restarted).
import { reportProgress, serveWorker, Transfer } from '../worker-rpc';
import { UserError, isUserError } from '../../shared/errors';
import type { DicomSeriesSummary } from '../../shared/dicom';
import type { Geometry, VolumeImage } from '../../shared/image';
import type { LabelDefinition } from '../../shared/manifest';
import type { ReadResult } from './itk-calls';
import { listSeries, readAny } from './image-reader';
import { readLabelmapFile, writeLabelmapFile, type LabelmapReadResult } from './labelmap-files';
import { writeAny, type WriteResult } from './verified-writer';
import { decodeSegmentation, type DecodedSegmentation } from '../dicom-seg/seg-decode';

function asUserError(e: unknown, what: string): UserError {
  if (isUserError(e)) return e;
  // itk-wasm throws plain numbers (C++ exception pointers) or WebAssembly RuntimeErrors (abort).
  const detail = e instanceof Error ? e.message : typeof e === 'number' ? 'the decoder failed' : String(e);
  return new UserError(`Could not ${what}: ${detail.split('\n')[0].slice(0, 200)}. The file may be damaged or in an unsupported variant.`);
}

function transferable<R extends { image: VolumeImage }>(result: R): Transfer<R> {
  const buffer = result.image.data.buffer;
  return new Transfer(result, buffer instanceof ArrayBuffer && buffer.byteLength > 0 ? [buffer] : []);
}

const handlers = {
  /** `seriesUid`: which series of a DICOM folder (default: the largest). Reports ReadProgress. */
  async read(path: string, options: { seriesUid?: string } = {}): Promise<Transfer<ReadResult>> {
    try {
      return transferable(await readAny(path, { ...options, onProgress: reportProgress }));
    } catch (e) {
      throw asUserError(e, `read ${path}`);
    }
  },
  listSeries(path: string): DicomSeriesSummary[] {
    try {
      return listSeries(path, reportProgress);
    } catch (e) {
      throw asUserError(e, `list the series in ${path}`);
    }
  },
  async readLabelmap(path: string): Promise<Transfer<LabelmapReadResult>> {
    try {
      return transferable(await readLabelmapFile(path));
    } catch (e) {
      throw asUserError(e, `read ${path}`);
    }
  },
  async writeLabelmap(path: string, image: VolumeImage, segments: LabelDefinition[]): Promise<WriteResult> {
    try {
      return await writeLabelmapFile(path, image, segments);
    } catch (e) {
      throw asUserError(e, `write ${path}`);
    }
  },
  async write(path: string, image: VolumeImage): Promise<WriteResult> {
    try {
      return await writeAny(path, image);
    } catch (e) {
      throw asUserError(e, `write ${path}`);
    }
  },
  async readSegmentation(path: string, grid: Geometry | null): Promise<Transfer<DecodedSegmentation>> {
    try {
      const decoded = await decodeSegmentation(path, grid);
      return new Transfer(decoded, [decoded.labels.buffer as ArrayBuffer]);
    } catch (e) {
      throw asUserError(e, `read ${path}`);
    }
  },
  // Test hook: end the thread as a WASM abort or an out-of-memory kill would.
  debugExit(): void {
    if (process.env.MEDSEG_IO_TEST_HOOKS === '1') process.exit(3);
    throw new UserError('debugExit is only available in tests');
  },
  debugHang(): void {
    if (process.env.MEDSEG_IO_TEST_HOOKS !== '1') throw new UserError('debugHang is only available in tests');
    const until = Date.now() + 60_000;
    while (Date.now() < until) { /* a decoder stuck in a loop */ }
  },
};

serveWorker(handlers);

/** The I/O worker's methods, for the caller's typed proxy (index.ts). */
export type IoWorkerApi = typeof handlers;
