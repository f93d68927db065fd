// The segmentation requests of the contract: a file to a mask file, many files with one model
// loaded once, and a case's slices for the editor. Each finds the model once (a lookup reads every
// model file's metadata), refuses a run on another modality unless allowed, and releases the
// model's worker whatever happens.
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
  /** A check refusing mask targets that would replace a source image (a case's, or one of `inputs`); built once per request. */
  guardSources: (inputs?: string[]) => Promise<(target: string) => Promise<void>>;
  /** A case's image (kept from when it was opened). */
  caseImage: (caseId: string) => Promise<VolumeImage>;
}

/** Loads a model, runs `use`, and always closes it. */
export async function withModel<T>(summary: ModelSummary, device: Device, use: (model: SegmentationModel) => Promise<T>): Promise<T> {
  const model = await loadModel(summary.path, { device });
  try {
    return await use(model);
  } finally {
    await model.close();
  }
}

/** Throws when the model was made for another modality than `image`'s and the request does not allow it. */
export function checkFits(folders: ModelFolders, summary: ModelSummary, image: VolumeImage, allow: boolean | undefined): Promise<void> {
  return checkModelFits(summary, image, allow, () => listModels(folders));
}

const providerOf = (model: SegmentationModel) => ({ provider: model.provider, ...(model.providerNote ? { providerNote: model.providerNote } : {}) });

export async function segmentFile({ folders, guardSources }: SegmentContext, request: SegmentRequest): Promise<SegmentResult> {
  // A bad model ref (one that climbs out of the store) is refused before any file is looked at.
  const summary = await findModel(folders, request.model);
  await (await guardSources([request.input]))(request.out);
  const image = await readImage(request.input);
  await checkFits(folders, summary, image, request.allowOtherModality);
  return withModel(summary, request.device ?? 'auto', async (model) => {
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

export async function segmentBatch({ folders, guardSources }: SegmentContext, request: BatchSegmentRequest): Promise<BatchSegmentResult> {
  const summary = await findModel(folders, request.model);
  const protect = await guardSources(request.inputs);
  return withModel(summary, request.device ?? 'auto', (model) =>
    segmentFiles(model, summary.id, summary.manifest.output.labels, request.inputs, request.outDir, {
      protect,
      check: (image) => checkFits(folders, summary, image, request.allowOtherModality),
    }));
}

export async function segmentCase({ folders, jobs, emit, caseImage }: SegmentContext, request: CaseSegmentRequest): Promise<CaseSegmentResult> {
  const image = await caseImage(request.caseId);
  const summary = await findModel(folders, request.model);
  await checkFits(folders, summary, image, request.allowOtherModality);
  const { jobId } = request;
  return jobs.run(jobId, (signal) => withModel(summary, request.device ?? 'auto', async (model) => {
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
