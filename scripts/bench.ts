// `npm run bench [-- --part training --part io …]`: one JSON document on stdout (all parts, or the
// named ones). Speed targets are compared as ratios measured in the same run (machines here are
// shared and noisy), never as absolute timings in tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { readImage, writeImage } from '../src/core/io';
import { loadModel, segmentVolume } from '../src/core/inference';
import { findModel } from '../src/core/training/model-registry';
import { findPythonRuntime } from '../src/core/training/python-runtime';
import { appRoot, medsegHome } from '../src/core/paths';
import { dice } from '../src/core/masks/metrics';
import { editorBench } from './bench/editor-bench';
import { interactiveBench } from './bench/interactive-bench';
import { workspaceBench } from './bench/workspace-bench';
import { cudaBench } from './bench/cuda-bench';
import { serverBodyBench } from './bench/server-body-bench';
import { trainingBench } from './bench/training-bench';
import { parseArgs } from 'node:util';

const THREADS = 2;
const SHARED_DATA = join(appRoot(), '..', 'shared', 'data');
const LIVER_MODEL = 'dra-unet-liver-ct';
const work = mkdtempSync(join(tmpdir(), 'medseg-bench-'));
const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeSeconds<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, (performance.now() - start) / 1000];
}

/** PyTorch eager vs ONNX Runtime on the same weights (exported by the trainer) and the same 512² input. */
async function inferenceBench(architectureConfig: Record<string, unknown>) {
  const python = findPythonRuntime();
  if (!python) return { skipped: 'no Python training runtime' };
  const onnxPath = join(work, 'bench.onnx');
  const r = spawnSync(python.python, ['-m', 'medseg_training.benchmark', '--config', JSON.stringify(architectureConfig),
    '--size', '512', '--threads', String(THREADS), '--repeats', '5', '--onnx-out', onnxPath], { env: python.env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`torch benchmark failed: ${r.stderr}`);
  const torch = JSON.parse(r.stdout.trim().split('\n').pop()!);

  const session = await ort.InferenceSession.create(onnxPath, {
    executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: THREADS, interOpNumThreads: 1,
  });
  const raw = readFileSync(torch.inputPath);
  const input = new ort.Tensor('float32', new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)), torch.inputShape);
  const feeds = { [session.inputNames[0]]: input };
  await session.run(feeds); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t);
  }
  await session.release();
  const ortMs = median(times);
  return {
    ortMsPerSlice: +ortMs.toFixed(1),
    torchMsPerSlice: +torch.torchMsPerSlice.toFixed(1),
    ortVsTorchSpeedup: +(torch.torchMsPerSlice / ortMs).toFixed(2),
    threads: THREADS,
    architecture: architectureConfig,
  };
}

async function niftiBench() {
  const size: [number, number, number] = [512, 512, 200];
  const data = new Int16Array(size[0] * size[1] * size[2]);
  for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) >>> 20) % 2000 - 1000;
  const path = join(work, 'volume.nii.gz');
  const image = { size, spacing: [0.7, 0.7, 1.5] as [number, number, number], origin: [0, 0, 0] as [number, number, number],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], components: 1, pixelType: 'int16' as const, data, modality: 'CT' };
  const [, writeSeconds] = await timeSeconds(() => writeImage(path, image));
  const [, readSeconds] = await timeSeconds(() => readImage(path));
  return { writeNiftiGzSeconds: +writeSeconds.toFixed(2), readNiftiGzSeconds: +readSeconds.toFixed(2), volume: size.join('x') + ' int16' };
}

// `engine` is inference + io + segment (they share the real series read); `workspace` includes case.
const PARTS = ['engine', 'workspace', 'editor', 'interactive', 'server', 'training'] as const;
const asked = parseArgs({ options: { part: { type: 'string', multiple: true } } }).values.part;
const unknown = asked?.filter((p) => !(PARTS as readonly string[]).includes(p)) ?? [];
if (unknown.length) throw new Error(`unknown bench part(s) ${unknown.join(', ')}; parts: ${PARTS.join(', ')}`);
const want = (part: (typeof PARTS)[number]) => !asked || asked.includes(part);

/** ONNX Runtime vs PyTorch, NIfTI I/O, and the liver model on the real series (with CUDA when present). */
async function engineBench() {
  const folders = { shipped: join(appRoot(), 'models'), user: join(medsegHome(), 'models') };
  const liver = await findModel(folders, LIVER_MODEL);
  const config = (liver.manifest.training?.config ?? { name: liver.manifest.architecture }) as Record<string, unknown>;

  log('inference: PyTorch eager vs ONNX Runtime');
  const inference: Record<string, unknown> = await inferenceBench(config);
  log('io: NIfTI 512x512x200');
  const io: Record<string, unknown> = await niftiBench();
  const segment: Record<string, unknown> = {};

  const series = join(SHARED_DATA, '3dircadb-p01', 'ct-dicom');
  if (existsSync(series)) {
    log('io + segment: 3D-IRCADb series');
    const [image, readSeconds] = await timeSeconds(() => readImage(series));
    io.readDicomSeriesSeconds = +readSeconds.toFixed(2);
    const model = await loadModel(liver.path, { device: 'cpu' });
    const [result, segSeconds] = await timeSeconds(() => segmentVolume(model, image));
    await model.close();
    segment.volumeSeconds = +segSeconds.toFixed(2);
    segment.slices = result.slices;
    segment.msPerSlice = +((segSeconds * 1000) / result.slices).toFixed(1);
    const truth = await readImage(join(SHARED_DATA, '3dircadb-p01', 'label_liver1_tumour2.nii.gz'));
    // The label NIfTI's voxels follow the series but its header does not: compare voxel by voxel.
    segment.liverDiceVsDatasetLabel = +dice(result.labelmap, truth.data, undefined).toFixed(4);
    segment.liverDiceNote = '3D-IRCADb patient 1 is the training patient (90 % of its slices were trained on)';
    log('segment on CUDA, when this machine has it');
    Object.assign(inference, await cudaBench(liver.path, image, { labelmap: result.labelmap, msPerSlice: segment.msPerSlice as number }));
  } else {
    io.readDicomSeriesSeconds = 'skipped: no ../shared/data';
    segment.volumeSeconds = 'skipped: no ../shared/data';
  }
  return { inference, io, segment };
}

async function main() {
  const result: Record<string, unknown> = {};
  if (want('engine')) Object.assign(result, await engineBench());
  if (want('workspace')) {
    log('workspace: autosave 512x512x200, open the 3D-IRCADb series as a case');
    const { workspace, case: caseOpen } = await workspaceBench();
    Object.assign(result, { workspace, case: caseOpen });
  }
  if (want('editor')) {
    log('editor + viewer: headless Chromium');
    Object.assign(result, await editorBench());
  }
  if (want('interactive')) {
    log('AI clicks: headless Chromium through browser mode');
    result.interactive = await interactiveBench();
  }
  if (want('server')) {
    log('server: peak memory of a 256 MiB call, with a Content-Length and chunked');
    result.server = await serverBodyBench();
  }
  if (want('training')) result.training = trainingBench(THREADS, log);
  process.stdout.write(JSON.stringify(result, null, 2) + '\n');
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
