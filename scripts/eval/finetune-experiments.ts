// The correction → fine-tune loop on real data, through the product's own path (cases added with
// their masks, a fine-tune job, the regression gate), measured before and after on held-out data:
// - rectal tumour MRI: tumour masks of slices 4–12 train, slices 13–20 are held out;
// - Kvasir-SEG polyps: 20 `val` images train, the other `val` images are held out.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StudioApi } from '../../src/shared/api';
import type { VolumeImage } from '../../src/shared/image';
import { indexToWorld, worldToIndex } from '../../src/shared/geometry';
import { readImage, writeImage, writeLabelmap } from '../../src/core/io';
import { appRoot } from '../../src/core/paths';
import { readMaskOnGrid } from '../../src/core/masks/evaluate-files';
import { dataset, SHARED_DATA, type DatasetSplit, type Pair } from '../zoo/datasets';
import { evaluateOn, type Finished } from './evaluate-split';

const RECTAL = join(SHARED_DATA, 'rectal-mri-t2');
const RECTAL_TRAIN_SLICES: [number, number] = [4, 12];
const RECTAL_HELD_OUT_SLICES: [number, number] = [13, 20];
const KVASIR_TRAIN_IMAGES = 20;

interface ExperimentSpec {
  name: string;
  parent: string;
  epochs: number;
}

/** The experiments and the shipped model each starts from (the DRA-UNet of the rectal-tumour paper is our liver CT model). */
const EXPERIMENTS = [
  { name: 'rectal-mri-tumour', parent: 'dra-unet-liver-ct', epochs: 60, run: rectalExperiment },
  { name: 'kvasir-polyp', parent: 'resunetpp-polyp', epochs: 15, run: kvasirExperiment },
];

export async function finetuneExperiments(studio: StudioApi, finished: Finished, work: string, log: (m: string) => void) {
  const results = [];
  for (const { run, ...spec } of EXPERIMENTS) {
    if (!existsSync(join(appRoot(), 'models', `${spec.parent}.onnx`))) {
      results.push({ experiment: spec.name, skipped: `no shipped model ${spec.parent}` });
      continue;
    }
    mkdirSync(join(work, spec.name), { recursive: true });
    results.push(await run(studio, finished, join(work, spec.name), spec, log));
  }
  return results;
}

/** The slices with DICOM instance numbers in [first, last] (files `N.dcm`) as a volume of their own. */
async function rectalSubVolume(series: VolumeImage, [first, last]: [number, number], masks: Map<number, string>, dir: string, name: string): Promise<Pair> {
  // Where each instance lies in the sorted series, from its own position (not from its number).
  const ks: number[] = [];
  for (let n = first; n <= last; n++) ks.push(Math.round(worldToIndex(series, (await readImage(join(RECTAL, 'dicom', `${n}.dcm`))).origin)[2]));
  const [k0, k1] = [Math.min(...ks), Math.max(...ks)];
  const [nx, ny] = series.size, plane = nx * ny;
  const image: VolumeImage = {
    ...series, size: [nx, ny, k1 - k0 + 1], origin: indexToWorld(series, [0, 0, k0]),
    data: series.data.slice(k0 * plane, (k1 + 1) * plane) as VolumeImage['data'],
  };
  const mask = new Uint8Array(plane * (k1 - k0 + 1));
  for (const [i, n] of Array.from({ length: last - first + 1 }, (_, i) => first + i).entries()) {
    const file = masks.get(n);
    if (!file) continue;
    const slice = await readMaskOnGrid(file, { size: [nx, ny, 1], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] });
    mask.set(slice.map((v) => (v ? 1 : 0)), (ks[i] - k0) * plane);
  }
  const pair = { name, image: join(dir, `${name}.nii.gz`), mask: join(dir, `${name}-mask.nii.gz`) };
  await writeImage(pair.image, image);
  await writeLabelmap(pair.mask, mask, image);
  return pair;
}

async function runExperiment(studio: StudioApi, finished: Finished, work: string, spec: ExperimentSpec,
  train: Pair[], heldOut: DatasetSplit, log: (m: string) => void) {
  log(`fine-tune experiment ${spec.name}: ${train.length} training, ${heldOut.pairs.length} held-out case(s) from ${spec.parent}`);
  // An experiment may start from a model of another modality on purpose (a CT model taught MRI).
  const add = (p: Pair, split: 'train' | 'validation') =>
    studio.addCase({ input: p.image, mask: p.mask, model: spec.parent, device: 'cpu', split, allowOtherModality: true });
  for (const p of train) await add(p, 'train');
  for (const p of heldOut.pairs) await add(p, 'validation');
  const started = Date.now();
  await studio.startFinetune({ model: spec.parent, epochs: spec.epochs, device: 'cpu', jobId: spec.name });
  const job = await finished(spec.name);
  if (job.state !== 'done' || !job.result) return { experiment: spec.name, state: job.state, message: job.message };
  const parentRef = job.parent, childRef = job.result.ref;
  const before = await evaluateOn(studio, parentRef, heldOut, work);
  const after = await evaluateOn(studio, childRef, heldOut, work);
  return {
    experiment: spec.name, parent: parentRef, version: childRef, epochs: spec.epochs, trainCases: train.length, heldOutCases: heldOut.pairs.length,
    fineTuneSeconds: Math.round((Date.now() - started) / 1000), promoted: job.result.promoted, gate: job.result.reason,
    before: { dice: before.dice, iou: before.iou, precision: before.precision, recall: before.recall },
    after: { dice: after.dice, iou: after.iou, precision: after.precision, recall: after.recall },
  };
}

async function rectalExperiment(studio: StudioApi, finished: Finished, work: string, spec: ExperimentSpec, log: (m: string) => void) {
  const series = await readImage(join(RECTAL, 'dicom'));
  const masks = new Map(readdirSync(join(RECTAL, 'tumour-masks')).map((f) => [Number(f.slice(0, 4)), join(RECTAL, 'tumour-masks', f)]));
  const train = await rectalSubVolume(series, RECTAL_TRAIN_SLICES, masks, work, 'rectal-slices-04-12');
  const heldOut = await rectalSubVolume(series, RECTAL_HELD_OUT_SLICES, masks, work, 'rectal-slices-13-20');
  return runExperiment(studio, finished, work, spec, [train], { ref: 'rectal-mri:13-20', kind: 'volume', pairs: [heldOut] }, log);
}

async function kvasirExperiment(studio: StudioApi, finished: Finished, work: string, spec: ExperimentSpec, log: (m: string) => void) {
  const val = dataset('kvasir:val');
  const train = val.pairs.slice(0, KVASIR_TRAIN_IMAGES);
  return runExperiment(studio, finished, work, spec, train, { ...val, ref: 'kvasir:val-rest', pairs: val.pairs.slice(KVASIR_TRAIN_IMAGES) }, log);
}
