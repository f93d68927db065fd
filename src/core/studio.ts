// The composition root: one engine behind the StudioApi contract, shared by every host. Each
// method's logic lives in its feature's module; this file only wires them to shared state.
import { join } from 'node:path';
import { imageInfo } from '../shared/image';
import type { EvaluateRequest, StudioApi, StudioEvent } from '../shared/api';
import { parseModelRef } from '../shared/model-ref';
import { listDicomSeries, readImage } from './io';
import { evaluateFolders, evaluatePair } from './masks/evaluate-files';
import { doctorReport } from './inference/execution-provider';
import { importModel } from './training/model-import';
import { listModels, findLineage } from './training/model-registry';
import type { ModelFolders } from './training/model-folders';
import { setCurrentVersion } from './training/model-versions';
import { FinetuneJobs } from './training/finetune-job';
import { evaluateVersions } from './training/evaluate-versions';
import { maskStatistics } from './statistics/mask-statistics';
import { writeDicomSeg } from './dicom-seg/seg-export';
import type { PythonRuntime } from './training/python-runtime';
import { CancellableJobs } from './cancellable-jobs';
import { modelChoices } from './model-fit';
import { imageFamily, modelFamily } from '../shared/model-match';
import { segmentBatch, segmentCase, segmentFile, type SegmentContext } from './segment-requests';
import { CaseStore } from './workspace/case-store';
import { OpenImages, openCase, type CaseOpeningContext } from './workspace/case-opening';
import { addCorrectedCase } from './workspace/corrected-case';
import { exportCaseMask } from './workspace/mask-export';
import { loadCaseMask } from './workspace/mask-import';
import { openUpload } from './workspace/uploads';
import { appRoot, medsegHome } from './paths';
import { ClickModels, refineFile, refineSlice } from './interactive/refine-slice';
import { caseSources, sourceGuard } from './confinement/source-protection';

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

export function createStudio(options: StudioOptions = {}): StudioApi {
  const folders: ModelFolders = {
    shipped: options.models?.shipped ?? join(appRoot(), 'models'),
    user: options.models?.user ?? join(medsegHome(), 'models'),
  };
  const cases = new CaseStore(options.workspace ?? join(medsegHome(), 'workspace'));
  const sampleCase = options.sampleCase ?? join(appRoot(), 'resources', 'sample', 'abdomen-phantom.nii.gz');
  const images = new OpenImages(cases);
  const jobs = new CancellableJobs();
  const emit = options.emit ?? (() => {});
  const finetunes = new FinetuneJobs({ folders, cases, emit, python: options.python });
  const clickModels = new ClickModels(folders);
  const opening: CaseOpeningContext = { cases, images, jobs, emit };
  /** A check refusing targets that would replace a case's source image, or one of `inputs` (the run's own images). */
  const guardSources = async (inputs: string[] = []) => sourceGuard([...inputs, ...await caseSources(cases)]);
  const protect = async (targets: string[], inputs: string[] = []) => {
    const guard = await guardSources(inputs);
    for (const target of targets) await guard(target);
  };
  const segmenting: SegmentContext = { folders, jobs, emit, guardSources, caseImage: (id) => images.get(id) };

  return {
    // A full read, not a header-only one: `info` is how users check that a file is whole.
    async imageInfo(path) {
      const image = await readImage(path);
      return { ...imageInfo(image), warnings: image.warnings };
    },

    listModels: () => listModels(folders),
    async modelsFor({ caseId, modality }) {
      // A typed modality (CT, MR, endoscopy) reads like a manifest's.
      const of = caseId ? imageFamily(await images.get(caseId)) : modelFamily(modality ?? '');
      return modelChoices(await listModels(folders), of);
    },
    segment: (request) => segmentFile(segmenting, request),
    segmentBatch: (request) => segmentBatch(segmenting, request),

    evaluate: ({ pred, truth, label, truthLabel, voxelOrder }: EvaluateRequest) => evaluatePair(pred, truth, label, truthLabel, voxelOrder),
    evaluateFolders: ({ pred, truth, label, truthLabel, voxelOrder }: EvaluateRequest) => evaluateFolders(pred, truth, label, truthLabel, voxelOrder),
    importModel: ({ file, manifest }) => importModel(folders, file, manifest),

    openCase: (request) => openCase(opening, request),
    listSeries: (folder) => listDicomSeries(folder),
    openUploadedCase: (files) => openUpload(cases.root, files, (path) => openCase(opening, { path })),
    openSampleCase: () => openCase(opening, { path: sampleCase }),
    recentCases: () => cases.recent(),
    segmentCase: (request) => segmentCase(segmenting, request),
    cancelJob: async (jobId) => jobs.cancel(jobId) || finetunes.cancel(jobId),
    saveCase: (request) => cases.save(request),
    exportMask: (request) => exportCaseMask(cases, images, request, protect),
    loadMask: (request) => loadCaseMask(cases, images, request),
    async exportDicomSeg({ caseId, labelmap, provenance, labels, out }) {
      const [record, image] = await Promise.all([cases.get(caseId), images.get(caseId)]);
      await protect([out]);
      return writeDicomSeg({ out, labelmap, provenance, image, labels, model: record.proposedBy });
    },
    reviewCase: ({ caseId, reviewed, split }) => cases.review(caseId, reviewed, split),
    addCase: (request) => addCorrectedCase(cases, images, folders, request),

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
    refineSlice: async (request) => refineSlice(await images.get(request.caseId), request, clickModels),
    async refineFile(request) {
      await protect([request.out], [request.input]);
      return refineFile(request, clickModels);
    },
    probeDevices: () => doctorReport(folders.shipped),
  };
}
