// The correction loop on a new patient, measured as a clinician would run it: the liver model
// trained on 3D-IRCADb patient 1 only (dra-unet-liver-ct-p01) segments patient 17; the clinician
// corrects 10 slices spread through the liver (here: their true masks), accepts the rest as
// proposed and marks the series reviewed; the product's fine-tune job then trains on the whole
// reviewed series (the corrected slices weighted as corrections), and the regression gate judges
// on a separate reviewed block. Both versions segment the whole series; Dice is scored on the
// slices nobody corrected. The slices come from the liver's extent in the truth (where a clinician
// would look), never from any model's results: the gate's block in the liver's lower quarter, the
// corrected slices evenly spaced over the rest (the job keeps its last epoch: the gate selects nothing).
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

/** 8 passes over the 119-slice series (240 steps of batch 4): what fits in the 5 minutes on this 2-core machine. */
export const LIVER_ADAPTATION_EPOCHS = 8;
const CORRECTED_SLICES = 10;
const GATE_SLICES = 10;
const LIVER_LABELS = new Set([1, 2]); // liver and the tumours in it

/** `count` slices evenly spaced over `candidates` (in order), the first and last half a step in. */
function evenlySpaced(candidates: number[], count: number): number[] {
  if (candidates.length < count) throw new Error(`only ${candidates.length} slices to choose ${count} from`);
  return Array.from({ length: count }, (_, i) => candidates[Math.floor(((i + 0.5) * candidates.length) / count)]);
}

/** Dice etc. of the liver over every slice not in `skip`. */
function metricsOutside(pred: Uint8Array, truth: Uint8Array, skip: number[], plane: number) {
  const [p, t] = [pred.slice(), truth.slice()];
  for (const k of skip) {
    p.fill(0, k * plane, (k + 1) * plane);
    t.fill(0, k * plane, (k + 1) * plane);
  }
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
  const g0 = Math.round(z0 + (z1 - z0) / 4 - GATE_SLICES / 2);
  const gate: [number, number] = [g0, g0 + GATE_SLICES];
  const corrected = evenlySpaced(liver.filter((k) => k < gate[0] || k >= gate[1]), CORRECTED_SLICES);

  const segmented = async (ref: string) => {
    const outDir = join(work, ref.replace(/[@.]/g, '-'));
    mkdirSync(outDir, { recursive: true });
    const batch = await studio.segmentBatch({ inputs: [patient.image], model: ref, outDir, device: 'cpu' });
    return readMaskOnGrid(batch.cases[0].out, image);
  };
  // The reviewed series: the parent's proposal, with the corrected slices replaced by the truth.
  const proposal = await segmented(spec.parent);
  const reviewed = proposal.slice();
  for (const k of corrected) reviewed.set(truth.subarray(k * plane, (k + 1) * plane), k * plane);
  const train: Pair = { name: 'p17-reviewed', image: patient.image, mask: join(work, 'p17-reviewed-mask.nii.gz') };
  await writeLabelmap(train.mask, reviewed, image);
  const validation = await writeGateSlab(image, truth, gate, work);
  const tuned = await fineTune(studio, finished, spec, [train], [validation], log);
  if (!('version' in tuned)) return tuned;
  return {
    ...tuned, dataset: 'ircadb-p17', liverSlices: [z0, z1], correctedSlices: corrected, gateSlices: gate,
    scoredSlices: image.size[2] - CORRECTED_SLICES,
    before: metricsOutside(proposal, truth, corrected, plane), after: metricsOutside(await segmented(tuned.version), truth, corrected, plane),
  };
}

/** The gate's held-out block [k0, k1) with its true masks, as a volume of its own. */
async function writeGateSlab(image: VolumeImage, truth: Uint8Array, [k0, k1]: [number, number], dir: string): Promise<Pair> {
  const plane = image.size[0] * image.size[1];
  const slab = slabOf(image, k0, k1);
  const pair = { name: 'p17-gate', image: join(dir, 'p17-gate.nii.gz'), mask: join(dir, 'p17-gate-mask.nii.gz') };
  await writeImage(pair.image, slab);
  await writeLabelmap(pair.mask, truth.slice(k0 * plane, k1 * plane), slab);
  return pair;
}
