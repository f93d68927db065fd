// Model lineages: a root model (shipped, or imported into the user's store) and the versions that
// fine-tuning made from it. Each version is an immutable folder; which one is "current" is a
// separate small file, so promoting or restoring a version never touches a model file.
//
//   <user store>/versions/<model id>/<version>/model.onnx, model.pt (weights), version.json (written last)
//   <user store>/versions/<model id>/current.json   {"version": "1.2.0"}  (absent: the root is current)
//
// A folder without version.json is a reservation of a job still running, or the remains of one
// that crashed: it is never listed, and its number is never reused.
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelVersion, VersionRecord } from '../../shared/api';
import { UserError } from '../../shared/errors';
import { readManifest } from '../inference/onnx-metadata';
import { writeFileAtomic } from '../workspace/atomic-file';
import type { ModelFolders } from './model-registry';

/** A root model as the registry found it: an .onnx with its manifest, and its PyTorch weights if any. */
export interface RootModel {
  id: string;
  source: 'shipped' | 'user';
  path: string;
  version: string;
}

const VERSION_FILE = 'version.json';
const CURRENT_FILE = 'current.json';

export const lineageFolder = (folders: ModelFolders, id: string) => join(folders.user, 'versions', id);

/** The PyTorch weights beside an .onnx (`x.onnx` → `x.pt`), which fine-tuning starts from. */
export function weightsBeside(onnxPath: string): string | null {
  const pt = onnxPath.replace(/\.onnx$/i, '.pt');
  return existsSync(pt) ? pt : null;
}

function parseVersion(v: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

export function compareVersions(a: string, b: string): number {
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

/** The name of the current version, or the root's when none was promoted. */
export async function currentVersionName(folders: ModelFolders, root: RootModel): Promise<string> {
  const current = await readJson<{ version: string }>(join(lineageFolder(folders, root.id), CURRENT_FILE));
  if (current && (current.version === root.version || existsSync(join(lineageFolder(folders, root.id), current.version, VERSION_FILE)))) {
    return current.version;
  }
  return root.version;
}

/** Every version of a lineage, oldest first; the root comes first. */
export async function listVersions(folders: ModelFolders, root: RootModel): Promise<ModelVersion[]> {
  const current = await currentVersionName(folders, root);
  const rootManifest = await readManifest(root.path);
  const versions: ModelVersion[] = [{
    id: root.id, version: root.version, ref: `${root.id}@${root.version}`, path: root.path, weights: weightsBeside(root.path),
    manifest: rootManifest, current: current === root.version, record: null,
  }];
  for (const name of await versionFolders(folders, root.id)) {
    const dir = join(lineageFolder(folders, root.id), name);
    const record = await readJson<VersionRecord>(join(dir, VERSION_FILE));
    if (!record) continue;
    const path = join(dir, 'model.onnx');
    versions.push({
      id: root.id, version: name, ref: `${root.id}@${name}`, path, weights: weightsBeside(path),
      manifest: await readManifest(path), current: current === name, record,
    });
  }
  return versions.sort((a, b) => compareVersions(a.version, b.version));
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
  const known = version === root.version || existsSync(join(lineageFolder(folders, root.id), version, VERSION_FILE));
  if (!known) throw new UserError(`Model ${root.id} has no version ${version}. See \`medseg models versions ${root.id}\`.`);
  await mkdir(lineageFolder(folders, root.id), { recursive: true });
  await writeFileAtomic(join(lineageFolder(folders, root.id), CURRENT_FILE), JSON.stringify({ version }));
}
