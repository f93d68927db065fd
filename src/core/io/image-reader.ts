// Reading an image file or folder in the I/O worker: checks a user can act on (missing, empty, not a
// regular file), then the reader its format calls for: DICOM (dicom-series.ts) or an itk-wasm reader.
// Every failure a user can cause leaves as a one-line UserError.
import { statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import type { Image } from 'itk-wasm';
import {
  bmpReadImageNode, gdcmReadImageNode, jpegReadImageNode, metaReadImageNode, niftiReadImageNode, nrrdReadImageNode, pngReadImageNode, tiffReadImageNode,
} from '@itk-wasm/image-io';
import type { DicomSeriesSummary } from '../../shared/dicom';
import { UserError } from '../../shared/errors';
import type { ReadProgress } from '../../shared/image';
import { readDicomHeader } from './dicom-header';
import { listDicomSeriesInFolder, readDicomFile, readDicomFolder, type DicomFolderReadOptions } from './dicom-series';
import { readFormatOf, type ReadFormat, type ReadFormatEntry } from './formats';
import { isText, notRecognisedMessage, readHead } from './format-sniffing';
import { convertItkImage, itkPath, nameOf, quietly, reasonFrom, type ReadResult } from './itk-calls';
import { checkNifti } from './nifti-check';
import { noSpacingWarning } from './itk-image';
import { metaImageProblem, nrrdProblem } from './payload-check';

type Reader = (path: string) => Promise<{ couldRead: unknown; image: Image }>;

const READERS: Record<ReadFormat, Reader> = {
  dicom: gdcmReadImageNode, nifti: niftiReadImageNode, nrrd: nrrdReadImageNode, meta: metaReadImageNode,
  png: pngReadImageNode, jpeg: jpegReadImageNode, tiff: tiffReadImageNode, bmp: bmpReadImageNode,
};

/** Read any supported file, or a folder as a DICOM series (the I/O worker's `read`). */
export async function readAny(path: string, options: DicomFolderReadOptions = {}): Promise<ReadResult> {
  const abs = resolve(path);
  if (checkedPath(abs).isDirectory()) return readDicomFolder(abs, options);
  if (options.seriesUid !== undefined) throw new UserError(`${abs} is a file; choose the folder that holds series ${options.seriesUid}.`);
  options.onProgress?.({ phase: 'decoding', done: 0, total: 1 });
  const result = await readFile(abs);
  options.onProgress?.({ phase: 'decoding', done: 1, total: 1 });
  return result;
}

/** The image series of a folder, largest first (the I/O worker's `listSeries`); none for a file. */
export function listSeries(path: string, onProgress?: (progress: ReadProgress) => void): DicomSeriesSummary[] {
  const abs = resolve(path);
  return checkedPath(abs).isDirectory() ? listDicomSeriesInFolder(abs, onProgress) : [];
}

/** The path's stat, or a UserError saying what is wrong with it (missing, unreadable, empty, special). */
function checkedPath(abs: string): Stats {
  let stat: Stats;
  try {
    stat = statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw new UserError(`Cannot open ${abs}: permission denied. Check the file's permissions.`);
    throw new UserError(`${abs} does not exist. Check the path (a file, or a folder of DICOM slices).`);
  }
  if (!stat.isDirectory() && !stat.isFile()) throw new UserError(`${abs} is not a regular file or folder. Choose an image file or a folder of DICOM slices.`);
  if (stat.isFile() && stat.size === 0) throw new UserError(`${nameOf(abs)} is empty (0 bytes). Copy the file again or choose another one.`);
  return stat;
}

async function readFile(abs: string): Promise<ReadResult> {
  const format = readFormatOf(abs);
  if (!format || format.format === 'dicom') {
    const header = readDicomHeader(abs);
    if (header) return readDicomFile(abs, header);
    if (format) throw new UserError(`${nameOf(abs)} is not a DICOM file (no DICOM header found). Check that it is the right file.`);
    throw new UserError(notRecognisedMessage(abs));
  }
  return readWithItk(abs, format);
}

/** Read a file in one of itk-wasm's formats as a VolumeImage (also the writer's read-back check). */
async function readWithItk(abs: string, format: ReadFormatEntry): Promise<ReadResult> {
  const { itk, warnings } = await readItkImage(abs, format);
  const result = convertItkImage(abs, itk, { photo: format.photo, modality: format.photo ? 'OT' : 'unknown' });
  for (const w of warnings) if (!result.warnings.includes(w)) result.warnings.push(w);
  return result;
}

/**
 * Read a file as itk-wasm's own Image (metadata and components as the file has them), refusing
 * what ITK would misread: a short or undecodable payload it would fill with zeros.
 */
export async function readItkImage(abs: string, format: ReadFormatEntry): Promise<{ itk: Image; warnings: string[] }> {
  const warnings: string[] = [];
  const refuse = (problem: string) => new UserError(`Could not read ${nameOf(abs)}: ${problem}. Re-export or copy the file again.`);
  if (format.format === 'nifti') {
    const nifti = await checkNifti(abs);
    if (nifti.problem) throw refuse(nifti.problem);
    // ITK turns a zero or NaN pixdim into 1 mm silently; the other formats' bad spacing reaches
    // fromItkImage, which says so.
    warnings.push(...nifti.badSpacingAxes.map(noSpacingWarning));
  }
  const payload = format.format === 'meta' ? await metaImageProblem(abs) : format.format === 'nrrd' ? await nrrdProblem(abs) : null;
  if (payload) throw refuse(payload);
  const { value, error, log } = await quietly(() => READERS[format.format](itkPath(abs)));
  if (format.format === 'jpeg' && /Premature end of JPEG file|Corrupt JPEG data/i.test(log)) {
    throw new UserError(`Could not read ${nameOf(abs)}: the JPEG data is truncated or corrupt. Copy the file again.`);
  }
  // A payload ITK could not decompress is read "successfully" as zeros; only its log says otherwise.
  if (/Uncompress failed/i.test(log)) throw refuse('its compressed voxel data is damaged');
  if (error || !value || value.couldRead !== true || !value.image) {
    const head = readHead(abs, 512);
    if (isText(head)) throw new UserError(`${nameOf(abs)} is a text file, not a ${format.name} image. Check that it is the right file.`);
    const reason = reasonFrom(log, error);
    throw new UserError(`Could not read ${nameOf(abs)}: it is damaged, truncated or not a valid ${format.name} image${reason ? ` (${reason})` : ''}. Re-export or copy the file again.`);
  }
  return { itk: value.image, warnings };
}
