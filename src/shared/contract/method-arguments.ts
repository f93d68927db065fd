// The contract's declarations: the kind of every argument and request field of every method (see
// ValueKinds). Re-exported by shared/api.ts; hosts derive their checks from it (shared/call-checks.ts).
import type { StudioApi } from './studio-api';
import type { DeclarationsOf } from '../declarations';
import type { LabelDefinition } from '../manifest';
import type { CaseSplit, UploadedFile } from './cases';
import type { Device, ManifestDraft } from './models';
import type { SliceClick } from './segmentation';

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
