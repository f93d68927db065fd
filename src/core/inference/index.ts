// Segmentation with ONNX models, caller side. Each loaded model owns one worker thread
// (inference-worker.ts) holding its ONNX Runtime session; segmentVolume sends the slices there and
// drives it batch by batch, reporting progress and honouring cancellation between batches.
import { resolve } from 'node:path';
import type { Device } from '../../shared/api';
import { UserError, isUserError } from '../../shared/errors';
import type { VolumeImage } from '../../shared/image';
import type { ModelManifest } from '../../shared/manifest';
import { WorkerClient } from '../worker-rpc';
import { entryBeside } from '../paths';
import { readManifest } from './onnx-metadata';
import { chooseExecutionProvider } from './execution-provider';
import type { InferenceWorkerApi, JobStart, LoadRequest, LoadedSession } from './inference-worker';
import type { RefineJob } from '../interactive/refine-pipeline';

export { readManifest, embedManifest, readOnnxMetadata, writeOnnxMetadata } from './onnx-metadata';

export interface LoadModelOptions {
  /** 'auto' (default): CUDA when it loads, else CPU with a note saying why. */
  device?: Device;
  /** ONNX Runtime intra-op threads; default os.availableParallelism(). */
  intraOpNumThreads?: number;
}

export interface SegmentationModel {
  readonly path: string;
  readonly manifest: ModelManifest;
  /** The execution provider the session runs on. */
  readonly provider: 'cpu' | 'cuda';
  /** Why the provider is not the one asked for ('auto' that fell back to CPU). */
  readonly providerNote?: string;
  readonly inputNames: string[];
  readonly outputNames: string[];
  /** Releases the session and ends the worker thread. */
  close(): Promise<void>;
}

export interface SegmentOptions {
  /** Slice k only, or slices [from, to) (half-open); default all slices. */
  slices?: [number, number] | number;
  /** Slices per session.run; default 4 (a graph with a fixed batch dimension uses that). */
  batchSize?: number;
  /**
   * Called with network slices done and to do, first with none done and then after each batch: the
   * asked slices, or every slice when a model's canonical orientation turns the volume.
   */
  onProgress?: (done: number, total: number) => void;
  /** Cancels between batches: the promise rejects with an error named 'AbortError'. */
  signal?: AbortSignal;
}

export interface SegmentationResult {
  /** One label per voxel on the image's grid (i fastest); slices outside the range are 0. */
  labelmap: Uint8Array;
  provider: 'cpu' | 'cuda';
  providerNote?: string;
  /** Slices segmented. */
  slices: number;
  seconds: number;
}


function abortError(): Error {
  return new DOMException('Segmentation was cancelled.', 'AbortError');
}

function workerFailure(e: unknown): Error {
  if (isUserError(e)) return e as Error;
  const reason = e instanceof Error ? e.message : String(e);
  return new UserError(`The inference worker stopped unexpectedly (${reason}); it restarts on the next run. If it keeps failing, the image may be too large for this machine's memory.`);
}

class OnnxSegmentationModel implements SegmentationModel {
  readonly provider: 'cpu' | 'cuda';
  readonly providerNote?: string;
  readonly inputNames: string[];
  readonly outputNames: string[];
  private closed = false;
  /** What a worker restarted after a crash loads (on the provider this model got). */
  private readonly reload: LoadRequest;

  constructor(readonly path: string, readonly manifest: ModelManifest, private client: WorkerClient<InferenceWorkerApi>, session: LoadedSession, request: LoadRequest) {
    this.reload = { ...request, device: session.provider };
    this.provider = session.provider;
    if (session.providerNote) this.providerNote = session.providerNote;
    this.inputNames = session.inputNames;
    this.outputNames = session.outputNames;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.remote.release().catch(() => undefined);
    await this.client.terminate().catch(() => undefined);
  }

  async refine(job: RefineJob): Promise<Uint8Array> {
    if (this.closed) throw new Error('refineWithModel: the model has been closed');
    return this.client.remote.refine(this.reload, job).catch((e: unknown) => { throw workerFailure(e); });
  }

  async segment(image: VolumeImage, options: SegmentOptions): Promise<SegmentationResult> {
    if (this.closed) throw new Error('segmentVolume: the model has been closed');
    const started = performance.now();
    const { signal } = options;
    if (signal?.aborted) throw abortError();
    const [nx, ny, nz] = image.size;
    const components = image.components;
    if (image.data.length !== nx * ny * nz * components) {
      throw new UserError(`The image has ${image.data.length} values but its size ${nx}×${ny}×${nz}×${components} needs ${nx * ny * nz * components}.`);
    }
    const [from, to] = sliceRange(options.slices, nz);
    // The worker gets the whole volume: a model trained in a canonical orientation may need every
    // source slice to make one of its own (and 2.5D neighbours lie outside the asked range).
    const data = image.data.slice();
    const start: JobStart = {
      volume: { data, size: [nx, ny, nz], components }, direction: [...image.direction],
      range: [from, to], batchSize: options.batchSize ?? 4,
    };
    const guarded = <T>(call: Promise<T>): Promise<T> => call.catch((e: unknown) => { throw workerFailure(e); });
    const { id, total: networkSlices } = await guarded(this.client.calling({ transfer: [data.buffer as ArrayBuffer] }).begin(this.reload, start));
    options.onProgress?.(0, networkSlices);
    let done = 0;
    try {
      while (done < networkSlices) {
        if (signal?.aborted) throw abortError();
        const batch = guarded(this.client.remote.runBatch(id));
        batch.catch(() => undefined);
        done = (await raceAbort(batch, signal)).done;
        options.onProgress?.(done, networkSlices);
      }
      if (signal?.aborted) throw abortError();
    } catch (e) {
      void this.client.remote.discard(id).catch(() => undefined);
      throw e;
    }
    const labels = await guarded(this.client.remote.finish(id));
    const labelmap = from === 0 && to === nz ? labels : new Uint8Array(nx * ny * nz);
    if (labelmap !== labels) labelmap.set(labels, from * nx * ny);
    return {
      labelmap,
      provider: this.provider,
      ...(this.providerNote ? { providerNote: this.providerNote } : {}),
      slices: to - from,
      seconds: (performance.now() - started) / 1000,
    };
  }
}

/** One AI-clicks step of a click-guided model (see core/interactive/refine-pipeline.ts). */
export async function refineWithModel(model: SegmentationModel, job: RefineJob): Promise<Uint8Array> {
  if (!(model instanceof OnnxSegmentationModel)) throw new TypeError('refineWithModel needs a model from loadModel');
  return model.refine(job);
}

function raceAbort<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolvePromise(v); },
      (e) => { signal.removeEventListener('abort', onAbort); reject(e); },
    );
  });
}

function sliceRange(slices: SegmentOptions['slices'], depth: number): [number, number] {
  if (slices === undefined) return [0, depth];
  const [from, to] = typeof slices === 'number' ? [slices, slices + 1] : slices;
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > depth || from >= to) {
    const asked = typeof slices === 'number' ? `slice ${slices}` : `slices ${slices[0]}–${slices[1]}`;
    throw new UserError(`Cannot segment ${asked}: the image has slices 0–${depth - 1}.`);
  }
  return [from, to];
}

/** Loads an ONNX model with its embedded manifest into its own worker thread. */
export async function loadModel(onnxPath: string, options: LoadModelOptions = {}): Promise<SegmentationModel> {
  const path = resolve(onnxPath);
  const manifest = await readManifest(path);
  const provider = await chooseExecutionProvider(options.device ?? 'auto');
  const client = new WorkerClient<InferenceWorkerApi>(entryBeside(import.meta.url, 'inference-worker'));
  const request: LoadRequest = {
    path, manifest, device: provider.request,
    ...(options.intraOpNumThreads ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
  };
  try {
    const session = await client.remote.load(request);
    const note = provider.note ?? session.providerNote;
    return new OnnxSegmentationModel(path, manifest, client, note ? { ...session, providerNote: note } : session, request);
  } catch (e) {
    await client.terminate().catch(() => undefined);
    throw workerFailure(e);
  }
}

/** Segments a volume (or a 2D image: one slice) slice by slice along k; see SegmentOptions. */
export async function segmentVolume(model: SegmentationModel, image: VolumeImage, options: SegmentOptions = {}): Promise<SegmentationResult> {
  if (!(model instanceof OnnxSegmentationModel)) throw new TypeError('segmentVolume needs a model from loadModel');
  if (model.manifest.interaction) {
    throw new UserError(`${model.manifest.name} is a click-guided model: it refines a slice from clicks (the AI-clicks tool, or medseg refine), it does not segment on its own.`);
  }
  return model.segment(image, options);
}
