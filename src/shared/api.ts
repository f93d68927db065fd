// The one contract every host (Electron IPC, browser-mode HTTP, CLI) speaks. Transports walk
// STUDIO_METHODS (from STUDIO_METHOD_ARGUMENTS, which must declare every method and each of its
// arguments' fields: a missing one is a type error), so a new method is added here and in
// core/studio.ts, never in three transports.
import type { ImageInfo, VolumeImage } from './image';
import type { LabelDefinition, ModelManifest } from './manifest';
import type { DicomSeriesSummary } from './dicom';
import type { SegmentStatistics } from './segment-statistics';
import type { DeviceReport } from './device-report';
import type { DeclarationsOf } from './declarations';

export type Device = 'auto' | 'cpu' | 'cuda';

export interface ModelSummary {
  id: string;
  /** Where the model's root version lives: shipped with the app, or imported into the user's store. */
  source: 'shipped' | 'user';
  /** The ONNX file of the version this summary describes (the current one unless asked otherwise). */
  path: string;
  manifest: ModelManifest;
  /** Its PyTorch weights, which fine-tuning starts from; null when the model cannot be fine-tuned. */
  weights: string | null;
  /** How many versions the model's lineage has (1: never fine-tuned). */
  versions: number;
  /** Version folders in the store that could not be read and were skipped (damaged, misnamed). */
  problems?: string[];
}

/** What a fine-tune job recorded about the version it made (immutable, like the version). */
export interface VersionRecord {
  parent: string;
  createdAt: string;
  /** Dice/IoU/precision/recall on the held-out reviewed cases, and the parent's on the same cases. */
  metrics: MaskMetrics;
  parentMetrics: MaskMetrics;
  trainCases: string[];
  heldOutCases: string[];
  epochs: number;
  seconds: number;
  /** Whether the regression gate promoted it to current when it was made, and why (not). */
  gate: { promoted: boolean; reason: string };
  history: FinetunePoint[];
}

export interface ModelVersion {
  id: string;
  version: string;
  /** "id@version": what segment and fine-tune accept to name this version. */
  ref: string;
  path: string;
  weights: string | null;
  manifest: ModelManifest;
  current: boolean;
  /** null for the root (shipped or imported) version. */
  record: VersionRecord | null;
}

/** Set to run a model on an image of another modality than the one it was trained on (refused otherwise). */
export interface ModalityOverride {
  allowOtherModality?: boolean;
}

export interface SegmentRequest extends ModalityOverride {
  input: string;
  model: string;
  out: string;
  device?: Device;
}

export interface SegmentResult {
  model: string;
  provider: string;
  /** Why the provider differs from the one asked for (CUDA missing), when it does. */
  providerNote?: string;
  slices: number;
  seconds: number;
  /** Voxel count per label name. */
  labels: Record<string, number>;
  out: string;
}

/** Several images (files, or folders of 2D images) segmented with one model loaded once. */
export interface BatchSegmentRequest extends ModalityOverride {
  inputs: string[];
  model: string;
  /** Output folder: each mask is named after its input (.png for 2D inputs, .nii.gz for volumes). */
  outDir: string;
  device?: Device;
}

export interface BatchSegmentResult {
  model: string;
  provider: string;
  providerNote?: string;
  cases: { input: string; out: string; slices: number; seconds: number; labels: Record<string, number> }[];
  seconds: number;
  secondsPerImage: number;
}

export interface EvaluateRequest {
  pred: string;
  truth: string;
  /** Compare this label value only; any non-zero label when absent. */
  label?: number;
  /** The truth's value for the structure when it differs from the prediction's (a multi-organ truth). */
  truthLabel?: number;
  /**
   * Compare voxel by voxel, ignoring the truth's header geometry (same size required): for masks
   * whose voxels follow the image but whose header does not (3D-IRCADb's label NIfTI).
   */
  voxelOrder?: boolean;
}

export interface MaskMetrics {
  dice: number;
  iou: number;
  precision: number;
  recall: number;
}

/** Folder evaluation: masks matched by file name without extension. */
export interface FolderMetrics {
  cases: ({ name: string } & MaskMetrics)[];
  mean: MaskMetrics;
  /** Names with a prediction but no truth, or the reverse. */
  unmatched: string[];
}

/**
 * A manifest given at import: only what the ONNX file cannot tell is needed (preprocessing, output
 * activation and labels); channels and a fixed size come from the graph, id from the file name,
 * version defaults to 1.0.0. Anything given must agree with the graph.
 */
export type ManifestDraft = Partial<Omit<ModelManifest, 'input' | 'preprocessing' | 'output'>> & {
  input?: Partial<ModelManifest['input']>;
  preprocessing?: Partial<ModelManifest['preprocessing']>;
  output?: Partial<ModelManifest['output']>;
};

/** Which image the models are listed for: a case's, or a modality by name (CT, MR, endoscopy, …). */
export interface ModelsForRequest {
  caseId?: string;
  modality?: string;
}

/** A model with whether it was made for the image's modality: those that were come first. */
export interface ModelChoice extends ModelSummary {
  /** Why this model does not fit the image (another modality), or null when it does. */
  mismatch: string | null;
}

export interface ImportModelRequest {
  file: string;
  /** Manifest for a foreign ONNX without one (or to replace the embedded one). */
  manifest?: ManifestDraft;
}

/** A case: one source image and the user's work on it, kept in the workspace. */
export interface CaseSummary {
  id: string;
  name: string;
  /** The image file or DICOM folder the case was opened from. */
  source: string;
  /** The DICOM series of `source` the case is (a folder may hold several); absent for other images. */
  seriesUid?: string;
  openedAt: string;
  savedAt: string | null;
  /** Model id@version that proposed the current labelmap, if any. */
  proposedBy: string | null;
  /** Marked ready for training by the user. */
  reviewed: boolean;
  /**
   * Fixed when the case is first reviewed: 'validation' cases are held out of every fine-tune job
   * and are what the regression gate compares versions on.
   */
  split: CaseSplit | null;
}

export type CaseSplit = 'train' | 'validation';

export interface ReviewCaseRequest {
  caseId: string;
  reviewed: boolean;
  /** Override the automatic split (every fifth reviewed case, starting with the second, is held out). */
  split?: CaseSplit;
}

/** A corrected case from files: an image and its mask (CLI, scripted imports). */
export interface AddCaseRequest extends ModalityOverride {
  input: string;
  mask: string;
  /** The model that proposed the mask: voxels where the mask differs from its output count as human edits. */
  model?: string;
  device?: Device;
  reviewed?: boolean;
  split?: CaseSplit;
}

export interface OpenCaseRequest {
  /** An image file, or a folder (a DICOM series: the largest one unless `seriesUid` names another). */
  path: string;
  /** The series of a folder holding several (from listSeries). */
  seriesUid?: string;
  /** Lets the caller match 'progress' events (files read / total) and cancel with cancelJob(jobId). */
  jobId?: string;
}

export interface OpenedCase {
  summary: CaseSummary;
  image: VolumeImage;
  /** The autosaved labelmap and per-voxel provenance, or null for a new case. */
  labelmap: Uint8Array | null;
  provenance: Uint8Array | null;
  labels: LabelDefinition[];
  /** How the image was read (skipped series, …) and what happened to its saved work (damaged files set aside, …). */
  warnings: string[];
  /** Why saving is off for this case (a read-only or full workspace); absent when it can be saved. */
  readOnly?: string;
}

/** A file handed over by the page (drag and drop, file picker) rather than by path. */
export interface UploadedFile {
  /** Name relative to the dropped folder ("series/IM0001"), or the file name. */
  name: string;
  bytes: Uint8Array;
}

export interface CaseSegmentRequest extends ModalityOverride {
  caseId: string;
  model: string;
  device?: Device;
  /** One slice k, or slices [from, to); the whole volume when absent. */
  slices?: number | [number, number];
  /** Lets the caller cancel with cancelJob(jobId) and match progress events. */
  jobId?: string;
}

export interface CaseSegmentResult {
  labelmap: Uint8Array;
  labels: LabelDefinition[];
  model: string;
  provider: string;
  providerNote?: string;
  slices: number;
  seconds: number;
}

export interface SaveCaseRequest {
  caseId: string;
  labelmap: Uint8Array;
  provenance: Uint8Array;
  labels: LabelDefinition[];
  proposedBy?: string | null;
}

export interface ExportMaskRequest {
  caseId: string;
  labelmap: Uint8Array;
  /**
   * Target file (.nii.gz, .nii, .nrrd, .mha; .png for a 2D case). Default: a new file in the
   * workspace's exports folder. Never the case's source image.
   */
  out?: string;
  /** Names and colours written beside the mask (a JSON sidecar), so they travel with it. */
  labels?: LabelDefinition[];
  /** Allow `out` inside the folder of the case's source (a dataset folder): refused without it. */
  besideSource?: boolean;
  /** Also return the written files' bytes (browser mode downloads them). */
  download?: boolean;
}

export interface ExportMaskResult {
  /** Every file written and verified (a 2D case also gets a .png beside the NIfTI; labels a .labels.json). */
  written: string[];
  /** The written files' bytes, when the request asked for `download`. */
  files?: UploadedFile[];
}

/** An existing mask file to open onto a case (NIfTI, NRRD, seg.nrrd, MHA, PNG). */
export interface LoadMaskRequest {
  caseId: string;
  mask: string;
  /** Take the mask's voxels in file order when only its header's geometry differs (size must match). */
  voxelOrder?: boolean;
  /** Also store it as the case's saved labelmap (what the CLI does; the app puts it in as one undo step). */
  save?: boolean;
}

export interface LoadedMask {
  labelmap: Uint8Array;
  /** Label names and colours from the mask's sidecar or segment fields; defaults for values they do not name. */
  labels: LabelDefinition[];
  /** Voxels per label value. */
  counts: Record<number, number>;
  warnings: string[];
  /** The case after the save, when the request asked to save. */
  saved: CaseSummary | null;
}

export interface FinetuneRequest {
  /** Model id (its current version) or "id@version" to start from. */
  model: string;
  epochs?: number;
  device?: Device;
  /** Adam's step size (default 3e-4: a third of training from scratch). */
  learningRate?: number;
  /** Keep BatchNorm statistics fixed (their scale and shift still train): for a few cases like the training data. */
  freezeBatchnorm?: boolean;
  jobId?: string;
}

export interface FinetunePoint {
  epoch: number;
  step: number;
  loss: number;
  valDice: number | null;
}

export type FinetuneState = 'running' | 'done' | 'failed' | 'cancelled';

export interface FinetuneJob {
  jobId: string;
  model: string;
  /** "id@version" the job started from. */
  parent: string;
  state: FinetuneState;
  /** What is happening, or why it ended the way it did, in words for the user. */
  message: string;
  startedAt: string;
  endedAt: string | null;
  trainCases: number;
  heldOutCases: number;
  epochs: number;
  /** The parent's metrics on the held-out cases, once the trainer measured them. */
  baseline: MaskMetrics | null;
  /** Loss and validation Dice so far (for the live plot). */
  history: FinetunePoint[];
  progress: { epoch: number; step: number; totalSteps: number; etaSeconds: number | null } | null;
  /** The new version when the job finished. */
  result: { version: string; ref: string; promoted: boolean; reason: string; metrics: MaskMetrics; parentMetrics: MaskMetrics } | null;
}

/** Per-version metrics on the workspace's held-out reviewed cases, run through the engine. */
export interface VersionEvaluation {
  model: string;
  heldOutCases: string[];
  versions: { ref: string; parent: string | null; current: boolean; metrics: MaskMetrics; seconds: number }[];
}

/** A case's labelmap as a DICOM Segmentation over the series the case was opened from. */
export interface ExportDicomSegRequest {
  caseId: string;
  labelmap: Uint8Array;
  /** Per-voxel provenance: decides each segment's algorithm type (automatic, semi-automatic, manual). */
  provenance: Uint8Array;
  labels: LabelDefinition[];
  /** Target .dcm file. */
  out: string;
}

/** DICOM's Segment Algorithm Type: who made a segment's voxels. */
export type SegmentAlgorithmType = 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL';

export interface DicomSegResult {
  out: string;
  segments: { value: number; name: string; algorithmType: SegmentAlgorithmType }[];
  frames: number;
}

export interface MaskStatisticsRequest {
  mask: string;
  /** The image the mask belongs to: intensities are measured in it, on its grid. Shape figures only without it. */
  input?: string;
}

export interface MaskStatistics {
  labels: SegmentStatistics[];
  /** 'HU' for a CT image; null when intensities are in the image's own units (or there is no image). */
  intensityUnit: 'HU' | null;
}

/** A click on slice k of a case: voxel column i, row j; positive adds, negative removes. */
export interface SliceClick {
  i: number;
  j: number;
  positive: boolean;
}

/** One AI-clicks step: a click-guided model refines one slice from all the clicks so far. */
export interface RefineSliceRequest {
  caseId: string;
  /** A model whose manifest has `interaction`, as id or id@version. */
  model: string;
  /** The slice (axial index; 0 for a 2D image). */
  k: number;
  clicks: SliceClick[];
  /** The slice's labels now (i fastest, width × height); an empty slice when absent. */
  mask?: Uint8Array;
  /** The label value being edited (default 1); voxels of other labels are left as they are. */
  label?: number;
  device?: Device;
}

export interface RefineSliceResult {
  /** The slice's labels after the refinement (i fastest). */
  mask: Uint8Array;
  /** "id@version" of the model that answered. */
  model: string;
  /** Engine time for this click (the model stays loaded between clicks). */
  seconds: number;
}

/** AI clicks from files (the CLI): refines slice k of an image and writes the whole mask. */
export interface RefineFileRequest {
  input: string;
  model: string;
  clicks: SliceClick[];
  /** Slice index (default 0). */
  k?: number;
  /** The current mask, a file on the image's grid; empty when absent. */
  mask?: string;
  label?: number;
  /** The mask to write: the current one with slice k refined. */
  out: string;
  device?: Device;
}

export interface RefineFileResult {
  model: string;
  k: number;
  seconds: number;
  /** Voxels of the edited label in slice k after the refinement. */
  sliceVoxels: number;
  out: string;
}

/** Pushed to every connected page: progress of a segmentation, or a fine-tune job's new state. */
export type StudioEvent =
  | { kind: 'progress'; jobId: string; done: number; total: number; message?: string }
  | { kind: 'finetune'; job: FinetuneJob };

export interface StudioApi {
  /** Geometry and type of an image, with what the user should know about how it read (bad spacing, …). */
  imageInfo(path: string): Promise<ImageInfo & { warnings: string[] }>;
  listModels(): Promise<ModelSummary[]>;
  /** Every model, those made for the image's modality first, each saying why it does not fit when it does not. */
  modelsFor(request: ModelsForRequest): Promise<ModelChoice[]>;
  segment(request: SegmentRequest): Promise<SegmentResult>;
  segmentBatch(request: BatchSegmentRequest): Promise<BatchSegmentResult>;
  evaluate(request: EvaluateRequest): Promise<MaskMetrics>;
  evaluateFolders(request: EvaluateRequest): Promise<FolderMetrics>;
  /** Copies an ONNX model into the user's store after a test run on a dummy input. */
  importModel(request: ImportModelRequest): Promise<ModelSummary>;

  /** Open an image file or DICOM folder as a case (its autosaved work comes with it). */
  openCase(request: OpenCaseRequest): Promise<OpenedCase>;
  /** The DICOM series of a folder (largest first; the first is what openCase opens), for a series picker. */
  listSeries(folder: string): Promise<DicomSeriesSummary[]>;
  /** Open files the page handed over (drop, picker): stored in the workspace, then opened. */
  openUploadedCase(files: UploadedFile[]): Promise<OpenedCase>;
  /** The bundled synthetic sample, so a first launch shows something real. */
  openSampleCase(): Promise<OpenedCase>;
  recentCases(): Promise<CaseSummary[]>;
  segmentCase(request: CaseSegmentRequest): Promise<CaseSegmentResult>;
  cancelJob(jobId: string): Promise<boolean>;
  /** Crash-safe autosave of the labelmap + provenance into the case's workspace folder. */
  saveCase(request: SaveCaseRequest): Promise<CaseSummary>;
  exportMask(request: ExportMaskRequest): Promise<ExportMaskResult>;
  /** Reads an existing mask onto a case's grid (refused when the grids differ), with its label names. */
  loadMask(request: LoadMaskRequest): Promise<LoadedMask>;

  /** Marks a case ready for training (or not); its split is fixed the first time. */
  reviewCase(request: ReviewCaseRequest): Promise<CaseSummary>;
  /** Stores an image with a corrected mask as a case (what the editor does, from files). */
  addCase(request: AddCaseRequest): Promise<CaseSummary>;
  /** Starts fine-tuning on the reviewed cases; returns at once, progress comes as 'finetune' events. */
  startFinetune(request: FinetuneRequest): Promise<FinetuneJob>;
  /** Fine-tune jobs of this session, newest first. */
  finetuneJobs(): Promise<FinetuneJob[]>;
  modelVersions(model: string): Promise<ModelVersion[]>;
  /** Makes any version of a model its current one (restores an older one, or promotes a refused one). */
  setCurrentVersion(ref: string): Promise<ModelVersion[]>;
  /** Every version of a model on the held-out reviewed cases, side by side. */
  evaluateVersions(model: string): Promise<VersionEvaluation>;
  /** Writes a DICOM SEG (verified by reading it back) for a case that came from a DICOM series. */
  exportDicomSeg(request: ExportDicomSegRequest): Promise<DicomSegResult>;
  /** Per-label voxels, volume, intensity statistics, bounding box and RECIST diameters of a mask file. */
  maskStatistics(request: MaskStatisticsRequest): Promise<MaskStatistics>;
  /** AI clicks: refines one slice of a case from clicks with a click-guided model. */
  refineSlice(request: RefineSliceRequest): Promise<RefineSliceResult>;
  refineFile(request: RefineFileRequest): Promise<RefineFileResult>;
  /** Execution providers, CUDA libraries found or missing, driver, GPU, and the commands that fix what is missing. */
  probeDevices(): Promise<DeviceReport>;
}

/**
 * The kinds of value a call carries. Every argument and request field of every method is declared
 * with one (STUDIO_METHOD_ARGUMENTS), checked by the compiler against the field's type: a new field
 * (a path above all) cannot go undeclared, and a string is declared as what it is. Hosts derive
 * their checks from these (shared/call-checks.ts): values validated, paths confined, case ids checked.
 */
export interface ValueKinds {
  /** A file or folder the engine reads. */
  readPath: string;
  readPaths: string[];
  /** A file the engine writes, or a folder it writes into. */
  writePath: string;
  caseId: string;
  /** "id" or "id@version" (shared/model-ref.ts). */
  modelRef: string;
  /** A model ref, or null for none (a mask no model proposed). */
  proposer: string | null;
  jobId: string;
  /** A DICOM series instance UID, as listSeries lists it. */
  seriesUid: string;
  /** Words for the user: neither a path nor an id. */
  text: string;
  device: Device;
  split: CaseSplit;
  /** A label value, 0–255. */
  labelValue: number;
  epochs: number;
  learningRate: number;
  /** One slice k, or slices [from, to). */
  slices: number | [number, number];
  sliceIndex: number;
  clicks: SliceClick[];
  flag: boolean;
  bytes: Uint8Array;
  labels: LabelDefinition[];
  /** A model manifest, or the part of one that the ONNX file cannot tell (the engine completes it). */
  manifest: ManifestDraft;
  files: UploadedFile[];
}
export type ValueKind = keyof ValueKinds;

export const STUDIO_METHOD_ARGUMENTS = {
  imageInfo: ['readPath'],
  listModels: [],
  modelsFor: [{ caseId: 'caseId?', modality: 'text?' }],
  segment: [{ input: 'readPath', model: 'modelRef', out: 'writePath', device: 'device?', allowOtherModality: 'flag?' }],
  segmentBatch: [{ inputs: 'readPaths', model: 'modelRef', outDir: 'writePath', device: 'device?', allowOtherModality: 'flag?' }],
  evaluate: [{ pred: 'readPath', truth: 'readPath', label: 'labelValue?', truthLabel: 'labelValue?', voxelOrder: 'flag?' }],
  evaluateFolders: [{ pred: 'readPath', truth: 'readPath', label: 'labelValue?', truthLabel: 'labelValue?', voxelOrder: 'flag?' }],
  importModel: [{ file: 'readPath', manifest: 'manifest?' }],
  openCase: [{ path: 'readPath', seriesUid: 'seriesUid?', jobId: 'jobId?' }],
  listSeries: ['readPath'],
  openUploadedCase: ['files'],
  openSampleCase: [],
  recentCases: [],
  segmentCase: [{ caseId: 'caseId', model: 'modelRef', device: 'device?', slices: 'slices?', jobId: 'jobId?', allowOtherModality: 'flag?' }],
  cancelJob: ['jobId'],
  saveCase: [{ caseId: 'caseId', labelmap: 'bytes', provenance: 'bytes', labels: 'labels', proposedBy: 'proposer?' }],
  exportMask: [{ caseId: 'caseId', labelmap: 'bytes', out: 'writePath?', labels: 'labels?', besideSource: 'flag?', download: 'flag?' }],
  loadMask: [{ caseId: 'caseId', mask: 'readPath', voxelOrder: 'flag?', save: 'flag?' }],
  reviewCase: [{ caseId: 'caseId', reviewed: 'flag', split: 'split?' }],
  addCase: [{ input: 'readPath', mask: 'readPath', model: 'modelRef?', device: 'device?', reviewed: 'flag?', split: 'split?', allowOtherModality: 'flag?' }],
  startFinetune: [{ model: 'modelRef', epochs: 'epochs?', device: 'device?', learningRate: 'learningRate?', freezeBatchnorm: 'flag?', jobId: 'jobId?' }],
  finetuneJobs: [],
  modelVersions: ['modelRef'],
  setCurrentVersion: ['modelRef'],
  evaluateVersions: ['modelRef'],
  maskStatistics: [{ mask: 'readPath', input: 'readPath?' }],
  exportDicomSeg: [{ caseId: 'caseId', labelmap: 'bytes', provenance: 'bytes', labels: 'labels', out: 'writePath' }],
  refineSlice: [{ caseId: 'caseId', model: 'modelRef', k: 'sliceIndex', clicks: 'clicks', mask: 'bytes?', label: 'labelValue?', device: 'device?' }],
  refineFile: [{ input: 'readPath', model: 'modelRef', clicks: 'clicks', k: 'sliceIndex?', mask: 'readPath?', label: 'labelValue?', out: 'writePath', device: 'device?' }],
  probeDevices: [],
} as const satisfies DeclarationsOf<StudioApi, ValueKinds>;

export const STUDIO_METHODS = Object.keys(STUDIO_METHOD_ARGUMENTS) as (keyof StudioApi)[];
