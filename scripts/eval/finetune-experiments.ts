// The correction → fine-tune loop on real data, through the product's own path (cases added with
// their masks, a fine-tune job, the regression gate), measured before and after on held-out data:
// - rectal tumour MRI: tumour masks of slices 4–12 train, slices 13–20 are held out;
// - Kvasir-SEG polyps: 20 `val` images train, the other `val` images are held out;
// - a new liver patient (liver-adaptation.ts): 10 corrected slices of 3D-IRCADb patient 17 adapt the
//   model trained on patient 1 only, measured on patient 17's other slices.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MaskMetrics, StudioApi } from '../../src/shared/api';
import type { VolumeImage } from '../../src/shared/image';
import { worldToIndex } from '../../src/shared/geometry';
import { readImage, writeImage, writeLabelmap } from '../../src/core/io';
import { readMaskOnGrid } from '../../src/core/masks/evaluate-files';
import { dataset, SHARED_DATA, type DatasetSplit, type Pair } from '../zoo/datasets';
import { evaluateOn, type Finished } from './evaluate-split';
import { fineTune, slabOf, type ExperimentSpec } from './finetune-run';
import { LIVER_ADAPTATION_EPOCHS, liverAdaptation } from './liver-adaptation';

const RECTAL = join(SHARED_DATA, 'rectal-mri-t2');
const RECTAL_TRAIN_SLICES: [number, number] = [4, 12];
const RECTAL_HELD_OUT_SLICES: [number, number] = [13, 20];
const KVASIR_TRAIN_IMAGES = 20;

/** The experiments and the shipped model each starts from (the DRA-UNet of the rectal-tumour paper is our liver CT model). */
const EXPERIMENTS = [
  { name: 'rectal-mri-tumour', parent: 'dra-unet-liver-ct', epochs: 60, run: rectalExperiment },
  { name: 'kvasir-polyp', parent: 'resunetpp-polyp', epochs: 15, run: kvasirExperiment },
  { name: 'liver-new-patient', parent: 'dra-unet-liver-ct-p01', epochs: LIVER_ADAPTATION_EPOCHS, freezeBatchnorm: false, run: liverAdaptation },
];

export async function finetuneExperiments(studio: StudioApi, finished: Finished, work: string, models: string, log: (m: string) => void, only?: string[]) {
  const results = [];
  for (const { run, ...spec } of EXPERIMENTS.filter((e) => !only || only.includes(e.name))) {
    if (!existsSync(join(models, `${spec.parent}.onnx`))) {
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
  const image = slabOf(series, k0, k1 + 1);
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

const metricsOnly = (m: MaskMetrics) => ({ dice: m.dice, iou: m.iou, precision: m.precision, recall: m.recall });

async function runExperiment(studio: StudioApi, finished: Finished, work: string, spec: ExperimentSpec,
  train: Pair[], heldOut: DatasetSplit, log: (m: string) => void) {
  const tuned = await fineTune(studio, finished, spec, train, heldOut.pairs, log);
  if (!('version' in tuned)) return tuned;
  const before = await evaluateOn(studio, tuned.parent, heldOut, work);
  const after = await evaluateOn(studio, tuned.version, heldOut, work);
  return { ...tuned, heldOutCases: heldOut.pairs.length, before: metricsOnly(before), after: metricsOnly(after) };
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
