// The inference worker thread: owns one ONNX Runtime session (session.run blocks its thread) and does
// all per-voxel work (preprocessing, resize/pad, activation, thresholds, post-processing), so the
// caller's event loop stays free. The caller drives it batch by batch (index.ts), which is where
// progress and cancellation happen.
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { serveWorker, Transfer } from '../worker-rpc';
import { cudaErrorText } from './cuda-error-text';
import { UserError } from '../../shared/errors';
import type { ModelManifest } from '../../shared/manifest';
import { clickGuided, refineSliceLabels, type RefineJob } from '../interactive/refine-pipeline';
import { SegmentationJob, type JobStart } from './segmentation-job';

export type { JobStart } from './segmentation-job';

export type DeviceRequest = 'auto' | 'cpu' | 'cuda';

export interface LoadRequest {
  path: string;
  manifest: ModelManifest;
  device: DeviceRequest;
  intraOpNumThreads?: number;
}

export interface LoadedSession {
  provider: 'cpu' | 'cuda';
  providerNote?: string;
  inputNames: string[];
  outputNames: string[];
  /** Input dims as the graph declares them (numbers fixed, strings symbolic). */
  inputShape: (number | string)[];
  outputShape: (number | string)[];
}

// Errors are thrown, not logged: keep ORT's native logger from printing the CUDA probe to stderr.
ort.env.logLevel = 'fatal';

let session: ort.InferenceSession | null = null;
let manifest: ModelManifest | null = null;
let loaded: LoadedSession | null = null;

const jobs = new Map<number, SegmentationJob>();
let nextJob = 1;

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0].trim().slice(0, 300);
}

async function createSession(path: string, providers: string[], threads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path, {
    executionProviders: providers,
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
  });
}

async function openSession(request: LoadRequest): Promise<{ session: ort.InferenceSession; provider: 'cpu' | 'cuda'; note?: string }> {
  const threads = request.intraOpNumThreads ?? availableParallelism();
  const cpu = async () => {
    try {
      return await createSession(request.path, ['cpu'], threads);
    } catch (e) {
      throw new UserError(`ONNX Runtime cannot load the model ${request.path}: ${firstLine(e)}.`);
    }
  };
  if (request.device === 'cpu') return { session: await cpu(), provider: 'cpu' };
  let cudaReason: string;
  try {
    return { session: await createSession(request.path, ['cuda'], threads), provider: 'cuda' };
  } catch (e) {
    cudaReason = cudaErrorText(e instanceof Error ? e.message : String(e));
  }
  // A model CPU cannot load either is the model's fault, not CUDA's: report that.
  const cpuSession = await cpu();
  if (request.device === 'cuda') {
    await cpuSession.release();
    throw new UserError(
      `CUDA did not load although its libraries were found: ${cudaReason}. Use --device cpu; \`medseg doctor\` runs a CUDA load test and says what to fix.`,
    );
  }
  return {
    session: cpuSession, provider: 'cpu',
    note: `CUDA did not load (${cudaReason}); ran on CPU. \`medseg doctor\` runs a CUDA load test and says what to fix.`,
  };
}

function checkGraphAgainstManifest(m: ModelManifest, shape: (number | string)[]): ModelManifest {
  if (shape.length !== 4) {
    throw new UserError(`The model's input has ${shape.length} dimensions; MedSeg models take NCHW (4 dimensions).`);
  }
  const [, c, h, w] = shape;
  if (typeof c === 'number' && c !== m.input.channels) {
    throw new UserError(`The model's graph takes ${c} input channel(s) but its manifest says ${m.input.channels}; fix "input.channels" in the manifest.`);
  }
  if (typeof h === 'number' && typeof w === 'number') {
    if (m.input.height === undefined || m.input.width === undefined) {
      // A fixed-size graph accepts nothing else: resize to it.
      return { ...m, input: { ...m.input, height: h, width: w } };
    }
    if (m.input.height !== h || m.input.width !== w) {
      throw new UserError(`The model's graph takes ${h}×${w} slices but its manifest says ${m.input.height}×${m.input.width}; fix "input.height"/"input.width".`);
    }
  }
  return m;
}

function requireSession(): { session: ort.InferenceSession; manifest: ModelManifest; loaded: LoadedSession } {
  if (!session || !manifest || !loaded) throw new Error('no model is loaded in this inference worker');
  return { session, manifest, loaded };
}

/** One session.run on an NCHW float32 input; its first output (the caller disposes it). */
async function runNetwork(input: Float32Array, dims: number[]): Promise<ort.Tensor> {
  const { session: s, loaded: l } = requireSession();
  try {
    return (await s.run({ [l.inputNames[0]]: new ort.Tensor('float32', input, dims) }, [l.outputNames[0]]))[l.outputNames[0]];
  } catch (e) {
    throw new UserError(`The model failed on a ${dims[2]}×${dims[3]} input: ${firstLine(e)}.`);
  }
}

/** The AI-clicks network: one [1, C, H, W] input, one [1, 1, H, W] probability or logit plane out. */
async function runClickNetwork(input: Float32Array, dims: [number, number, number, number]): Promise<Float32Array> {
  const output = await runNetwork(input, dims);
  try {
    const expected = [1, 1, dims[2], dims[3]];
    if (output.type !== 'float32' || output.dims.join() !== expected.join()) {
      throw new UserError(`The click-guided model's output is ${output.type} [${output.dims.join(', ')}]; MedSeg expects float32 [${expected.join(', ')}].`);
    }
    return (output.data as Float32Array).slice();
  } finally {
    output.dispose();
  }
}

async function runBatch(id: number): Promise<{ done: number; total: number }> {
  const job = jobs.get(id);
  if (!job) throw new Error(`unknown inference job ${id}`);
  const batch = job.nextInput();
  if (batch) {
    const outputs: ort.Tensor[] = [];
    try {
      for (const input of batch.inputs) outputs.push(await runNetwork(input, batch.dims));
      job.acceptOutputs(batch, outputs);
    } finally {
      for (const output of outputs) output.dispose();
    }
  }
  return job.progress;
}

async function load(request: LoadRequest): Promise<LoadedSession> {
  if (session) throw new Error('this inference worker already holds a model');
  const opened = await openSession(request);
  const inputMeta = opened.session.inputMetadata[0];
  const outputMeta = opened.session.outputMetadata[0];
  const shapeOf = (meta: ort.InferenceSession.ValueMetadata | undefined) => (meta && meta.isTensor ? [...meta.shape] : []);
  try {
    if (!inputMeta || !outputMeta) throw new UserError('The model has no input or no output.');
    if (inputMeta.isTensor && inputMeta.type !== 'float32') {
      throw new UserError(`The model's input is ${inputMeta.type}; MedSeg feeds float32 NCHW slices.`);
    }
    const inputShape = shapeOf(inputMeta);
    manifest = checkGraphAgainstManifest(request.manifest, inputShape);
    session = opened.session;
    loaded = {
      provider: opened.provider,
      ...(opened.note ? { providerNote: opened.note } : {}),
      inputNames: [...session.inputNames],
      outputNames: [...session.outputNames],
      inputShape,
      outputShape: shapeOf(outputMeta),
    };
    return loaded;
  } catch (e) {
    await opened.session.release();
    throw e;
  }
}

function beginJob(start: JobStart): { id: number; total: number } {
  const { manifest: m, loaded: l } = requireSession();
  const fixedBatch = typeof l.inputShape[0] === 'number' && l.inputShape[0] > 0 ? l.inputShape[0] : null;
  const id = nextJob++;
  const job = new SegmentationJob(m, start, fixedBatch);
  jobs.set(id, job);
  return { id, total: job.progress.total };
}

const handlers = {
  load,

  /** Starts a job (its id and network slices to run); a worker restarted after a crash loads the model again first. */
  async begin(request: LoadRequest, start: JobStart): Promise<{ id: number; total: number }> {
    if (!session) await load(request);
    return beginJob(start);
  },

  async runBatch(id: number) {
    try {
      return await runBatch(id);
    } catch (e) {
      jobs.delete(id);
      throw e;
    }
  },

  /** Post-processes and hands back the job's labelmap (its slices only, on the source grid). */
  finish(id: number) {
    const job = jobs.get(id);
    if (!job) throw new Error(`unknown inference job ${id}`);
    jobs.delete(id);
    const labels = job.finish();
    return new Transfer(labels, [labels.buffer as ArrayBuffer]);
  },

  /** One AI-clicks step on one slice (core/interactive/refine-pipeline.ts); a restarted worker loads the model first. */
  async refine(request: LoadRequest, job: RefineJob) {
    if (!session) await load(request);
    const labels = await refineSliceLabels(job, clickGuided(requireSession().manifest), runClickNetwork);
    return new Transfer(labels, [labels.buffer as ArrayBuffer]);
  },

  discard(id: number) {
    jobs.delete(id);
  },

  async release() {
    jobs.clear();
    const s = session;
    session = null;
    manifest = null;
    loaded = null;
    if (s) await s.release();
  },
};

serveWorker(handlers);

/** The inference worker's methods, for the caller's typed proxy (index.ts). */
export type InferenceWorkerApi = typeof handlers;

