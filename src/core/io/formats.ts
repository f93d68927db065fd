// Which files MedSeg Studio reads and writes, by extension. Pure data + small helpers, so the CLI and
// the UI can name the supported types in their messages without loading itk-wasm.
import { basename } from 'node:path';

export type ReadFormat = 'dicom' | 'nifti' | 'nrrd' | 'meta' | 'png' | 'jpeg' | 'tiff' | 'bmp';
export type WriteFormat = 'nifti' | 'nrrd' | 'meta' | 'png';

export interface ReadFormatEntry {
  format: ReadFormat;
  /** Human name used in messages. */
  name: string;
  /** Lower-case extensions with their leading dot, longest first where one ends another. */
  extensions: string[];
  /** A 2D photo: geometry is not medical (spacing 1, identity), modality 'OT'. */
  photo: boolean;
}

export const READ_FORMATS: readonly ReadFormatEntry[] = [
  { format: 'dicom', name: 'DICOM', extensions: ['.dcm', '.dicom', '.ima'], photo: false },
  { format: 'nifti', name: 'NIfTI', extensions: ['.nii.gz', '.nii'], photo: false },
  { format: 'nrrd', name: 'NRRD', extensions: ['.nrrd', '.nhdr'], photo: false },
  { format: 'meta', name: 'MetaImage', extensions: ['.mha', '.mhd'], photo: false },
  { format: 'png', name: 'PNG', extensions: ['.png'], photo: true },
  { format: 'jpeg', name: 'JPEG', extensions: ['.jpg', '.jpeg'], photo: true },
  { format: 'tiff', name: 'TIFF', extensions: ['.tif', '.tiff'], photo: true },
  { format: 'bmp', name: 'BMP', extensions: ['.bmp'], photo: true },
];

export const WRITE_FORMATS: readonly { format: WriteFormat; name: string; extensions: string[]; only2d: boolean }[] = [
  { format: 'nifti', name: 'NIfTI', extensions: ['.nii.gz', '.nii'], only2d: false },
  { format: 'nrrd', name: 'NRRD', extensions: ['.nrrd'], only2d: false },
  { format: 'meta', name: 'MetaImage', extensions: ['.mha'], only2d: false },
  { format: 'png', name: 'PNG', extensions: ['.png'], only2d: true },
];

/** Every extension `readImage` accepts for a single file (a folder is read as a DICOM series). */
export const READ_EXTENSIONS: readonly string[] = READ_FORMATS.flatMap((f) => f.extensions);
/** Every extension `writeImage` / `writeLabelmap` accepts (.png only for a single-slice image). */
export const WRITE_EXTENSIONS: readonly string[] = WRITE_FORMATS.flatMap((f) => f.extensions);

/** The file's extension as matched against the tables: '.nii.gz' for a gzipped NIfTI, else the last one. */
export function extensionOf(path: string): string {
  const name = basename(path).toLowerCase();
  if (name.endsWith('.nii.gz')) return '.nii.gz';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot) : '';
}

export function readFormatOf(path: string): ReadFormatEntry | undefined {
  const ext = extensionOf(path);
  return READ_FORMATS.find((f) => f.extensions.includes(ext));
}

export function writeFormatOf(path: string): (typeof WRITE_FORMATS)[number] | undefined {
  const ext = extensionOf(path);
  return WRITE_FORMATS.find((f) => f.extensions.includes(ext));
}

/** One line for messages: "DICOM folder or file (.dcm, .dicom, .ima, or no extension), NIfTI (.nii.gz, .nii), …". */
export function describeReadFormats(): string {
  return READ_FORMATS.map((f) =>
    f.format === 'dicom'
      ? `DICOM folder or file (${f.extensions.join(', ')} or no extension)`
      : `${f.name} (${f.extensions.join(', ')})`).join(', ');
}

export function describeWriteFormats(): string {
  return WRITE_FORMATS.map((f) => `${f.name} (${f.extensions.join(', ')}${f.only2d ? ', single-slice images only' : ''})`).join(', ');
}
