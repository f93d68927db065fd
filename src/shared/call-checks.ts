// What a host checks on every call a page sends, derived from the contract's declarations
// (STUDIO_METHOD_ARGUMENTS): the method exists, each argument and request field is of its declared
// kind, and nothing undeclared rides along. A refusal says what was expected (browser mode answers
// 400 with it), so a malformed call never reaches the engine to fail there as an internal error.
import { STUDIO_METHOD_ARGUMENTS, type CaseSplit, type Device, type StudioApi, type ValueKind } from './api';
import { modelRefProblem } from './model-ref';

/** What one upload (openUploadedCase) may hold: a DICOM series of a whole-body CT fits. */
export const UPLOAD_LIMITS = { files: 20_000, bytes: 2 ** 31, nameSegmentBytes: 255, nameBytes: 4096 } as const;
const MAX_PATH_LENGTH = 4096;
const MAX_INPUTS = 10_000;
const MAX_EPOCHS = 10_000;
const MAX_CLICKS = 1000;

const DEVICES: Record<Device, true> = { auto: true, cpu: true, cuda: true };
const SPLITS: Record<CaseSplit, true> = { train: true, validation: true };

/** A check's verdict: true (fine), false (not the expected kind at all), or what is wrong with it. */
type Verdict = boolean | string;
interface KindCheck {
  expected: string;
  accepts(value: unknown): Verdict;
}

const utf8Bytes = (s: string) => new TextEncoder().encode(s).byteLength;
const isPath = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= MAX_PATH_LENGTH && !v.includes('\0');
const isIndex = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && [Object.prototype, null].includes(Object.getPrototypeOf(v));
const orProblem = (problem: string | null): Verdict => problem ?? true;

function isPlainData(value: unknown, depth = 0): boolean {
  if (depth > 8) return false;
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  if (Array.isArray(value)) return value.every((v) => isPlainData(v, depth + 1));
  return isRecord(value) && Object.values(value).every((v) => isPlainData(v, depth + 1));
}

function unexpectedKeys(value: Record<string, unknown>, allowed: readonly string[]): string | null {
  const extra = Object.keys(value).filter((k) => !allowed.includes(k));
  return extra.length ? `unexpected field(s) ${extra.join(', ')}` : null;
}

function labelsProblem(v: unknown): Verdict {
  if (!Array.isArray(v) || v.length > 255) return false;
  for (const [i, label] of v.entries()) {
    if (!isRecord(label)) return `label ${i + 1} is not an object`;
    const problem = unexpectedKeys(label, ['value', 'name', 'color']);
    if (problem) return `label ${i + 1}: ${problem}`;
    if (!(Number.isInteger(label.value) && (label.value as number) >= 0 && (label.value as number) <= 255)) return `label ${i + 1}'s value must be an integer 0–255`;
    if (typeof label.name !== 'string' || label.name.length > 200) return `label ${i + 1}'s name must be text (at most 200 characters)`;
    if (typeof label.color !== 'string' || label.color.length > 64) return `label ${i + 1}'s color must be a CSS colour (text)`;
  }
  return true;
}

function clicksProblem(v: unknown): Verdict {
  if (!Array.isArray(v) || v.length > MAX_CLICKS) return false;
  for (const [n, click] of v.entries()) {
    if (!isRecord(click)) return `click ${n + 1} is not an object`;
    const extra = unexpectedKeys(click, ['i', 'j', 'positive']);
    if (extra) return `click ${n + 1}: ${extra}`;
    if (!isIndex(click.i) || !isIndex(click.j) || typeof click.positive !== 'boolean') return `click ${n + 1} must be {i, j: voxel indices, positive: true or false}`;
  }
  return true;
}

/** Why an upload's file name is refused: it becomes a path inside the workspace's upload folder. */
function uploadNameProblem(name: string): string | null {
  if (name.length === 0) return 'it is empty';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains a control character (NUL, newline, …)';
  if (name.includes('\\')) return "it contains '\\' (folders are separated by '/')";
  if (name.startsWith('/')) return 'it is an absolute path';
  if (utf8Bytes(name) > UPLOAD_LIMITS.nameBytes) return `it is longer than ${UPLOAD_LIMITS.nameBytes} bytes`;
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') return `it has a "${segment}" folder in it`;
    if (utf8Bytes(segment) > UPLOAD_LIMITS.nameSegmentBytes) return `a part of it is longer than ${UPLOAD_LIMITS.nameSegmentBytes} bytes`;
  }
  return null;
}

function uploadProblem(v: unknown): Verdict {
  if (!Array.isArray(v)) return false;
  if (v.length === 0) return 'no files were given';
  if (v.length > UPLOAD_LIMITS.files) return `${v.length} files is more than ${UPLOAD_LIMITS.files}`;
  const names = new Set<string>();
  let total = 0;
  for (const [i, file] of v.entries()) {
    if (!isRecord(file) || typeof file.name !== 'string' || !(file.bytes instanceof Uint8Array)) return `file ${i + 1} is not {name, bytes}`;
    const extra = unexpectedKeys(file, ['name', 'bytes']);
    if (extra) return `file ${i + 1}: ${extra}`;
    const problem = uploadNameProblem(file.name);
    if (problem) return `file ${i + 1}'s name ${JSON.stringify(file.name.slice(0, 80))} is refused: ${problem}`;
    if (names.has(file.name)) return `two files are named ${JSON.stringify(file.name)}`;
    names.add(file.name);
    total += file.bytes.byteLength;
  }
  if (total > UPLOAD_LIMITS.bytes) return `the files hold ${total} bytes, more than ${UPLOAD_LIMITS.bytes}`;
  return true;
}

const KIND_CHECKS: { readonly [K in ValueKind]: KindCheck } = {
  readPath: { expected: 'a file or folder path (a non-empty string)', accepts: isPath },
  readPaths: { expected: `a list of 1–${MAX_INPUTS} file or folder paths`, accepts: (v) => Array.isArray(v) && v.length > 0 && v.length <= MAX_INPUTS && v.every(isPath) },
  writePath: { expected: 'a path to write to (a non-empty string)', accepts: isPath },
  caseId: { expected: 'a case id (as recentCases lists them)', accepts: (v) => typeof v === 'string' && /^[\w-]{1,64}$/.test(v) },
  modelRef: { expected: 'a model id or id@version', accepts: (v) => typeof v === 'string' && orProblem(modelRefProblem(v)) },
  proposer: { expected: 'a model id@version, or null', accepts: (v) => v === null || (typeof v === 'string' && orProblem(modelRefProblem(v))) },
  jobId: { expected: 'a job id (1–128 printable characters)', accepts: (v) => typeof v === 'string' && /^[^\u0000-\u001f\u007f]{1,128}$/.test(v) },
  // DICOM's UI value representation: at most 64 characters; printable without spaces, so a
  // non-conformant UID a reader lists still opens.
  seriesUid: { expected: 'a DICOM series UID (as listSeries lists it)', accepts: (v) => typeof v === 'string' && /^[\x21-\x7e]{1,64}$/.test(v) },
  text: { expected: 'text (at most 10000 characters)', accepts: (v) => typeof v === 'string' && v.length <= 10_000 },
  device: { expected: Object.keys(DEVICES).join(', '), accepts: (v) => typeof v === 'string' && Object.hasOwn(DEVICES, v) },
  split: { expected: Object.keys(SPLITS).join(' or '), accepts: (v) => typeof v === 'string' && Object.hasOwn(SPLITS, v) },
  labelValue: { expected: 'an integer label value 0–255', accepts: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 255 },
  epochs: { expected: `a whole number of epochs, 1–${MAX_EPOCHS}`, accepts: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_EPOCHS },
  learningRate: { expected: 'a learning rate above 0 and at most 1', accepts: (v) => typeof v === 'number' && v > 0 && v <= 1 },
  slices: {
    expected: 'a slice index k, or [from, to) with 0 ≤ from < to',
    accepts: (v) => isIndex(v) || (Array.isArray(v) && v.length === 2 && isIndex(v[0]) && isIndex(v[1]) && v[0] < v[1]),
  },
  sliceIndex: { expected: 'a slice index (a whole number ≥ 0)', accepts: isIndex },
  clicks: { expected: `a list of at most ${MAX_CLICKS} clicks {i, j, positive}`, accepts: clicksProblem },
  flag: { expected: 'true or false', accepts: (v) => typeof v === 'boolean' },
  bytes: { expected: 'bytes (a Uint8Array)', accepts: (v) => v instanceof Uint8Array },
  labels: { expected: 'a list of labels {value, name, color}', accepts: labelsProblem },
  // Only its shape: the engine completes a draft from the graph and says what is still missing.
  manifest: { expected: 'a model manifest (a JSON object)', accepts: (v) => isRecord(v) && isPlainData(v) },
  files: { expected: 'a list of files {name, bytes}', accepts: uploadProblem },
};

/**
 * What a confining host does with each kind (core/confinement/path-guard.ts): a path the engine
 * reads, a list of them, a path it writes, a case (confined by its source), or nothing. Every kind
 * is classified here, so a new kind that names files cannot slip past the guard unclassified.
 */
export const CONFINED_AS: { readonly [K in ValueKind]: 'read' | 'reads' | 'write' | 'case' | null } = {
  readPath: 'read', readPaths: 'reads', writePath: 'write', caseId: 'case',
  modelRef: null, proposer: null, jobId: null, seriesUid: null, text: null, device: null, split: null, labelValue: null, epochs: null,
  learningRate: null, slices: null, sliceIndex: null, clicks: null, flag: null, bytes: null, labels: null, manifest: null, files: null,
};

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  if (typeof value === 'object') return isRecord(value) ? 'an object' : `a ${(value as object).constructor?.name ?? 'object'}`;
  return `${typeof value === 'number' ? 'the number' : typeof value} ${String(value)}`;
}

function valueProblem(kind: ValueKind, value: unknown, what: string): string | null {
  const { expected, accepts } = KIND_CHECKS[kind];
  const verdict = accepts(value);
  if (verdict === true) return null;
  return verdict === false ? `${what} must be ${expected}, not ${describe(value)}` : `${what} must be ${expected}: ${verdict}`;
}

type Declaration = string | Readonly<Record<string, string>>;
const declarationOf = (method: keyof StudioApi) => STUDIO_METHOD_ARGUMENTS[method] as readonly Declaration[];
const fieldKind = (spec: string) => ({ kind: spec.replace(/\?$/, '') as ValueKind, optional: spec.endsWith('?') });
const fieldList = (fields: Readonly<Record<string, string>>) => `{${Object.entries(fields).map(([k, v]) => k + (v.endsWith('?') ? '?' : '')).join(', ')}}`;

/**
 * Why a call may not go to the engine (unknown method, wrong arguments, a value not of its
 * declared kind), saying what was expected; null when it may.
 */
export function callProblem(method: string, args: unknown[]): string | null {
  if (!Object.hasOwn(STUDIO_METHOD_ARGUMENTS, method)) return `no such method: ${method}`;
  const declaration = declarationOf(method as keyof StudioApi);
  if (args.length !== declaration.length) return `${method} takes ${declaration.length} argument(s), got ${args.length}`;
  for (const [i, spec] of declaration.entries()) {
    const what = `argument ${i + 1} of ${method}`;
    if (typeof spec === 'string') {
      const problem = valueProblem(spec as ValueKind, args[i], what);
      if (problem) return problem;
      continue;
    }
    const request = args[i];
    if (!isRecord(request)) return `${what} must be a request ${fieldList(spec)}, not ${describe(request)}`;
    const extra = unexpectedKeys(request, Object.keys(spec));
    if (extra) return `${what} has ${extra}; a request is ${fieldList(spec)}`;
    for (const [field, fieldSpec] of Object.entries(spec)) {
      const { kind, optional } = fieldKind(fieldSpec);
      if (request[field] === undefined) {
        if (optional) continue;
        return `${method}: "${field}" is missing (${KIND_CHECKS[kind].expected})`;
      }
      const problem = valueProblem(kind, request[field], `${method}: "${field}"`);
      if (problem) return problem;
    }
  }
  return null;
}

/**
 * Calls `visit` on each value a call carries, with its declared kind (arguments, and the fields
 * of request arguments that are present), and returns the arguments with what `visit` returned:
 * how a path guard finds, checks and replaces the paths and case ids of any method.
 */
export async function mapDeclaredValues(
  method: keyof StudioApi, args: unknown[], visit: (kind: ValueKind, value: unknown) => Promise<unknown>,
): Promise<unknown[]> {
  const declaration = declarationOf(method);
  return Promise.all(args.map(async (arg, i) => {
    const spec = declaration[i];
    if (spec === undefined) return arg;
    if (typeof spec === 'string') return visit(spec as ValueKind, arg);
    if (!isRecord(arg)) return arg;
    const copy: Record<string, unknown> = { ...arg };
    for (const [field, fieldSpec] of Object.entries(spec)) {
      if (copy[field] !== undefined) copy[field] = await visit(fieldKind(fieldSpec).kind, copy[field]);
    }
    return copy;
  }));
}
