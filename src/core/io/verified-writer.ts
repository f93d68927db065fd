// Verified, atomic writing in the I/O worker: the image goes to a temporary file beside the target,
// is read back and compared with what was asked (geometry within 1e-5, voxels exactly, key/value
// fields as given), and only then renamed into place; a failed check or a full disk leaves the
// target untouched and says so.
import { closeSync, existsSync, openSync, renameSync, statSync, statfsSync, unlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Image } from 'itk-wasm';
import { metaWriteImageNode, niftiWriteImageNode, nrrdWriteImageNode, pngWriteImageNode } from '@itk-wasm/image-io';
import { UserError, isUserError } from '../../shared/errors';
import { sameGeometry, geometryDifference } from '../../shared/geometry';
import type { Geometry, VolumeImage } from '../../shared/image';
import { describeWriteFormats, extensionOf, readFormatOf, writeFormatOf, type WriteFormat } from './formats';
import { convertItkImage, itkPath, nameOf, quietly, reasonFrom } from './itk-calls';
import { readItkImage } from './image-reader';
import { toItkImage } from './itk-image';

export interface WriteResult {
  out: string;
  warnings: string[];
  /** The JSON label list written beside a mask (labelmap-files.ts), when there is one. */
  labelsFile?: string;
}

type Writer = (image: Image, path: string, options: { useCompression?: boolean }) => Promise<{ couldWrite: unknown }>;

const WRITERS: Record<WriteFormat, Writer> = {
  nifti: niftiWriteImageNode, nrrd: nrrdWriteImageNode, meta: metaWriteImageNode, png: pngWriteImageNode,
};

function checkImage(image: VolumeImage): void {
  const { size, spacing, origin, direction, components, data } = image;
  const ok = Array.isArray(size) && size.length === 3 && size.every((n) => Number.isInteger(n) && n > 0)
    && spacing?.length === 3 && spacing.every((s) => Number.isFinite(s) && s > 0)
    && origin?.length === 3 && origin.every(Number.isFinite)
    && direction?.length === 9 && direction.every(Number.isFinite)
    && Number.isInteger(components) && components >= 1;
  if (!ok) throw new UserError('Cannot write the image: its size, spacing, origin or direction is invalid.');
  const expected = size[0] * size[1] * size[2] * components;
  if (!data || data.length !== expected) {
    throw new UserError(`Cannot write the image: it has ${data?.length ?? 0} values but its size needs ${expected}.`);
  }
}

function isPhotoGeometry(g: Geometry): boolean {
  return g.spacing.every((s) => s === 1) && g.origin.every((o) => o === 0) && g.direction.every((d, i) => d === (i % 4 === 0 ? 1 : 0));
}

/**
 * Write an image, verified and atomic (the I/O worker's `write`): see index.ts's writeImage.
 * `fields` are stored as the file's key/value metadata (NRRD only: Slicer's segment fields).
 */
export async function writeAny(path: string, image: VolumeImage, fields: Record<string, string> = {}): Promise<WriteResult> {
  const out = resolve(path);
  const format = writeFormatOf(out);
  if (!format) throw new UserError(`Cannot write ${nameOf(out)}: unsupported file type '${extensionOf(out) || 'none'}'. Use ${describeWriteFormats()}.`);
  checkImage(image);
  const warnings: string[] = [];
  const folder = dirname(out);
  if (!existsSync(folder)) throw new UserError(`Cannot write ${out}: the folder ${folder} does not exist. Create it or choose another folder.`);
  if (existsSync(out) && statSync(out).isDirectory()) throw new UserError(`Cannot write ${out}: a folder with that name exists. Choose a file name.`);
  let dimension: 2 | 3 = 3;
  if (format.format === 'png') {
    if (image.size[2] !== 1) throw new UserError(`Cannot write ${nameOf(out)}: PNG holds one slice but the image has ${image.size[2]}. Use .nii.gz for volumes.`);
    if (image.pixelType !== 'uint8' && image.pixelType !== 'uint16') {
      throw new UserError(`Cannot write ${nameOf(out)}: PNG stores 8- or 16-bit unsigned values, not ${image.pixelType}. Use .nii.gz, .nrrd or .mha.`);
    }
    if (![1, 3, 4].includes(image.components)) throw new UserError(`Cannot write ${nameOf(out)}: PNG stores 1, 3 or 4 components per pixel, not ${image.components}.`);
    if (!isPhotoGeometry(image)) warnings.push('PNG keeps no spacing, origin or orientation; use .nii.gz to keep the geometry');
    dimension = 2;
  }
  const extension = extensionOf(out);
  // The temporary file goes in the folder's real path (itk-wasm cannot write through a symlink).
  const temp = join(itkPath(folder), `.${basename(out).slice(0, -extension.length)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp${extension}`);
  try {
    if (Object.keys(fields).length > 0 && format.format !== 'nrrd') throw new Error('key/value fields are written to NRRD files only');
    const itk = toItkImage(image, dimension, fields);
    const useCompression = format.format === 'nrrd' || format.format === 'meta' || format.format === 'png';
    const written = await quietly(() => WRITERS[format.format](itk, temp, { useCompression }));
    if (written.error || written.value?.couldWrite !== true || !existsSync(temp)) {
      if (diskFull(folder, written.log)) throw diskFullError(out);
      const problem = accessProblem(folder);
      if (problem === 'full') throw diskFullError(out);
      if (problem === 'denied') throw new UserError(`Cannot write ${out}: the folder is not writable (permission denied). Choose another folder.`);
      const reason = reasonFrom(written.log, written.error);
      throw new UserError(`Could not write ${nameOf(out)} as ${format.name}${reason ? ` (${reason})` : ''}. Try .nii.gz, or check the free disk space.`);
    }
    // Read back and compare: only a file that gives back the same grid and voxels is reported written.
    const readBack = await readItkImage(temp, readFormatOf(temp)!).catch((e: unknown) => {
      // A file cut short by a full disk cannot be read back: that is the disk's fault, not the format's.
      if (diskFull(folder, '')) throw diskFullError(out);
      throw new UserError(`Writing ${nameOf(out)} failed its check: the written file cannot be read back (${(e as Error).message}).`);
    });
    const backImage = convertItkImage(temp, readBack.itk, { photo: format.format === 'png', modality: image.modality }).image;
    const fieldsBack = readBack.itk.metadata instanceof Map ? readBack.itk.metadata : new Map();
    const lostField = Object.entries(fields).find(([key, value]) => String(fieldsBack.get(key) ?? '') !== value);
    if (lostField) throw mismatch(out, `field ${lostField[0]}`);
    if (format.format === 'png') {
      if (backImage.size.some((n, i) => n !== image.size[i])) throw mismatch(out, 'size');
    } else if (!sameGeometry(image, backImage, 1e-5)) {
      throw mismatch(out, `geometry (largest difference ${geometryDifference(image, backImage).toExponential(2)})`);
    }
    const expectedComponents = format.format === 'png' && image.components === 4 ? 3 : image.components;
    if (backImage.components !== expectedComponents) throw mismatch(out, 'number of components');
    if (!sameVoxels(image, backImage)) throw mismatch(out, 'voxel values');
    renameSync(temp, out);
    return { out, warnings };
  } catch (e) {
    try {
      unlinkSync(temp);
    } catch {
      // the temp file was never created
    }
    if (isUserError(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new UserError(`Cannot write ${out}: permission denied. Choose another folder.`);
    if (code === 'ENOSPC') throw diskFullError(out);
    throw new UserError(`Could not write ${nameOf(out)}: ${(e as Error)?.message ?? String(e)}.`);
  }
}

/**
 * Whether a failed write ran out of space: the writer said ENOSPC, or (itk-wasm's file system often
 * reports a short write as a generic failure) under 1 MiB is left on the folder's file system while
 * the partial temporary file still holds its space.
 */
function diskFull(folder: string, log: string): boolean {
  if (/ENOSPC|No space left/i.test(log)) return true;
  try {
    const fs = statfsSync(folder);
    return fs.bavail * fs.bsize < 1024 * 1024;
  } catch {
    return false;
  }
}

function diskFullError(out: string): UserError {
  return new UserError(`Cannot write ${out}: disk full: nothing was changed${existsSync(out) ? ' (the existing file is as it was)' : ''}. Free some space and export again.`);
}

function accessProblem(folder: string): 'full' | 'denied' | null {
  try {
    const probe = join(folder, `.medseg-write-probe-${process.pid}-${randomBytes(3).toString('hex')}`);
    closeSync(openSync(probe, 'w'));
    unlinkSync(probe);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOSPC' ? 'full' : 'denied';
  }
}

function mismatch(out: string, what: string): UserError {
  const current = extensionOf(out);
  const others = ['.nii.gz', '.mha', '.nrrd'].filter((e) => e !== current && !(e === '.nii.gz' && current === '.nii'));
  return new UserError(`Writing ${nameOf(out)} failed its check: the file read back has a different ${what}; nothing was saved. Try another format (${others.join(' or ')}).`);
}

function sameVoxels(a: VolumeImage, b: VolumeImage): boolean {
  const voxels = a.size[0] * a.size[1] * a.size[2];
  const ca = a.components;
  const cb = b.components;
  if (ca === cb && a.pixelType === b.pixelType) {
    const x = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
    const y = new Uint8Array(b.data.buffer, b.data.byteOffset, b.data.byteLength);
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }
  const c = Math.min(ca, cb);
  for (let v = 0; v < voxels; v++) {
    for (let k = 0; k < c; k++) {
      const p = a.data[v * ca + k];
      const q = b.data[v * cb + k];
      if (p !== q && !(Number.isNaN(p) && Number.isNaN(q))) return false;
    }
  }
  return true;
}
