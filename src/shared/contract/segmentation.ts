// The contract's runs on files: segmentation (one image, or many with one model loaded once),
// evaluation against a truth, mask statistics, and AI clicks from files and on a case's slice.
// Re-exported by shared/api.ts, which callers import.
import type { SegmentStatistics } from '../segment-statistics';
import type { Device, MaskMetrics } from './models';

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


/** Folder evaluation: masks matched by file name without extension. */
export interface FolderMetrics {
  cases: ({ name: string } & MaskMetrics)[];
  mean: MaskMetrics;
  /** Names with a prediction but no truth, or the reverse. */
  unmatched: string[];
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
