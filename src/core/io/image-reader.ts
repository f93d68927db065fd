// Reading an image file or folder in the I/O worker: checks a user can act on (missing, empty, not a
// regular file), then the reader its format calls for: DICOM (dicom-series.ts) or an itk-wasm reader.
// Every failure a user can cause leaves as a one-line UserError.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Image } from 'itk-wasm';
import {
  bmpReadImageNode, gdcmReadImageNode, jpegReadImageNode, metaReadImageNode, niftiReadImageNode, nrrdReadImageNode, pngReadImageNode, tiffReadImageNode,
} from '@itk-wasm/image-io';
import { UserError } from '../../shared/errors';
import { readDicomHeader } from './dicom-header';
import { readDicomFile, readDicomFolder } from './dicom-series';
import { readFormatOf, type ReadFormat, type ReadFormatEntry } from './formats';
import { isText, notRecognisedMessage, readHead } from './format-sniffing';
import { convertItkImage, itkPath, nameOf, quietly, reasonFrom, type ReadResult } from './itk-calls';
import { niftiProblem } from './nifti-check';

type Reader = (path: string) => Promise<{ couldRead: unknown; image: Image }>;

const READERS: Record<ReadFormat, Reader> = {
  dicom: gdcmReadImageNode, nifti: niftiReadImageNode, nrrd: nrrdReadImageNode, meta: metaReadImageNode,
  png: pngReadImageNode, jpeg: jpegReadImageNode, tiff: tiffReadImageNode, bmp: bmpReadImageNode,
};

/** Read any supported file, or a folder as a DICOM series (the I/O worker's `read`). */
export async function readAny(path: string): Promise<ReadResult> {
  const abs = resolve(path);
  let stat;
  try {
    stat = statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw new UserError(`Cannot open ${abs}: permission denied. Check the file's permissions.`);
    throw new UserError(`${abs} does not exist. Check the path (a file, or a folder of DICOM slices).`);
  }
  if (!stat.isDirectory() && !stat.isFile()) throw new UserError(`${abs} is not a regular file or folder. Choose an image file or a folder of DICOM slices.`);
  if (stat.isFile() && stat.size === 0) throw new UserError(`${nameOf(abs)} is empty (0 bytes). Copy the file again or choose another one.`);
  return stat.isDirectory() ? readDicomFolder(abs) : readFile(abs);
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

/** Read a file in one of itk-wasm's formats (also the writer's read-back check). */
export async function readWithItk(abs: string, format: ReadFormatEntry): Promise<ReadResult> {
  if (format.format === 'nifti') {
    // ITK zero-fills the missing part of a truncated NIfTI without a word: check the length first.
    const problem = await niftiProblem(abs);
    if (problem) throw new UserError(`Could not read ${nameOf(abs)}: ${problem}. Re-export or copy the file again.`);
  }
  const { value, error, log } = await quietly(() => READERS[format.format](itkPath(abs)));
  if (format.format === 'jpeg' && /Premature end of JPEG file|Corrupt JPEG data/i.test(log)) {
    throw new UserError(`Could not read ${nameOf(abs)}: the JPEG data is truncated or corrupt. Copy the file again.`);
  }
  if (error || !value || value.couldRead !== true || !value.image) {
    const head = readHead(abs, 512);
    if (isText(head)) throw new UserError(`${nameOf(abs)} is a text file, not a ${format.name} image. Check that it is the right file.`);
    const reason = reasonFrom(log, error);
    throw new UserError(`Could not read ${nameOf(abs)}: it is damaged, truncated or not a valid ${format.name} image${reason ? ` (${reason})` : ''}. Re-export or copy the file again.`);
  }
  return convertItkImage(abs, value.image, { photo: format.photo, modality: format.photo ? 'OT' : 'unknown' });
}

