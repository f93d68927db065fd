// The segmentation requests of the contract: a file to a mask file, many files with one model
// loaded once, and a case's slices for the editor. Each finds the model, refuses a run on another
// modality unless allowed, and releases the model's worker whatever happens.
import type {
  BatchSegmentRequest, BatchSegmentResult, CaseSegmentRequest, CaseSegmentResult, ModelSummary, SegmentRequest, SegmentResult, StudioEvent,
} from '../shared/api';
import type { VolumeImage } from '../shared/image';
import { readImage, writeLabelmap } from './io';
import { loadModel, segmentVolume, type SegmentationModel } from './inference';
import { segmentFiles } from './inference/segment-files';
import { countLabels } from '../shared/mask-algorithms';
import { formatModelRef } from '../shared/model-ref';
import { findModel, listModels } from './training/model-registry';
import type { ModelFolders } from './training/model-folders';
import { checkModelFits } from './model-fit';
import { isDicomSegTarget, writeDicomSeg } from './dicom-seg/seg-export';
import type { CancellableJobs } from './cancellable-jobs';
import type { Device } from '../shared/api';

export interface SegmentContext {
  folders: ModelFolders;
  jobs: CancellableJobs;
  emit: (event: StudioEvent) => void;
  /** Refuses mask targets that would replace a source image (a case's, or one of `inputs`). */
  protect: (targets: string[], inputs?: string[]) => Promise<void>;
  /** A case's image (kept from when it was opened). */
  caseImage: (caseId: string) => Promise<VolumeImage>;
}

/** Loads a model, runs `use`, and always closes it. */
export async function withModel<T>(folders: ModelFolders, ref: string, device: Device, use: (model: SegmentationModel, summary: ModelSummary) => Promise<T>): Promise<T> {
  const summary = await findModel(folders, ref);
  const model = await loadModel(summary.path, { device });
  try {
    return await use(model, summary);
  } finally {
    await model.close();
  }
}

/** Throws when the model was made for another modality than `image`'s and the request does not allow it. */
export async function checkFits(folders: ModelFolders, ref: string, image: VolumeImage, allow: boolean | undefined): Promise<void> {
  if (allow) return;
  checkModelFits(await findModel(folders, ref), image, false, await listModels(folders));
}

const providerOf = (model: SegmentationModel) => ({ provider: model.provider, ...(model.providerNote ? { providerNote: model.providerNote } : {}) });

export async function segmentFile({ folders, protect }: SegmentContext, request: SegmentRequest): Promise<SegmentResult> {
  // A bad model ref (one that climbs out of the store) is refused before any file is looked at.
  await findModel(folders, request.model);
  await protect([request.out], [request.input]);
  const image = await readImage(request.input);
  await checkFits(folders, request.model, image, request.allowOtherModality);
  return withModel(folders, request.model, request.device ?? 'auto', async (model, summary) => {
    const result = await segmentVolume(model, image);
    const written = isDicomSegTarget(request.out)
      ? await writeDicomSeg({ out: request.out, labelmap: result.labelmap, provenance: null, image,
        labels: summary.manifest.output.labels, model: formatModelRef(summary.id, summary.manifest.version) })
      : await writeLabelmap(request.out, result.labelmap, image);
    return {
      model: summary.id, ...providerOf(model), slices: result.slices, seconds: result.seconds,
      labels: countLabels(result.labelmap, summary.manifest.output.labels), out: written.out,
    };
  });
}

export async function segmentBatch({ folders, protect }: SegmentContext, request: BatchSegmentRequest): Promise<BatchSegmentResult> {
  const all = await listModels(folders);
  return withModel(folders, request.model, request.device ?? 'auto', (model, summary) =>
    segmentFiles(model, summary.id, summary.manifest.output.labels, request.inputs, request.outDir, {
      protect: (target) => protect([target], request.inputs),
      check: (image) => checkModelFits(summary, image, request.allowOtherModality, all),
    }));
}

export async function segmentCase({ folders, jobs, emit, caseImage }: SegmentContext, request: CaseSegmentRequest): Promise<CaseSegmentResult> {
  const image = await caseImage(request.caseId);
  await checkFits(folders, request.model, image, request.allowOtherModality);
  const { jobId } = request;
  return jobs.run(jobId, (signal) => withModel(folders, request.model, request.device ?? 'auto', async (model, summary) => {
    const result = await segmentVolume(model, image, {
      slices: request.slices, signal,
      onProgress: (done, total) => jobId && emit({ kind: 'progress', jobId, done, total, message: `Segmenting with ${summary.manifest.name}` }),
    });
    return {
      labelmap: result.labelmap, labels: summary.manifest.output.labels, model: formatModelRef(summary.id, summary.manifest.version),
      ...providerOf(model), slices: result.slices, seconds: result.seconds,
    };
  }));
}
