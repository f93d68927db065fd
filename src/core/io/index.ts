// Image I/O, caller side. Everything runs in one worker thread (io-worker.ts, supervised by
// io-worker-client.ts); every failure a user can cause is a one-line UserError.
//
//   readImage(path, {onProgress, signal})       any image file, or a DICOM folder's largest series;
//                                               DICOM reads carry `dicom` (patient, study, series,
//                                               per-slice SOP Instance UIDs: shared/dicom.ts)
//   listDicomSeries(folder)                     the series of a folder, for a series picker
//   readDicomSeries(folder, seriesUid, …)       one series of a folder, by Series Instance UID
//   writeImage(path, image)                     verified, atomic write (.nii.gz .nii .nrrd .mha .png)
//   writeLabelmap(path, labels, grid, {segments})  the same, with label names and colours: Slicer's
//                                               segment fields in a .seg.nrrd, else a JSON sidecar
//                                               ("mask.nii.gz" → "mask.labels.json")
//   readLabelmap(path, {grid})                  a mask (any format, Slicer's multi-layer .seg.nrrd
//                                               merged) with its segments, checked against a grid
//
// Progress is ReadProgress (shared/image.ts): DICOM headers scanned, then the series decoded. A
// cancelled read rejects with an error named 'AbortError'.
import { basename, resolve } from 'node:path';
import { UserError } from '../../shared/errors';
import type { DicomSeriesMetadata, DicomSeriesSummary } from '../../shared/dicom';
import { geometryDifference, sameGeometry } from '../../shared/geometry';
import type { Geometry, ReadProgress, VolumeImage } from '../../shared/image';
import { voxelCount } from '../../shared/image';
import type { LabelDefinition } from '../../shared/manifest';
import { IoWorker, type CancellableIoOptions, type IoOptions } from './io-worker-client';
import type { ReadResult } from './itk-calls';
import type { WriteResult } from './verified-writer';
import type { DecodedSegmentation } from '../dicom-seg/seg-decode';

export type { WriteResult } from './verified-writer';
export type { CancellableIoOptions, IoOptions } from './io-worker-client';
export {
  READ_EXTENSIONS, WRITE_EXTENSIONS, describeReadFormats, describeWriteFormats, readFormatOf, writeFormatOf,
} from './formats';

/** A read image plus what the user should know about how it was read (skipped series, …). */
export interface LoadedImage extends VolumeImage {
  warnings: string[];
  /** For DICOM: who and what the series is, and which instance each slice k came from. */
  dicom?: DicomSeriesMetadata;
}

export interface ReadOptions extends CancellableIoOptions {
  onProgress?: (progress: ReadProgress) => void;
}

/** A mask read from a file: one uint8 label per voxel on its grid, with the segments it names. */
export interface LoadedLabelmap extends Geometry {
  labels: Uint8Array;
  /** Value, name and colour of each segment the file names (empty when it names none). */
  segments: LabelDefinition[];
  warnings: string[];
}

const io = new IoWorker();

/** Read a file (NIfTI, NRRD, MHA/MHD, DICOM, PNG/JPEG/TIFF/BMP) or a folder (DICOM series, largest one). */
export async function readImage(path: string, options: ReadOptions = {}): Promise<LoadedImage> {
  const abs = resolve(path);
  return loaded(await io.run((worker) => worker.read(abs), options, `reading ${basename(abs)}`));
}

/** Read the series `seriesInstanceUid` of a DICOM folder (see listDicomSeries). */
export async function readDicomSeries(folder: string, seriesInstanceUid: string, options: ReadOptions = {}): Promise<LoadedImage> {
  const abs = resolve(folder);
  return loaded(await io.run((worker) => worker.read(abs, { seriesUid: seriesInstanceUid }), options, `reading ${basename(abs)}`));
}

/**
 * The image series of a DICOM folder (UID, description, modality, files, slices, bytes), largest
 * first: the first is the one readImage opens. Reads headers only. An image file has none: [].
 */
export async function listDicomSeries(folder: string, options: ReadOptions = {}): Promise<DicomSeriesSummary[]> {
  const abs = resolve(folder);
  return io.run((worker) => worker.listSeries(abs), options, `listing the series in ${basename(abs)}`);
}

/**
 * Write an image (.nii.gz, .nii, .nrrd, .mha; .png for one slice). The file is written beside the
 * target under a temporary name, read back, compared with `image` (geometry within 1e-5 relative,
 * voxels exactly) and only then renamed into place.
 */
export async function writeImage(path: string, image: VolumeImage, options: IoOptions = {}): Promise<WriteResult> {
  const abs = resolve(path);
  return io.run((worker) => worker.write(abs, plainImage(image)), options, `writing ${basename(abs)}`);
}

/**
 * Write a labelmap (one uint8 label per voxel) on `geometry`'s grid; same checks as writeImage. With
 * `segments`, their names and colours travel with it: as 3D Slicer's segment fields in a .seg.nrrd
 * (also checked on read-back), else in a JSON sidecar renamed into place with the mask.
 */
export async function writeLabelmap(
  path: string, labels: Uint8Array, geometry: Geometry, options: IoOptions & { segments?: LabelDefinition[] } = {},
): Promise<WriteResult> {
  if (!(labels instanceof Uint8Array)) throw new UserError('Cannot write the labelmap: labels must be a Uint8Array.');
  if (labels.length !== voxelCount(geometry)) {
    throw new UserError(`Cannot write the labelmap: it has ${labels.length} voxels but the image grid has ${voxelCount(geometry)}.`);
  }
  const abs = resolve(path);
  const image: VolumeImage = {
    size: geometry.size, spacing: geometry.spacing, origin: geometry.origin, direction: geometry.direction,
    components: 1, pixelType: 'uint8', data: labels, modality: 'SEG',
  };
  const segments = options.segments ?? [];
  return io.run((worker) => worker.writeLabelmap(abs, image, segments), options, `writing ${basename(abs)}`);
}

/**
 * Read a mask (NIfTI, NRRD, seg.nrrd, MHA, PNG, …) as labels 0–255 with its segments. With `grid`,
 * a mask on another grid is refused (it would land on the wrong voxels).
 */
export async function readLabelmap(path: string, options: ReadOptions & { grid?: Geometry } = {}): Promise<LoadedLabelmap> {
  const abs = resolve(path);
  const { image, segments, warnings } = await io.run((worker) => worker.readLabelmap(abs), options, `reading ${basename(abs)}`);
  const { grid } = options;
  if (grid && !sameGeometry(grid, image, 1e-5)) {
    const what = image.size.some((n, i) => n !== grid.size[i])
      ? `is ${image.size.join('×')} voxels, the image ${grid.size.join('×')}`
      : `lies elsewhere in space (largest geometry difference ${geometryDifference(grid, image).toExponential(2)})`;
    throw new UserError(`The mask ${basename(abs)} is not on this image's grid: it ${what}. Open the mask made for this image.`);
  }
  return {
    size: image.size, spacing: image.spacing, origin: image.origin, direction: image.direction,
    labels: image.data as Uint8Array, segments, warnings,
  };
}

/** Decode a DICOM SEG (dcmqi): its segment numbers on `grid` (its own grid when null), and its segments. */
export async function readDicomSegmentation(path: string, grid: Geometry | null, options: IoOptions = {}): Promise<DecodedSegmentation> {
  const abs = resolve(path);
  const plainGrid = grid && { size: grid.size, spacing: grid.spacing, origin: grid.origin, direction: grid.direction };
  return io.run((worker) => worker.readSegmentation(abs, plainGrid), options, `reading ${basename(abs)}`);
}

/** Stop the I/O worker (app quit, end of tests). The next call starts a new one. */
export async function closeImageIo(): Promise<void> {
  await io.close();
}

function loaded({ image, warnings, dicom }: ReadResult): LoadedImage {
  return { ...image, warnings, ...(dicom ? { dicom } : {}) };
}

/** Plain fields only: a LoadedImage's extras and any non-cloneable properties stay behind. */
function plainImage(image: VolumeImage): VolumeImage {
  return {
    size: image.size, spacing: image.spacing, origin: image.origin, direction: image.direction,
    components: image.components, pixelType: image.pixelType, data: image.data, modality: image.modality,
  };
}

/** Test hooks (need MEDSEG_IO_TEST_HOOKS=1 in the environment when the worker starts). */
export const ioTestHooks = {
  crashWorker: (options: IoOptions = {}) => io.run((worker) => worker.debugExit(), options, 'running a crash test'),
  hangWorker: (options: IoOptions = {}) => io.run((worker) => worker.debugHang(), options, 'running a hang test'),
};
