// A folder of DICOM files, before any pixel is decoded: every file's header read (with progress and
// a file limit), the image files grouped into series, and each series summarised for a picker.
// A series is grouped by Series Instance UID and also by slice size and orientation, so a localizer
// sharing its UID with the axial slices never ends up stacked into the same volume.
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../shared/errors';
import type { DicomSeriesSummary } from '../../shared/dicom';
import type { ReadProgress } from '../../shared/image';
import { sopClassName } from './dicom-dictionary';
import { readDicomHeader, type DicomHeader } from './dicom-header';
import { describeReadFormats } from './formats';

export interface SeriesFile { path: string; header: DicomHeader; bytes: number }

export interface ScannedFolder {
  /** Image series (same UID, size and orientation), largest first: the one a plain open reads. */
  series: SeriesFile[][];
  /** DICOM image files left out because they are damaged. */
  damaged: SeriesFile[];
}

const MAX_FOLDER_FILES = 20_000;
/** DICOMDIR layouts (DICOM/patient/study/series/) are read this many folders deep; the path guard checks as deep. */
export const MAX_FOLDER_DEPTH = 5;
/** Progress is posted at most this often (a 20 000-file folder would otherwise send 20 000 messages). */
const PROGRESS_INTERVAL_MS = 50;

export function describeNonImage(header: DicomHeader): string {
  return sopClassName(header.sopClassUid) ?? (header.modality ? `${header.modality} object` : 'non-image object');
}

export function describeSeries(files: SeriesFile[]): string {
  const h = files[0].header;
  const parts = [h.seriesDescription ? `'${h.seriesDescription}'` : null, h.seriesNumber !== undefined ? `series #${h.seriesNumber}` : null,
    h.modality ?? null, `${files.length} file${files.length === 1 ? '' : 's'}`].filter(Boolean);
  return parts.join(', ');
}

/** Read every file's header; refuse (UserError) a folder with no readable DICOM image at all. */
export function scanDicomFolder(folder: string, onProgress?: (progress: ReadProgress) => void): ScannedFolder {
  const files = listFiles(folder);
  if (files.length === 0) throw new UserError(`The folder ${folder} is empty. Choose the folder that holds the DICOM slices.`);
  const dicom: SeriesFile[] = [];
  let reported = 0;
  files.forEach((path, n) => {
    const header = readDicomHeader(path);
    if (header) dicom.push({ path, header, bytes: sizeOf(path) });
    if (onProgress && (n + 1 === files.length || Date.now() - reported >= PROGRESS_INTERVAL_MS)) {
      reported = Date.now();
      onProgress({ phase: 'scanning', done: n + 1, total: files.length });
    }
  });
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
  const series = [...groups.values()].sort((a, b) => b.length - a.length || framesOf(b) - framesOf(a));
  return { series, damaged: withPixels.filter((f) => f.header.problem) };
}

/** One entry per Series Instance UID (its parts of other sizes or orientations counted in), largest first. */
export function summarizeSeries(scanned: ScannedFolder): DicomSeriesSummary[] {
  const byUid = new Map<string, SeriesFile[][]>();
  for (const group of scanned.series) {
    const uid = group[0].header.seriesUid ?? '';
    byUid.set(uid, [...(byUid.get(uid) ?? []), group]);
  }
  return [...byUid.entries()].map(([uid, groups]) => {
    const h = groups[0][0].header;
    const all = groups.flat();
    const summary: DicomSeriesSummary = {
      seriesInstanceUid: uid, seriesNumber: h.seriesNumber, seriesDescription: h.seriesDescription, modality: h.modality,
      patientName: h.patientName, patientId: h.patientId, studyDescription: h.studyDescription, studyDate: h.studyDate,
      files: all.length, slices: framesOf(all), bytes: all.reduce((n, f) => n + f.bytes, 0), rows: h.rows, columns: h.columns,
    };
    for (const key of Object.keys(summary) as (keyof DicomSeriesSummary)[]) if (summary[key] === undefined) delete summary[key];
    return summary;
  });
}

export function framesOf(files: SeriesFile[]): number {
  return files.reduce((n, f) => n + (f.header.frames ?? 1), 0);
}

function seriesKey(h: DicomHeader): string {
  const orientation = h.imageOrientation ? h.imageOrientation.map((x) => x.toFixed(3)).join(',') : '-';
  return `${h.seriesUid ?? '-'}|${h.rows}x${h.columns}|${orientation}`;
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Every file under `folder` (DICOMDIR layouts five levels deep; hidden files and DICOMDIR left out). */
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
      if (depth < MAX_FOLDER_DEPTH) listFiles(full, depth + 1, out);
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
