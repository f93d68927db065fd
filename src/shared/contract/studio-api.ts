// The contract's methods: what every host (Electron IPC, browser-mode HTTP, CLI) can ask the engine,
// and the events it pushes. Re-exported by shared/api.ts, which callers import.
import type {
  AddCaseRequest, CaseSegmentRequest, CaseSegmentResult, CaseSummary, DicomSegResult, ExportDicomSegRequest,
  ExportMaskRequest, ExportMaskResult, LoadMaskRequest, LoadedMask, OpenCaseRequest, OpenedCase,
  ReviewCaseRequest, SaveCaseRequest, UploadedFile,
} from './cases';
import type {
  FinetuneJob, FinetuneRequest, ImportModelRequest, ModelChoice, ModelSummary, ModelVersion,
  MaskMetrics, ModelsForRequest, VersionEvaluation,
} from './models';
import type {
  BatchSegmentRequest, BatchSegmentResult, EvaluateRequest, FolderMetrics, MaskStatistics,
  MaskStatisticsRequest, RefineFileRequest, RefineFileResult, RefineSliceRequest, RefineSliceResult,
  SegmentRequest, SegmentResult,
} from './segmentation';
import type { DeviceReport } from '../device-report';
import type { DicomSeriesSummary } from '../dicom';
import type { ImageInfo } from '../image';

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
