// DICOM in the I/O worker: one file, or one series of a folder (the largest, or the one asked for by
// UID) assembled by itk-wasm's GDCM, with warnings for skipped series, damaged files, irregular slice
// spacing and MONOCHROME1, and the series' metadata (patient, study, per-slice instances).
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gdcmReadImageNode } from '@itk-wasm/image-io';
import { readImageDicomFileSeriesNode } from '@itk-wasm/dicom';
import { UserError } from '../../shared/errors';
import type { DicomSeriesSummary } from '../../shared/dicom';
import type { Geometry, ReadProgress } from '../../shared/image';
import { transferSyntaxName } from './dicom-dictionary';
import { describeNonImage, describeSeries, scanDicomFolder, summarizeSeries, type SeriesFile } from './dicom-folder';
import type { DicomHeader } from './dicom-header';
import { dicomSeriesMetadata } from './dicom-metadata';
import { withPart10Preamble } from './dicom-part10';
import { convertItkImage, itkPath, nameOf, quietly, reasonFrom, type ReadResult } from './itk-calls';

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
  return { ...result, dicom: dicomSeriesMetadata([header], result.image) };
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

/**
 * GDCM refuses DICOM files without the 128-byte preamble + "DICM" (bare data sets, old ACR-NEMA
 * style exports): give it temporary Part 10 copies of those, the others as they are (absolute paths).
 */
function stageForGdcm(files: Pick<SeriesFile, 'path' | 'header'>[]): { paths: string[]; cleanup: () => void } {
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

export interface DicomFolderReadOptions {
  /** Read this series (Series Instance UID) instead of the largest. */
  seriesUid?: string;
  onProgress?: (progress: ReadProgress) => void;
}

/** The series of a folder (the series picker's list), largest first; no pixel is decoded. */
export function listDicomSeriesInFolder(folder: string, onProgress?: (progress: ReadProgress) => void): DicomSeriesSummary[] {
  return summarizeSeries(scanDicomFolder(folder, onProgress));
}

export async function readDicomFolder(folder: string, options: DicomFolderReadOptions = {}): Promise<ReadResult> {
  const { series, damaged } = scanDicomFolder(folder, options.onProgress);
  const warnings: string[] = [];
  let candidates = series;
  if (options.seriesUid !== undefined) {
    candidates = series.filter((g) => g[0].header.seriesUid === options.seriesUid);
    if (candidates.length === 0) {
      throw new UserError(`The folder ${folder} has no image series with UID ${options.seriesUid}; it holds ${series.map(describeSeries).join('; ')}.`);
    }
  }
  const chosen = candidates[0];
  const skipped = series.filter((g) => g !== chosen);
  if (skipped.length > 0) {
    const what = options.seriesUid === undefined ? 'opened the largest' : 'opened';
    warnings.push(`the folder holds ${series.length} image series; ${what} (${describeSeries(chosen)}); skipped ${skipped.map(describeSeries).join('; ')}`);
  }
  if (damaged.length > 0) warnings.push(`skipped ${damaged.length} damaged DICOM file${damaged.length === 1 ? '' : 's'} (${damaged[0].header.problem})`);

  options.onProgress?.({ phase: 'decoding', done: 0, total: chosen.length });
  const result = chosen.length === 1 ? await readDicomFile(chosen[0].path, chosen[0].header) : await decodeSeries(folder, chosen);
  options.onProgress?.({ phase: 'decoding', done: chosen.length, total: chosen.length });
  return { ...result, warnings: [...warnings, ...result.warnings] };
}

async function decodeSeries(folder: string, chosen: SeriesFile[]): Promise<ReadResult> {
  const staged = stageForGdcm(chosen);
  const { value, error, log } = await quietly(() => readImageDicomFileSeriesNode({ inputImages: staged.paths })).finally(staged.cleanup);
  if (error || !value || !value.outputImage) {
    throw new UserError(decodeFailure(`the series in ${folder}`, chosen[0].header, log, error));
  }
  const result = convertItkImage(folder, value.outputImage, { photo: false, modality: chosen[0].header.modality || 'OT' });
  const warnings: string[] = [];
  if (result.image.size[2] !== chosen.length && !chosen.some((f) => (f.header.frames ?? 1) > 1)) {
    warnings.push(`the series has ${chosen.length} files but ${result.image.size[2]} slices were assembled`);
  }
  warnings.push(...sliceSpacingWarnings(chosen, result.image), ...photometricWarnings(chosen[0].header), ...result.warnings);
  return { image: result.image, warnings, dicom: dicomSeriesMetadata(chosen.map((f) => f.header), result.image) };
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
