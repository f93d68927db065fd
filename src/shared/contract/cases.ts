// The contract's cases: opening an image as a case, its saved work, review, segmenting it, and masks
// in and out (export, load, DICOM SEG). Re-exported by shared/api.ts, which callers import.
import type { VolumeImage } from '../image';
import type { LabelDefinition } from '../manifest';
import type { Device } from './models';
import type { ModalityOverride } from './segmentation';

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
