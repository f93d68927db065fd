// DICOM in the I/O worker: one file, or a folder grouped into series by the header reader and the
// largest series assembled by itk-wasm's GDCM (with warnings for skipped series, damaged files,
// irregular slice spacing and MONOCHROME1).
import { mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync, type Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gdcmReadImageNode } from '@itk-wasm/image-io';
import { readImageDicomFileSeriesNode } from '@itk-wasm/dicom';
import { UserError } from '../../shared/errors';
import type { Geometry } from '../../shared/image';
import { sopClassName, transferSyntaxName } from './dicom-dictionary';
import { readDicomHeader, type DicomHeader } from './dicom-header';
import { withPart10Preamble } from './dicom-part10';
import { describeReadFormats } from './formats';
import { convertItkImage, itkPath, nameOf, quietly, reasonFrom, type ReadResult } from './itk-calls';

function describeNonImage(header: DicomHeader): string {
  return sopClassName(header.sopClassUid) ?? (header.modality ? `${header.modality} object` : 'non-image object');
}

export async function readDicomFile(abs: string, header: DicomHeader): Promise<ReadResult> {
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
  const result = convertItkImage(abs, value.image, { photo: false, modality: header.modality || metaModality || 'OT' });
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

export function listFiles(folder: string, depth = 0, out: string[] = []): string[] {
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

export async function readDicomFolder(folder: string): Promise<ReadResult> {
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
  const result = convertItkImage(folder, value.outputImage, { photo: false, modality: chosen[0].header.modality || 'OT' });
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
