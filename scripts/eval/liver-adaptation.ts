// The correction loop on a new patient, measured: the liver model trained on 3D-IRCADb patient 1
// only (dra-unet-liver-ct-p01) meets patient 17; a clinician corrects 10 slices (here: their true
// masks), the model is fine-tuned on them through the product's path (cases added, a fine-tune
// job, the regression gate), and both versions segment the whole series; Dice is scored on the
// slices nobody corrected. The blocks come from the liver's extent in the truth (where a clinician
// would correct), never from any model's results: the corrected block through the liver's middle,
// the gate's held-out block in its lower quarter (the job keeps its last epoch: the gate selects nothing).
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { StudioApi } from '../../src/shared/api';
import type { VolumeImage } from '../../src/shared/image';
import { readImage, writeImage, writeLabelmap } from '../../src/core/io';
import { readMaskOnGrid } from '../../src/core/masks/evaluate-files';
import { maskMetrics } from '../../src/core/masks/metrics';
import { dataset, type Pair } from '../zoo/datasets';
import type { Finished } from './evaluate-split';
import { fineTune, slabOf, type ExperimentSpec } from './finetune-run';

/** 10 slices × 20 epochs = 60 steps of batch 4: about 3–4 minutes on 2 busy cores. */
export const LIVER_ADAPTATION_EPOCHS = 20;
const CORRECTED_SLICES = 10;
const LIVER_LABELS = new Set([1, 2]); // liver and the tumours in it

type Block = [number, number];

async function writeSlab(image: VolumeImage, truth: Uint8Array, [k0, k1]: Block, dir: string, name: string): Promise<Pair> {
  const plane = image.size[0] * image.size[1];
  const slab = slabOf(image, k0, k1);
  const pair = { name, image: join(dir, `${name}.nii.gz`), mask: join(dir, `${name}-mask.nii.gz`) };
  await writeImage(pair.image, slab);
  await writeLabelmap(pair.mask, truth.slice(k0 * plane, k1 * plane), slab);
  return pair;
}

/** Dice etc. of the liver over every slice outside `skip`. */
function metricsOutside(pred: Uint8Array, truth: Uint8Array, [k0, k1]: Block, plane: number) {
  const [p, t] = [pred.slice(), truth.slice()];
  p.fill(0, k0 * plane, k1 * plane);
  t.fill(0, k0 * plane, k1 * plane);
  const m = maskMetrics(p, t, 1);
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, +v.toFixed(4)]));
}

export async function liverAdaptation(studio: StudioApi, finished: Finished, work: string, spec: ExperimentSpec, log: (m: string) => void) {
  const patient = dataset('ircadb-p17').pairs[0];
  const image = await readImage(patient.image);
  const truth = Uint8Array.from(await readMaskOnGrid(patient.mask, image), (v) => (LIVER_LABELS.has(v) ? 1 : 0));
  const plane = image.size[0] * image.size[1];
  const liver = Array.from({ length: image.size[2] }, (_, k) => k).filter((k) => truth.subarray(k * plane, (k + 1) * plane).some((v) => v));
  const [z0, z1] = [liver[0], liver[liver.length - 1]];
  const block = (centre: number): Block => [Math.round(centre - CORRECTED_SLICES / 2), Math.round(centre - CORRECTED_SLICES / 2) + CORRECTED_SLICES];
  const corrected = block((z0 + z1) / 2);
  const gate = block(z0 + (z1 - z0) / 4);
  if (gate[1] > corrected[0]) throw new Error(`the liver spans slices ${z0}–${z1} only: too few for two separate ${CORRECTED_SLICES}-slice blocks`);
  const train = await writeSlab(image, truth, corrected, work, 'p17-corrected');
  const validation = await writeSlab(image, truth, gate, work, 'p17-gate');
  const tuned = await fineTune(studio, finished, spec, [train], [validation], log);
  if (!('version' in tuned)) return tuned;
  const scored = async (ref: string) => {
    const outDir = join(work, ref.replace(/[@.]/g, '-'));
    mkdirSync(outDir, { recursive: true });
    const batch = await studio.segmentBatch({ inputs: [patient.image], model: ref, outDir, device: 'cpu' });
    return metricsOutside(await readMaskOnGrid(batch.cases[0].out, image), truth, corrected, plane);
  };
  return {
    ...tuned, dataset: 'ircadb-p17', liverSlices: [z0, z1], correctedSlices: corrected, gateSlices: gate,
    scoredSlices: image.size[2] - CORRECTED_SLICES, before: await scored(tuned.parent), after: await scored(tuned.version),
  };
}
