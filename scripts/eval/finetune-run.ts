// One fine-tune experiment through the product's own path: the cases added with their masks
// (training and held-out for the regression gate), a fine-tune job, and what it produced.
import type { StudioApi } from '../../src/shared/api';
import type { VolumeImage } from '../../src/shared/image';
import { indexToWorld } from '../../src/shared/geometry';
import type { Pair } from '../zoo/datasets';
import type { Finished } from './evaluate-split';

export interface ExperimentSpec {
  name: string;
  parent: string;
  epochs: number;
  /** Keep the parent's batch-norm statistics (few slices from one region of one patient would overwrite them). */
  freezeBatchnorm?: boolean;
}

/** Reviewed cases in (train, and validation for the regression gate), one fine-tune job, its outcome. */
export async function fineTune(studio: StudioApi, finished: Finished, spec: ExperimentSpec, train: Pair[], validation: Pair[], log: (m: string) => void) {
  log(`fine-tune experiment ${spec.name}: ${train.length} training, ${validation.length} held-out case(s) from ${spec.parent}`);
  // An experiment may start from a model of another modality on purpose (a CT model taught MRI).
  const add = (p: Pair, split: 'train' | 'validation') =>
    studio.addCase({ input: p.image, mask: p.mask, model: spec.parent, device: 'cpu', split, allowOtherModality: true });
  for (const p of train) await add(p, 'train');
  for (const p of validation) await add(p, 'validation');
  const started = Date.now();
  await studio.startFinetune({ model: spec.parent, epochs: spec.epochs, device: 'cpu', jobId: spec.name, freezeBatchnorm: spec.freezeBatchnorm });
  const job = await finished(spec.name);
  const outcome = { experiment: spec.name, parent: job.parent, epochs: spec.epochs, freezeBatchnorm: spec.freezeBatchnorm ?? false, trainCases: train.length, fineTuneSeconds: Math.round((Date.now() - started) / 1000) };
  if (job.state !== 'done' || !job.result) return { ...outcome, failed: { state: job.state, message: job.message } };
  return { ...outcome, version: job.result.ref, promoted: job.result.promoted, gate: job.result.reason };
}


/** Slices [k0, k1) of a volume as a volume of its own, in the same place in the world. */
export function slabOf(image: VolumeImage, k0: number, k1: number): VolumeImage {
  const values = image.size[0] * image.size[1] * image.components;
  return {
    ...image, size: [image.size[0], image.size[1], k1 - k0], origin: indexToWorld(image, [0, 0, k0]),
    data: image.data.slice(k0 * values, k1 * values) as VolumeImage['data'],
  };
}
