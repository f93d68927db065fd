// Model lineages: a root model (shipped, or imported into the user's store) and the versions that
// fine-tuning made from it. Each version is an immutable folder; which one is "current" is a
// separate small file, so promoting or restoring a version never touches a model file.
//
//   <user store>/versions/<model id>/<version>/model.onnx, model.pt (weights), version.json (written last)
//   <user store>/versions/<model id>/current.json   {"version": "1.2.0"}  (absent: the root is current)
//
// A folder without version.json is a reservation of a job still running, or the remains of one
// that crashed: it is never listed, and its number is never reused. A folder that cannot be read
// as a version (a bad name, a damaged record or model) is skipped and reported, never fatal: one
// bad folder must not take every model out of the app.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelVersion, VersionRecord } from '../../shared/api';
import { UserError } from '../../shared/errors';
import { formatModelRef, isModelName } from '../../shared/model-ref';
import { readManifest } from '../inference/onnx-metadata';
import { writeFileAtomic } from '../workspace/atomic-file';
import { lineageFolder, versionFolder, type ModelFolders } from './model-folders';

/** A root model as the registry found it: an .onnx with its manifest, and its PyTorch weights if any. */
export interface RootModel {
  id: string;
  source: 'shipped' | 'user';
  path: string;
  version: string;
}

const VERSION_FILE = 'version.json';
const CURRENT_FILE = 'current.json';

/** The PyTorch weights beside an .onnx (`x.onnx` → `x.pt`), which fine-tuning starts from. */
function weightsBeside(onnxPath: string): string | null {
  const pt = onnxPath.replace(/\.onnx$/i, '.pt');
  return existsSync(pt) ? pt : null;
}

function parseVersion(v: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [parseVersion(a), parseVersion(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

async function versionFolders(folders: ModelFolders, id: string): Promise<string[]> {
  try {
    return (await readdir(lineageFolder(folders, id), { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
}

/** A lineage's versions (oldest first, the root first) and what could not be read of it. */
export interface Lineage {
  versions: ModelVersion[];
  /** Version folders skipped, or a current.json ignored, and why: for the user, not fatal. */
  problems: string[];
}

async function readVersion(folders: ModelFolders, root: RootModel, name: string): Promise<ModelVersion | string | null> {
  if (!isModelName(name)) return `a folder named "${name}" is not a version name`;
  if (name === root.version) return `a folder repeats the root's version ${name}`;
  const dir = versionFolder(folders, root.id, name);
  if (!existsSync(join(dir, VERSION_FILE))) return null; // a reservation, or the remains of a crashed job
  const record = await readJson<VersionRecord>(join(dir, VERSION_FILE));
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return `version ${name}: its ${VERSION_FILE} is damaged`;
  const path = join(dir, 'model.onnx');
  try {
    return { id: root.id, version: name, ref: formatModelRef(root.id, name), path, weights: weightsBeside(path),
      manifest: await readManifest(path), current: false, record };
  } catch (e) {
    return `version ${name}: its model cannot be read (${(e as Error).message})`;
  }
}

export async function readLineage(folders: ModelFolders, root: RootModel): Promise<Lineage> {
  const problems: string[] = [];
  const versions: ModelVersion[] = [{
    id: root.id, version: root.version, ref: formatModelRef(root.id, root.version), path: root.path, weights: weightsBeside(root.path),
    manifest: await readManifest(root.path), current: false, record: null,
  }];
  for (const name of await versionFolders(folders, root.id)) {
    const version = await readVersion(folders, root, name);
    if (typeof version === 'string') problems.push(`${root.id}: ${version}; it is skipped.`);
    else if (version) versions.push(version);
  }
  versions.sort((a, b) => compareVersions(a.version, b.version));
  const named = (await readJson<{ version?: unknown }>(join(lineageFolder(folders, root.id), CURRENT_FILE)))?.version;
  const current = versions.find((v) => v.version === named) ?? versions[0];
  if (named !== undefined && current.version !== named) {
    problems.push(`${root.id}: ${CURRENT_FILE} names ${JSON.stringify(named)}, which is not a readable version; ${current.ref} is used.`);
  }
  current.current = true;
  return { versions, problems };
}

/** Every version of a lineage, oldest first; the root comes first. */
export async function listVersions(folders: ModelFolders, root: RootModel): Promise<ModelVersion[]> {
  return (await readLineage(folders, root)).versions;
}

/** The name of the current version, or the root's when none was promoted. */
export async function currentVersionName(folders: ModelFolders, root: RootModel): Promise<string> {
  return (await listVersions(folders, root)).find((v) => v.current)!.version;
}

/**
 * Reserves the next version number of a lineage (one minor step above every number used so far)
 * by creating its folder; two jobs racing for a number get different ones.
 */
export async function reserveVersion(folders: ModelFolders, root: RootModel): Promise<{ version: string; dir: string }> {
  const lineage = lineageFolder(folders, root.id);
  await mkdir(lineage, { recursive: true });
  const used = [root.version, ...(await versionFolders(folders, root.id))];
  let [major, minor] = parseVersion(used.sort(compareVersions).at(-1)!);
  for (;;) {
    const version = `${major}.${++minor}.0`;
    const dir = join(lineage, version);
    try {
      await mkdir(dir);
      return { version, dir };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** Completes a reserved version: its files are in `dir`; the record is written last. */
export async function publishVersion(dir: string, record: VersionRecord): Promise<void> {
  await writeFileAtomic(join(dir, VERSION_FILE), JSON.stringify(record, null, 2));
}

export async function discardReservation(dir: string): Promise<void> {
  if (!existsSync(join(dir, VERSION_FILE))) await rm(dir, { recursive: true, force: true });
}

export async function setCurrentVersion(folders: ModelFolders, root: RootModel, version: string): Promise<void> {
  const known = (await listVersions(folders, root)).some((v) => v.version === version);
  if (!known) throw new UserError(`Model ${root.id} has no version ${version}. See \`medseg models versions ${root.id}\`.`);
  await mkdir(lineageFolder(folders, root.id), { recursive: true });
  await writeFileAtomic(join(lineageFolder(folders, root.id), CURRENT_FILE), JSON.stringify({ version }));
}
