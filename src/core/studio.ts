// The composition root: one engine behind the StudioApi contract, shared by every host.
import { join } from 'node:path';
import type { EvaluateRequest, SegmentRequest, StudioApi } from '../shared/api';
import { imageInfo, type VolumeImage } from '../shared/image';
import { resampleLabelsNearest } from './imaging/resample-labels';
import { UserError } from '../shared/errors';
import { sameGeometry } from '../shared/geometry';
import { readImage, writeLabelmap } from './io';
import { loadModel, segmentVolume } from './inference';
import { maskMetrics } from './masks/metrics';
import { countLabels } from './masks/label-counts';
import { listModels, findModel, type ModelFolders } from './training/model-registry';
import { appRoot, medsegHome } from './paths';

/** The truth mask's labels on the prediction's grid, matched through world coordinates when the grids differ. */
function truthOnGridOf(truth: VolumeImage, pred: VolumeImage): ArrayLike<number> {
  if (sameGeometry(truth, pred)) return truth.data;
  const resampled = resampleLabelsNearest(truth.data, truth, pred);
  if (resampled.every((v) => v === 0) && truth.data.some((v) => v !== 0)) {
    throw new UserError(`The masks do not overlap in space (${pred.size.join('×')} vs ${truth.size.join('×')} voxels): are they of the same image?`);
  }
  return resampled;
}

export interface StudioOptions {
  models?: Partial<ModelFolders>;
}

export function createStudio(options: StudioOptions = {}): StudioApi {
  const folders: ModelFolders = {
    shipped: options.models?.shipped ?? join(appRoot(), 'models'),
    user: options.models?.user ?? join(medsegHome(), 'models'),
  };

  return {
    async imageInfo(path) {
      return imageInfo(await readImage(path));
    },

    listModels: () => listModels(folders),

    async segment({ input, model: modelId, out, device = 'auto' }: SegmentRequest) {
      const summary = await findModel(folders, modelId);
      const image = await readImage(input);
      const model = await loadModel(summary.path, { device });
      try {
        const result = await segmentVolume(model, image);
        const written = await writeLabelmap(out, result.labelmap, image);
        return {
          model: summary.id,
          provider: result.provider,
          ...(model.providerNote ? { providerNote: model.providerNote } : {}),
          slices: result.slices,
          seconds: result.seconds,
          labels: countLabels(result.labelmap, summary.manifest.output.labels),
          out: written.out,
        };
      } finally {
        await model.close();
      }
    },

    async evaluate({ pred, truth, label }: EvaluateRequest) {
      const [p, t] = await Promise.all([readImage(pred), readImage(truth)]);
      if (p.components !== 1 || t.components !== 1) throw new UserError('Masks must be single-component label images (not RGB).');
      return maskMetrics(p.data, truthOnGridOf(t, p), label);
    },
  };
}
