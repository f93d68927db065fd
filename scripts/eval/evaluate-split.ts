// Scoring a model on a dataset split through the engine's own calls (what `medseg segment` and
// `medseg eval` do), and a studio with a throw-away workspace for the experiments.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FinetuneJob, MaskMetrics, StudioApi, StudioEvent } from '../../src/shared/api';
import { createStudio } from '../../src/core/studio';
import { appRoot } from '../../src/core/paths';
import type { DatasetSplit } from '../zoo/datasets';

const round = (m: MaskMetrics) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, +v.toFixed(4)])) as unknown as MaskMetrics;

export function meanMetrics(cases: MaskMetrics[]): MaskMetrics {
  const mean = (k: keyof MaskMetrics) => cases.reduce((s, c) => s + c[k], 0) / cases.length;
  return { dice: mean('dice'), iou: mean('iou'), precision: mean('precision'), recall: mean('recall') };
}

/** Segments every case of a split with one model and scores it: mean over images (2D) or volumes. */
export async function evaluateOn(studio: StudioApi, model: string, split: DatasetSplit, work: string) {
  const out = join(work, `${model}-${split.ref.replace(':', '-')}`);
  mkdirSync(out, { recursive: true });
  const truthLabel = split.labels?.length === 1 ? split.labels[0] : undefined;
  const batch = await studio.segmentBatch({ inputs: split.pairs.map((p) => p.image), model, outDir: out, device: 'cpu' });
  const cases: MaskMetrics[] = [];
  for (const [i, pair] of split.pairs.entries()) cases.push(await studio.evaluate({ pred: batch.cases[i].out, truth: pair.mask, truthLabel, voxelOrder: pair.maskHeaderWrong }));
  const slices = batch.cases.reduce((s, c) => s + c.slices, 0);
  return {
    model: batch.model, dataset: split.ref, cases: cases.length, ...round(meanMetrics(cases)),
    secondsPerCase: +(batch.seconds / cases.length).toFixed(3), secondsPerSlice: +(batch.seconds / slices).toFixed(3), provider: batch.provider,
  };
}

export type Finished = (jobId: string) => Promise<FinetuneJob>;

/** A studio over the shipped models (or those in `models`) with a throw-away workspace and user store; it reports job ends. */
export function scratchStudio(work: string, models = join(appRoot(), 'models')) {
  const ends = new Map<string, (job: FinetuneJob) => void>();
  const emit = (e: StudioEvent) => { if (e.kind === 'finetune' && e.job.state !== 'running') ends.get(e.job.jobId)?.(e.job); };
  const studio = createStudio({ workspace: join(work, 'workspace'), models: { shipped: models, user: join(work, 'models') }, emit });
  const finished = (jobId: string) => new Promise<FinetuneJob>((resolve) => ends.set(jobId, resolve));
  return { studio, finished };
}
