// A case's record (case.json): geometry and metadata only, never voxels. Every record is checked
// when it is read and before it is written, so a damaged or hand-edited file is reported with what
// was expected instead of breaking the case list or reaching the engine.
import type { CaseSummary, SaveCaseRequest } from '../../shared/api';
import type { Geometry } from '../../shared/image';
import type { LabelDefinition } from '../../shared/manifest';
import { labelListProblem } from '../../shared/labels';

export const CASE_FORMAT = 'medseg-case/2';
export const WORK_FILE_PATTERN = /^work-[0-9a-f]{16}\.bin$/;

export interface CaseRecord extends CaseSummary {
  format: typeof CASE_FORMAT;
  geometry: Geometry;
  labels: LabelDefinition[];
  /** The work file (labelmap + provenance) the last save wrote; null before the first save. */
  work: string | null;
}

/** Thrown for a record that cannot be used as it is; the message says what is wrong. */
export class RecordProblem extends Error {}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isTriple = (v: unknown, ok: (x: unknown) => boolean) => Array.isArray(v) && v.length === 3 && v.every(ok);
const describe = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v)?.slice(0, 60) ?? String(v));

/** Why `value` is not a grid (size, spacing, origin, direction), or null. */
function geometryProblem(value: unknown): string | null {
  const g = value as Partial<Geometry> | null;
  if (typeof g !== 'object' || g === null) return `geometry must be an object with size, spacing, origin and direction, got ${describe(value)}`;
  if (!isTriple(g.size, (n) => Number.isInteger(n) && (n as number) > 0)) return `geometry.size must be three positive integers, got ${describe(g.size)}`;
  if (!isTriple(g.spacing, (n) => isFiniteNumber(n) && n > 0)) return `geometry.spacing must be three positive numbers, got ${describe(g.spacing)}`;
  if (!isTriple(g.origin, isFiniteNumber)) return `geometry.origin must be three numbers, got ${describe(g.origin)}`;
  if (!Array.isArray(g.direction) || g.direction.length !== 9 || !g.direction.every(isFiniteNumber)) {
    return `geometry.direction must be nine numbers (3×3, row-major), got ${describe(g.direction)}`;
  }
  return null;
}

/** Why `value` is not a list of label definitions, or null. */
function labelsProblem(value: unknown): string | null {
  const expected = 'a list of {value: 1–255, name: text, color: "#rrggbb"} with distinct values';
  const problem = labelListProblem(value);
  if (!problem) return null;
  return problem.index < 0 ? `labels must be ${expected}, got ${describe(value)}`
    : `labels must be ${expected}; label ${problem.index + 1} is ${describe((value as unknown[])[problem.index])}`;
}

const isTextOrNull = (v: unknown) => v === null || typeof v === 'string';

/** The record's problems, as one sentence, or null when it is valid. */
export function recordProblem(r: Partial<CaseRecord>, id: string): string | null {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return 'it is not a JSON object';
  if (r.format !== CASE_FORMAT) return `format must be "${CASE_FORMAT}", got ${describe(r.format)}`;
  if (r.id !== id) return `id must be ${id} (its folder), got ${describe(r.id)}`;
  for (const key of ['name', 'source', 'openedAt'] as const) {
    if (typeof r[key] !== 'string' || r[key] === '') return `${key} must be non-empty text, got ${describe(r[key])}`;
  }
  if (!isTextOrNull(r.savedAt)) return `savedAt must be a time or null, got ${describe(r.savedAt)}`;
  if (!isTextOrNull(r.proposedBy)) return `proposedBy must be a model id@version or null, got ${describe(r.proposedBy)}`;
  if (typeof r.reviewed !== 'boolean') return `reviewed must be true or false, got ${describe(r.reviewed)}`;
  if (r.split !== null && r.split !== 'train' && r.split !== 'validation') return `split must be "train", "validation" or null, got ${describe(r.split)}`;
  if (r.work !== null && !(typeof r.work === 'string' && WORK_FILE_PATTERN.test(r.work))) return `work must name a work file or be null, got ${describe(r.work)}`;
  if (r.seriesUid !== undefined && !(typeof r.seriesUid === 'string' && /^[0-9.]{1,64}$/.test(r.seriesUid))) return `seriesUid must be a DICOM UID, got ${describe(r.seriesUid)}`;
  if ((r.work === null) !== (r.savedAt === null)) return 'savedAt and work must both be set (saved) or both null (never saved)';
  return geometryProblem(r.geometry) ?? labelsProblem(r.labels);
}

/** Why a save request cannot be stored, or null; buffer sizes are checked against the case's grid. */
export function saveRequestProblem(request: SaveCaseRequest, voxels: number): string | null {
  for (const name of ['labelmap', 'provenance'] as const) {
    const buffer = request[name] as unknown;
    if (!(buffer instanceof Uint8Array)) return `the ${name} must be bytes (one per voxel), got ${describe(buffer)}`;
    if (buffer.length !== voxels) return `the ${name} has ${buffer.length} voxels, the image ${voxels}`;
  }
  if (request.proposedBy !== undefined && !isTextOrNull(request.proposedBy)) {
    return `proposedBy must be a model id@version or null, got ${describe(request.proposedBy)}`;
  }
  return labelsProblem(request.labels);
}

/**
 * Records written before format 2 held the whole image (voxels included) as `geometry`. Their
 * `data` value is cut out at byte level (it can be hundreds of MB: too big to parse comfortably)
 * and the rest keeps what a record needs. The upgraded record has no work yet: `savedAt` says
 * whether the old labelmap files are worth migrating.
 */
export function upgradeVersion1(bytes: Uint8Array, id: string): { record: CaseRecord; savedAt: string | null } {
  let old: Record<string, unknown>;
  try {
    old = JSON.parse(new TextDecoder().decode(withoutDataValues(bytes)));
  } catch (e) {
    throw new RecordProblem(`it is not valid JSON (${(e as Error).message})`);
  }
  const g = (old.geometry ?? {}) as Geometry;
  const record = {
    ...old, format: CASE_FORMAT, id, labels: old.labels ?? [], split: old.split ?? null, savedAt: null, work: null,
    geometry: { size: g.size, spacing: g.spacing, origin: g.origin, direction: g.direction },
  } as CaseRecord;
  const problem = recordProblem(record, id);
  if (problem) throw new RecordProblem(problem);
  return { record, savedAt: typeof old.savedAt === 'string' ? old.savedAt : null };
}

/** `bytes` with the value of every "data" member replaced by null (strings respected). */
function withoutDataValues(bytes: Uint8Array): Uint8Array {
  const QUOTE = 0x22, BACKSLASH = 0x5c, COLON = 0x3a;
  const key = new TextEncoder().encode('"data"');
  const parts: Uint8Array[] = [];
  let copyFrom = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== QUOTE) continue;
    let end = i + 1; // skip the string
    while (end < bytes.length && bytes[end] !== QUOTE) end += bytes[end] === BACKSLASH ? 2 : 1;
    let v = end + 1;
    while (v < bytes.length && bytes[v] <= 0x20) v++;
    if (bytes[v] === COLON && key.every((b, n) => bytes[i + n] === b)) { // a "data" key, not a "data" value
      v++;
      while (v < bytes.length && bytes[v] <= 0x20) v++;
      const valueEnd = endOfValue(bytes, v);
      parts.push(bytes.subarray(copyFrom, v), new TextEncoder().encode('null'));
      copyFrom = valueEnd;
      end = valueEnd - 1;
    }
    i = end;
  }
  parts.push(bytes.subarray(copyFrom));
  return Buffer.concat(parts);
}

/** Index just after the JSON value starting at `start` (an object/array is skipped as a whole). */
function endOfValue(bytes: Uint8Array, start: number): number {
  const open = bytes[start];
  if (open !== 0x7b && open !== 0x5b) { // a scalar: up to the next , } or ]
    let i = start;
    while (i < bytes.length && bytes[i] !== 0x2c && bytes[i] !== 0x7d && bytes[i] !== 0x5d) i++;
    return i;
  }
  let depth = 0;
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x22) { i++; while (i < bytes.length && bytes[i] !== 0x22) i += bytes[i] === 0x5c ? 2 : 1; }
    else if (b === 0x7b || b === 0x5b) depth++;
    else if ((b === 0x7d || b === 0x5d) && --depth === 0) return i + 1;
  }
  return bytes.length;
}

export function summaryOf({ id, name, source, seriesUid, openedAt, savedAt, proposedBy, reviewed, split }: CaseRecord): CaseSummary {
  return { id, name, source, ...(seriesUid ? { seriesUid } : {}), openedAt, savedAt, proposedBy, reviewed, split };
}
