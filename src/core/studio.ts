// The composition root: one engine behind the StudioApi contract, shared by every host.
import { join } from 'node:path';
import type { EvaluateRequest, SegmentRequest, StudioApi } from '../shared/api';
import { imageInfo } from '../shared/image';
import { UserError } from '../shared/errors';
import { sameGeometry } from '../shared/geometry';
import { readImage, writeLabelmap } from './io';
import { loadModel, segmentVolume } from './inference';
import { maskMetrics } from './masks/metrics';
import { countLabels } from './masks/label-counts';
import { listModels, findModel, type ModelFolders } from './training/model-registry';
import { appRoot, medsegHome } from './paths';

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
      if (!sameGeometry(p, t, 1e-3)) {
        throw new UserError(`The masks are on different grids (${p.size.join('×')} vs ${t.size.join('×')}): resample one onto the other first.`);
      }
      return maskMetrics(p.data, t.data, label);
    },
  };
}
