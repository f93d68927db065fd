// The composition root: one engine behind the StudioApi contract, shared by every host.
import { join } from 'node:path';
import { imageInfo } from '../shared/image';
import type {
  AddCaseRequest, BatchSegmentRequest, CaseSegmentRequest, EvaluateRequest, ExportMaskRequest, OpenedCase, SegmentRequest, StudioApi, StudioEvent,
} from '../shared/api';
import { formatModelRef, parseModelRef } from '../shared/model-ref';
import { readImage, writeLabelmap, type LoadedImage } from './io';
import { loadModel, segmentVolume } from './inference';
import { segmentFiles } from './inference/segment-files';
import { doctorReport } from './inference/execution-provider';
import { evaluateFolders, evaluatePair, readMaskOnGrid } from './masks/evaluate-files';
import { importModel } from './training/model-import';
import { countLabels } from '../shared/mask-algorithms';
import { listModels, findLineage, findModel } from './training/model-registry';
import type { ModelFolders } from './training/model-folders';
import { setCurrentVersion } from './training/model-versions';
import { FinetuneJobs } from './training/finetune-job';
import { evaluateVersions } from './training/evaluate-versions';
import { maskStatistics } from './statistics/mask-statistics';
import { isDicomSegTarget, writeDicomSeg } from './dicom-seg/seg-export';
import type { PythonRuntime } from './training/python-runtime';
import { CaseStore, DEFAULT_LABELS } from './workspace/case-store';
import { summaryOf } from './workspace/case-record';
import { openUpload } from './workspace/uploads';
import { correctedProvenance, maskAsLabels } from './workspace/corrected-case';
import { appRoot, medsegHome } from './paths';
import { ClickModels, refineFile, refineSlice } from './interactive/refine-slice';
import { caseSources, refuseOverwritingSources } from './confinement/source-protection';

export interface StudioOptions {
  models?: Partial<ModelFolders>;
  /** Workspace folder (cases, uploads); default MEDSEG_HOME/workspace. */
  workspace?: string;
  /** The bundled sample case; default resources/sample/abdomen-phantom.nii.gz. */
  sampleCase?: string;
  /** Receives progress of long jobs; hosts forward it to their pages. */
  emit?: (event: StudioEvent) => void;
  /** The Python training runtime for fine-tuning (default: found on this machine; null: none). */
  python?: () => PythonRuntime | null;
}

/** Keeps the last few opened images so segmenting or exporting a case does not read it again. */
class OpenImages {
  private images = new Map<string, LoadedImage>();
  constructor(private readonly capacity = 2) {}
  put(id: string, image: LoadedImage): void {
    this.images.delete(id);
    this.images.set(id, image);
    while (this.images.size > this.capacity) this.images.delete(this.images.keys().next().value!);
  }
  async get(id: string, source: () => Promise<string>): Promise<LoadedImage> {
    const cached = this.images.get(id);
    if (cached) return cached;
    const image = await readImage(await source());
    this.put(id, image);
    return image;
  }
}

export function createStudio(options: StudioOptions = {}): StudioApi {
  const folders: ModelFolders = {
    shipped: options.models?.shipped ?? join(appRoot(), 'models'),
    user: options.models?.user ?? join(medsegHome(), 'models'),
  };
  const cases = new CaseStore(options.workspace ?? join(medsegHome(), 'workspace'));
  const sampleCase = options.sampleCase ?? join(appRoot(), 'resources', 'sample', 'abdomen-phantom.nii.gz');
  const openImages = new OpenImages();
  const jobs = new Map<string, AbortController>();
  const emit = options.emit ?? (() => {});
  const finetunes = new FinetuneJobs({ folders, cases, emit, python: options.python });
  const clickModels = new ClickModels(folders);

  async function openCase(path: string): Promise<OpenedCase> {
    const image = await readImage(path);
    const { record, work, warnings, readOnly } = await cases.open(path, image);
    openImages.put(record.id, image);
    const { warnings: readWarnings, ...plainImage } = image;
    return {
      summary: summaryOf(record), image: plainImage, labelmap: work?.labelmap ?? null, provenance: work?.provenance ?? null,
      labels: record.labels, warnings: [...readWarnings, ...warnings], ...(readOnly ? { readOnly } : {}),
    };
  }

  const caseImage = (caseId: string) => openImages.get(caseId, async () => (await cases.get(caseId)).source);

  return {
    // A full read, not a header-only one: `info` is how users check that a file is whole.
    async imageInfo(path) {
      const image = await readImage(path);
      return { ...imageInfo(image), warnings: image.warnings };
    },

    listModels: () => listModels(folders),

    async segment({ input, model: modelId, out, device = 'auto' }: SegmentRequest) {
      const summary = await findModel(folders, modelId);
      await refuseOverwritingSources([out], [input, ...await caseSources(cases)]);
      const image = await readImage(input);
      const model = await loadModel(summary.path, { device });
      try {
        const result = await segmentVolume(model, image);
        const written = isDicomSegTarget(out)
          ? await writeDicomSeg({ out, labelmap: result.labelmap, provenance: null, image, labels: summary.manifest.output.labels, model: `${summary.id}@${summary.manifest.version}` })
          : await writeLabelmap(out, result.labelmap, image);
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

    async segmentBatch({ inputs, model: modelId, outDir, device = 'auto' }: BatchSegmentRequest) {
      const summary = await findModel(folders, modelId);
      const model = await loadModel(summary.path, { device });
      try {
        const sources = [...inputs, ...await caseSources(cases)];
        return await segmentFiles(model, summary.id, summary.manifest.output.labels, inputs, outDir,
          (target) => refuseOverwritingSources([target], sources));
      } finally {
        await model.close();
      }
    },

    evaluate: ({ pred, truth, label, truthLabel, voxelOrder }: EvaluateRequest) => evaluatePair(pred, truth, label, truthLabel, voxelOrder),
    evaluateFolders: ({ pred, truth, label, truthLabel, voxelOrder }: EvaluateRequest) => evaluateFolders(pred, truth, label, truthLabel, voxelOrder),
    importModel: ({ file, manifest }) => importModel(folders, file, manifest),

    openCase,
    openUploadedCase: (files) => openUpload(cases.root, files, openCase),
    openSampleCase: () => openCase(sampleCase),
    recentCases: () => cases.recent(),

    async segmentCase({ caseId, model: modelId, device = 'auto', slices, jobId }: CaseSegmentRequest) {
      const summary = await findModel(folders, modelId);
      const image = await caseImage(caseId);
      const abort = new AbortController();
      if (jobId) jobs.set(jobId, abort);
      const model = await loadModel(summary.path, { device });
      try {
        const result = await segmentVolume(model, image, {
          slices, signal: abort.signal,
          onProgress: (done, total) => jobId && emit({ kind: 'progress', jobId, done, total, message: `Segmenting with ${summary.manifest.name}` }),
        });
        return {
          labelmap: result.labelmap, labels: summary.manifest.output.labels, model: formatModelRef(summary.id, summary.manifest.version),
          provider: result.provider, ...(model.providerNote ? { providerNote: model.providerNote } : {}),
          slices: result.slices, seconds: result.seconds,
        };
      } finally {
        if (jobId) jobs.delete(jobId);
        await model.close();
      }
    },

    async cancelJob(jobId) {
      const job = jobs.get(jobId);
      job?.abort();
      return job !== undefined || finetunes.cancel(jobId);
    },

    saveCase: (request) => cases.save(request),

    async exportMask({ caseId, labelmap, out }: ExportMaskRequest) {
      const image = await caseImage(caseId);
      // A 2D case also gets a PNG beside its NIfTI, for tools that expect one.
      const png = image.size[2] === 1 && !out.toLowerCase().endsWith('.png') ? out.replace(/(\.nii\.gz|\.nii|\.nrrd|\.mha)$/i, '') + '.png' : null;
      await refuseOverwritingSources(png ? [out, png] : [out], await caseSources(cases));
      const written = [(await writeLabelmap(out, labelmap, image)).out];
      if (png) written.push((await writeLabelmap(png, labelmap, image)).out);
      return { written };
    },

    async exportDicomSeg({ caseId, labelmap, provenance, labels, out }) {
      const [record, image] = await Promise.all([cases.get(caseId), caseImage(caseId)]);
      await refuseOverwritingSources([out], await caseSources(cases));
      return writeDicomSeg({ out, labelmap, provenance, image, labels, model: record.proposedBy });
    },

    reviewCase: ({ caseId, reviewed, split }) => cases.review(caseId, reviewed, split),

    async addCase({ input, mask, model: modelRef, device = 'auto', reviewed = true, split }: AddCaseRequest) {
      const image = await readImage(input);
      const summary = modelRef ? await findModel(folders, modelRef) : null;
      const labels = summary?.manifest.output.labels ?? DEFAULT_LABELS;
      const labelmap = maskAsLabels(await readMaskOnGrid(mask, image), labels[0].value);
      let proposal: Uint8Array | null = null;
      if (summary) {
        const model = await loadModel(summary.path, { device });
        try {
          proposal = (await segmentVolume(model, image)).labelmap;
        } finally {
          await model.close();
        }
      }
      const { record } = await cases.open(input, image);
      openImages.put(record.id, image);
      await cases.save({ caseId: record.id, labelmap, provenance: correctedProvenance(labelmap, proposal), labels,
        proposedBy: summary ? formatModelRef(summary.id, summary.manifest.version) : null });
      return cases.review(record.id, reviewed, split);
    },

    startFinetune: (request) => finetunes.start(request),
    finetuneJobs: async () => finetunes.list(),
    modelVersions: async (model) => (await findLineage(folders, model)).versions,

    async setCurrentVersion(ref) {
      const { version } = parseModelRef(ref, { versionRequired: true });
      const { root } = await findLineage(folders, ref);
      await setCurrentVersion(folders, root, version!);
      return (await findLineage(folders, ref)).versions;
    },

    evaluateVersions: (model) => evaluateVersions(folders, cases, model),
    maskStatistics,
    refineSlice: async (request) => refineSlice(await caseImage(request.caseId), request, clickModels),
    async refineFile(request) {
      await refuseOverwritingSources([request.out], [request.input, ...await caseSources(cases)]);
      return refineFile(request, clickModels);
    },
    probeDevices: () => doctorReport(folders.shipped),
  };
}
