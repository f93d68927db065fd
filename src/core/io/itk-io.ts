// The heavy side of image I/O: itk-wasm readers and writers, DICOM series assembly, verified atomic
// writes. Runs inside the I/O worker thread (io-worker.ts); index.ts is the caller-side API.
// Every failure a user can cause leaves here as a one-line UserError.
import {
  closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, readdirSync, realpathSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync,
  type Dirent,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Image } from 'itk-wasm';
import {
  bmpReadImageNode, gdcmReadImageNode, jpegReadImageNode, metaReadImageNode, metaWriteImageNode, niftiReadImageNode,
  niftiWriteImageNode, nrrdReadImageNode, nrrdWriteImageNode, pngReadImageNode, pngWriteImageNode, tiffReadImageNode,
} from '@itk-wasm/image-io';
import { readImageDicomFileSeriesNode } from '@itk-wasm/dicom';
import { UserError, isUserError } from '../../shared/errors';
import { sameGeometry, geometryDifference } from '../../shared/geometry';
import type { Geometry, VolumeImage } from '../../shared/image';
import { readDicomHeader, sopClassName, transferSyntaxName, withPart10Preamble, type DicomHeader } from './dicom-header';
import { describeReadFormats, describeWriteFormats, extensionOf, readFormatOf, writeFormatOf, type ReadFormat, type WriteFormat } from './formats';
import { fromItkImage, toItkImage } from './itk-image';
import { niftiProblem } from './nifti-check';

export interface ReadResult {
  image: VolumeImage;
  /** Things the user should know (another series was skipped, irregular slices, …); empty when none. */
  warnings: string[];
}

export interface WriteResult {
  out: string;
  warnings: string[];
}

type Reader = (path: string, options: { informationOnly?: boolean }) => Promise<{ couldRead: unknown; image: Image }>;
type Writer = (image: Image, path: string, options: { useCompression?: boolean }) => Promise<{ couldWrite: unknown }>;

const READERS: Record<ReadFormat, Reader> = {
  dicom: gdcmReadImageNode, nifti: niftiReadImageNode, nrrd: nrrdReadImageNode, meta: metaReadImageNode,
  png: pngReadImageNode, jpeg: jpegReadImageNode, tiff: tiffReadImageNode, bmp: bmpReadImageNode,
};
const WRITERS: Record<WriteFormat, Writer> = {
  nifti: niftiWriteImageNode, nrrd: nrrdWriteImageNode, meta: metaWriteImageNode, png: pngWriteImageNode,
};
const FORMAT_NAMES: Record<ReadFormat, string> = {
  dicom: 'DICOM', nifti: 'NIfTI', nrrd: 'NRRD', meta: 'MetaImage', png: 'PNG', jpeg: 'JPEG', tiff: 'TIFF', bmp: 'BMP',
};
const PHOTO_FORMATS = new Set<ReadFormat>(['png', 'jpeg', 'tiff', 'bmp']);

/**
 * Run one itk-wasm call with its console chatter (decoder messages, "Exception while running
 * pipeline") captured instead of printed; the captured text helps explain a failure.
 */
async function quietly<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown; log: string }> {
  const lines: string[] = [];
  const saved = { log: console.log, error: console.error, warn: console.warn, info: console.info };
  const capture = (...args: unknown[]) => { lines.push(args.map(String).join(' ')); };
  console.log = console.error = console.warn = console.info = capture;
  try {
    return { value: await fn(), log: lines.join('\n') };
  } catch (error) {
    return { error, log: lines.join('\n') };
  } finally {
    Object.assign(console, saved);
  }
}

/** The most useful line of what itk-wasm printed, for a message (empty when nothing useful). */
function reasonFrom(log: string, error: unknown): string {
  const fromError = error instanceof Error ? error.message : '';
  const lines = `${fromError}\n${log}`.split('\n').map((l) => l.trim())
    .filter((l) => l && !/^(stdout|stderr):?$/.test(l) && !/Exception while running pipeline|Build module in Debug mode/.test(l));
  const line = lines.find((l) => /error|unsupported|invalid|cannot|could not|fail/i.test(l)) ?? '';
  return line.replace(/^(stderr|stdout|exception):\s*/i, '').replace(/\s+/g, ' ').slice(0, 160);
}

const nameOf = (path: string) => basename(path) || path;

/**
 * itk-wasm mounts a file's folder into its WASM file system and cannot follow a symlink on the way
 * (a file under a linked folder reads as "not a valid image"): hand it the real path. Messages keep
 * the path the user gave.
 */
const itkPath = (path: string) => realpathSync(path);

// ---------------------------------------------------------------------------------------------- read

export async function readAny(path: string, informationOnly = false): Promise<ReadResult> {
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
  const result = stat.isDirectory() ? await readDicomFolder(abs) : await readFile(abs, informationOnly);
  // DICOM has no header-only read: drop the voxels here rather than send them to the caller.
  if (informationOnly && result.image.data.length > 0) result.image.data = result.image.data.slice(0, 0);
  return result;
}

async function readFile(abs: string, informationOnly: boolean): Promise<ReadResult> {
  const format = readFormatOf(abs);
  if (!format || format.format === 'dicom') {
    const header = readDicomHeader(abs);
    if (header) return readDicomFile(abs, header);
    if (format) throw new UserError(`${nameOf(abs)} is not a DICOM file (no DICOM header found). Check that it is the right file.`);
    throw new UserError(notRecognised(abs));
  }
  return readWithItk(abs, format.format, informationOnly);
}

function notRecognised(abs: string): string {
  const head = readHead(abs, 512);
  const ext = extensionOf(abs);
  const sniffed = sniffImageType(head);
  if (sniffed) return `${nameOf(abs)} looks like a ${sniffed.name} image but is named ${ext ? `'${ext}'` : 'without an extension'}; rename it to end in ${sniffed.ext} and open it again.`;
  if (isText(head)) return `${nameOf(abs)} is a text file, not an image. Open a ${describeReadFormats()}.`;
  return `${nameOf(abs)} is not a supported image${ext ? ` ('${ext}')` : ''}. Open a ${describeReadFormats()}.`;
}

function readHead(abs: string, n: number): Uint8Array {
  const fd = openSync(abs, 'r');
  try {
    const buf = new Uint8Array(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

function sniffImageType(b: Uint8Array): { name: string; ext: string } | null {
  const starts = (...bytes: number[]) => bytes.every((x, i) => b[i] === x);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return { name: 'PNG', ext: '.png' };
  if (starts(0xff, 0xd8, 0xff)) return { name: 'JPEG', ext: '.jpg' };
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return { name: 'TIFF', ext: '.tif' };
  if (starts(0x42, 0x4d) && b.length > 26) return { name: 'BMP', ext: '.bmp' };
  if (starts(0x1f, 0x8b)) return { name: 'gzip-compressed (probably NIfTI)', ext: '.nii.gz' };
  if (b.length >= 348 && ((b[0] | (b[1] << 8)) === 348 || ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) === 348)) {
    return { name: 'NIfTI', ext: '.nii' };
  }
  if (starts(0x4e, 0x52, 0x52, 0x44)) return { name: 'NRRD', ext: '.nrrd' };
  return null;
}

/** Valid UTF-8 without control characters (other than tab/newline/CR/form feed). */
function isText(b: Uint8Array): boolean {
  if (b.length === 0) return false;
  for (const x of b) if (x < 32 && x !== 9 && x !== 10 && x !== 13 && x !== 12) return false;
  // The 512-byte sample may end inside a multi-byte character.
  for (let cut = 0; cut < 4 && cut < b.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, b.length - cut));
      return true;
    } catch {
      // try a shorter prefix
    }
  }
  return false;
}

async function readWithItk(abs: string, format: ReadFormat, informationOnly: boolean): Promise<ReadResult> {
  if (format === 'nifti' && !informationOnly) {
    // ITK zero-fills the missing part of a truncated NIfTI without a word: check the length first.
    const problem = await niftiProblem(abs);
    if (problem) throw new UserError(`Could not read ${nameOf(abs)}: ${problem}. Re-export or copy the file again.`);
  }
  const { value, error, log } = await quietly(() => READERS[format](itkPath(abs), { informationOnly }));
  if (format === 'jpeg' && /Premature end of JPEG file|Corrupt JPEG data/i.test(log)) {
    throw new UserError(`Could not read ${nameOf(abs)}: the JPEG data is truncated or corrupt. Copy the file again.`);
  }
  if (error || !value || value.couldRead !== true || !value.image) {
    const head = readHead(abs, 512);
    if (isText(head)) throw new UserError(`${nameOf(abs)} is a text file, not a ${FORMAT_NAMES[format]} image. Check that it is the right file.`);
    const reason = reasonFrom(log, error);
    throw new UserError(`Could not read ${nameOf(abs)}: it is damaged, truncated or not a valid ${FORMAT_NAMES[format]} image${reason ? ` (${reason})` : ''}. Re-export or copy the file again.`);
  }
  return convert(abs, value.image, { photo: PHOTO_FORMATS.has(format), modality: PHOTO_FORMATS.has(format) ? 'OT' : 'unknown', informationOnly });
}

function convert(abs: string, itk: Image, options: { photo: boolean; modality: string; informationOnly?: boolean }): ReadResult {
  try {
    return fromItkImage(itk, options);
  } catch (e) {
    throw new UserError(`Cannot open ${nameOf(abs)}: ${(e as Error).message}.`);
  }
}

// --------------------------------------------------------------------------------------------- DICOM

function describeNonImage(header: DicomHeader): string {
  return sopClassName(header.sopClassUid) ?? (header.modality ? `${header.modality} object` : 'non-image object');
}

async function readDicomFile(abs: string, header: DicomHeader): Promise<ReadResult> {
  if (header.problem) throw new UserError(`Cannot open ${nameOf(abs)}: ${header.problem}. Copy the file again from its source.`);
  if (!header.pixelData) {
    throw new UserError(`${nameOf(abs)} is a DICOM ${describeNonImage(header)} without image pixel data; open the image series it belongs to instead.`);
  }
  const staged = stageForGdcm([{ path: abs, header }]);
  const { value, error, log } = await quietly(() => gdcmReadImageNode(staged.paths[0], {})).finally(staged.cleanup);
  if (error || !value || value.couldRead !== true || !value.image) {
    throw new UserError(decodeFailure(nameOf(abs), header, log, error));
  }
  const metaModality = value.image.metadata instanceof Map ? String(value.image.metadata.get('0008|0060') ?? '').trim() : '';
  const result = convert(abs, value.image, { photo: false, modality: header.modality || metaModality || 'OT' });
  result.warnings.push(...photometricWarnings(header));
  return result;
}

function decodeFailure(name: string, header: DicomHeader, log: string, error: unknown): string {
  const reason = reasonFrom(log, error);
  const ts = transferSyntaxName(header.transferSyntax);
  return `Cannot decode the pixel data of ${name} (${ts}${reason ? `: ${reason}` : ''}). Convert it to uncompressed DICOM (e.g. gdcmconv --raw) and open it again.`;
}

function photometricWarnings(header: DicomHeader): string[] {
  return header.photometric === 'MONOCHROME1'
    ? ['the image is MONOCHROME1 (inverted grey scale): high values are shown bright here, dark on the scanner']
    : [];
}

interface SeriesFile { path: string; header: DicomHeader }

/**
 * GDCM refuses DICOM files without the 128-byte preamble + "DICM" (bare data sets, old ACR-NEMA
 * style exports): give it temporary Part 10 copies of those, the others as they are (absolute paths).
 */
function stageForGdcm(files: SeriesFile[]): { paths: string[]; cleanup: () => void } {
  if (files.every((f) => f.header.hasPreamble)) return { paths: files.map((f) => itkPath(f.path)), cleanup: () => undefined };
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'medseg-dicom-')));
  const paths = files.map((f, n) => {
    if (f.header.hasPreamble) return itkPath(f.path);
    const copy = join(dir, `${n}.dcm`);
    writeFileSync(copy, withPart10Preamble(readFileSync(f.path), f.header));
    return copy;
  });
  return { paths, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const MAX_FOLDER_FILES = 20_000;

function listFiles(folder: string, depth = 0, out: string[] = []): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch (e) {
    if (depth === 0) throw new UserError(`Cannot list the folder ${folder}: ${(e as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : 'it cannot be read'}.`);
    return out;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (out.length >= MAX_FOLDER_FILES) break;
    if (entry.name.startsWith('.') || entry.name.toUpperCase() === 'DICOMDIR') continue;
    const full = join(folder, entry.name);
    const kind = entry.isSymbolicLink() ? linkTargetKind(full) : entry;
    if (kind?.isDirectory()) {
      if (depth < 5) listFiles(full, depth + 1, out); // DICOMDIR layouts: DICOM/patient/study/series/
    } else if (kind?.isFile()) {
      out.push(full);
    }
  }
  return out;
}

/** What a symlink points at (null when it dangles); the depth limit above bounds link loops. */
function linkTargetKind(path: string): { isDirectory(): boolean; isFile(): boolean } | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function seriesKey(h: DicomHeader): string {
  const orientation = h.imageOrientation ? h.imageOrientation.map((x) => x.toFixed(3)).join(',') : '-';
  return `${h.seriesUid ?? '-'}|${h.rows}x${h.columns}|${orientation}`;
}

function describeSeries(files: SeriesFile[]): string {
  const h = files[0].header;
  const parts = [h.seriesDescription ? `'${h.seriesDescription}'` : null, h.seriesNumber !== undefined ? `series #${h.seriesNumber}` : null,
    h.modality ?? null, `${files.length} file${files.length === 1 ? '' : 's'}`].filter(Boolean);
  return parts.join(', ');
}

async function readDicomFolder(folder: string): Promise<ReadResult> {
  const files = listFiles(folder);
  if (files.length === 0) throw new UserError(`The folder ${folder} is empty. Choose the folder that holds the DICOM slices.`);
  const dicom: SeriesFile[] = [];
  for (const path of files) {
    const header = readDicomHeader(path);
    if (header) dicom.push({ path, header });
  }
  if (dicom.length === 0) {
    throw new UserError(`The folder ${folder} contains no DICOM files (${files.length} other file${files.length === 1 ? '' : 's'}). Choose a folder of DICOM slices, or open an image file (${describeReadFormats()}) directly.`);
  }
  const withPixels = dicom.filter((f) => f.header.pixelData);
  const readable = withPixels.filter((f) => !f.header.problem);
  if (readable.length === 0) {
    if (withPixels.length > 0) throw new UserError(`Cannot open ${folder}: its DICOM image files are damaged (${withPixels[0].header.problem}). Copy the folder again from its source.`);
    throw new UserError(`The folder ${folder} contains DICOM files but none with image pixel data (${describeNonImage(dicom[0].header)}); choose the folder of the image series.`);
  }

  const groups = new Map<string, SeriesFile[]>();
  for (const f of readable) {
    const key = seriesKey(f.header);
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  const frames = (g: SeriesFile[]) => g.reduce((n, f) => n + (f.header.frames ?? 1), 0);
  const ranked = [...groups.values()].sort((a, b) => b.length - a.length || frames(b) - frames(a));
  const chosen = ranked[0];
  const warnings: string[] = [];
  if (ranked.length > 1) {
    warnings.push(`the folder holds ${ranked.length} image series; opened the largest (${describeSeries(chosen)}); skipped ${ranked.slice(1).map(describeSeries).join('; ')}`);
  }
  const damaged = withPixels.length - readable.length;
  if (damaged > 0) warnings.push(`skipped ${damaged} damaged DICOM file${damaged === 1 ? '' : 's'} (${withPixels.find((f) => f.header.problem)!.header.problem})`);

  if (chosen.length === 1) {
    const single = await readDicomFile(chosen[0].path, chosen[0].header);
    return { image: single.image, warnings: [...warnings, ...single.warnings] };
  }
  const staged = stageForGdcm(chosen);
  const { value, error, log } = await quietly(() => readImageDicomFileSeriesNode({ inputImages: staged.paths })).finally(staged.cleanup);
  if (error || !value || !value.outputImage) {
    throw new UserError(decodeFailure(`the series in ${folder}`, chosen[0].header, log, error));
  }
  const result = convert(folder, value.outputImage, { photo: false, modality: chosen[0].header.modality || 'OT' });
  if (result.image.size[2] !== chosen.length && !chosen.some((f) => (f.header.frames ?? 1) > 1)) {
    warnings.push(`the series has ${chosen.length} files but ${result.image.size[2]} slices were assembled`);
  }
  warnings.push(...sliceSpacingWarnings(chosen, result.image), ...photometricWarnings(chosen[0].header));
  return { image: result.image, warnings: [...warnings, ...result.warnings] };
}

/** Irregular or duplicated slice positions make a single spacing value only approximately right: say so. */
function sliceSpacingWarnings(files: SeriesFile[], image: Geometry): string[] {
  const iop = files[0].header.imageOrientation;
  if (!iop || files.some((f) => !f.header.imagePosition)) return [];
  const normal = [iop[1] * iop[5] - iop[2] * iop[4], iop[2] * iop[3] - iop[0] * iop[5], iop[0] * iop[4] - iop[1] * iop[3]];
  const positions = files.map((f) => f.header.imagePosition!.reduce((s, x, i) => s + x * normal[i], 0)).sort((a, b) => a - b);
  const gaps = positions.slice(1).map((p, i) => p - positions[i]);
  const duplicates = gaps.filter((g) => Math.abs(g) < 1e-3).length;
  const warnings: string[] = [];
  if (duplicates > 0) warnings.push(`${duplicates + 1} slices share a position; the series may mix acquisitions`);
  const real = gaps.filter((g) => Math.abs(g) >= 1e-3);
  if (real.length > 1) {
    const min = Math.min(...real);
    const max = Math.max(...real);
    if (max - min > 0.01 * image.spacing[2] + 1e-3) {
      warnings.push(`slice spacing varies from ${min.toFixed(2)} to ${max.toFixed(2)} mm; the volume uses ${image.spacing[2].toFixed(2)} mm, so distances along the slices are approximate`);
    }
  }
  return warnings;
}

// --------------------------------------------------------------------------------------------- write

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

export async function writeAny(path: string, image: VolumeImage): Promise<WriteResult> {
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
    const itk = toItkImage(image, dimension);
    const useCompression = format.format === 'nrrd' || format.format === 'meta' || format.format === 'png';
    const written = await quietly(() => WRITERS[format.format](itk, temp, { useCompression }));
    if (written.error || written.value?.couldWrite !== true || !existsSync(temp)) {
      const code = accessProblem(folder);
      if (code) throw new UserError(`Cannot write ${out}: ${code}. Choose another folder.`);
      const reason = reasonFrom(written.log, written.error);
      throw new UserError(`Could not write ${nameOf(out)} as ${format.name}${reason ? ` (${reason})` : ''}. Try .nii.gz, or check the free disk space.`);
    }
    // Read back and compare: only a file that gives back the same grid and voxels is reported written.
    const back = await readWithItk(temp, format.format, false).catch((e: unknown) => {
      throw new UserError(`Writing ${nameOf(out)} failed its check: the written file cannot be read back (${(e as Error).message}).`);
    });
    const backImage = back.image;
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
    if (code === 'ENOSPC') throw new UserError(`Cannot write ${out}: the disk is full. Free some space and save again.`);
    throw new UserError(`Could not write ${nameOf(out)}: ${(e as Error)?.message ?? String(e)}.`);
  }
}

function accessProblem(folder: string): string | null {
  try {
    const probe = join(folder, `.medseg-write-probe-${process.pid}-${randomBytes(3).toString('hex')}`);
    closeSync(openSync(probe, 'w'));
    unlinkSync(probe);
    return null;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') return 'the disk is full';
    return 'the folder is not writable (permission denied)';
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
