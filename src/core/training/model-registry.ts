// Finds installed models: shipped ones in the app's models/ folder and the user's store
// (MEDSEG_HOME/models). Each .onnx file carries its own manifest. A model id names a lineage
// (model-versions.ts): plain "id" is its current version, "id@1.2.0" a given one (shared/model-ref.ts).
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelSummary, ModelVersion } from '../../shared/api';
import { UserError } from '../../shared/errors';
import { isModelName, parseModelRef } from '../../shared/model-ref';
import { readManifest } from '../inference/onnx-metadata';
import type { ModelFolders } from './model-folders';
import { listVersions, readLineage, type RootModel } from './model-versions';

async function onnxFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.onnx')).sort().map((f) => join(dir, f));
  } catch {
    return [];
  }
}

/** The models a user installed or the app ships, each at the version it came with. */
export async function listRootModels(folders: ModelFolders): Promise<(RootModel & Pick<ModelSummary, 'manifest'>)[]> {
  const found: (RootModel & Pick<ModelSummary, 'manifest'>)[] = [];
  for (const [source, dir] of [['shipped', folders.shipped], ['user', folders.user]] as const) {
    for (const path of await onnxFiles(dir)) {
      try {
        const manifest = await readManifest(path);
        // Its id and version name folders in the store: a model whose names could climb out is not offered.
        if (!isModelName(manifest.id) || !isModelName(manifest.version)) continue;
        found.push({ id: manifest.id, source, path, version: manifest.version, manifest });
      } catch {
        // A model file without a valid manifest is not offered; `medseg models import` explains why.
      }
    }
  }
  return found;
}

function summaryOf(root: RootModel, version: ModelVersion, versions: number, problems: string[] = []): ModelSummary {
  return { id: root.id, source: root.source, path: version.path, manifest: version.manifest, weights: version.weights, versions,
    ...(problems.length ? { problems } : {}) };
}

/** Every model at its current version. */
export async function listModels(folders: ModelFolders): Promise<ModelSummary[]> {
  const out: ModelSummary[] = [];
  for (const root of await listRootModels(folders)) {
    const { versions, problems } = await readLineage(folders, root);
    out.push(summaryOf(root, versions.find((v) => v.current)!, versions.length, problems));
  }
  return out;
}

async function findRoot(folders: ModelFolders, id: string): Promise<RootModel> {
  const roots = await listRootModels(folders);
  const root = roots.find((m) => m.id === id);
  if (!root) {
    const known = roots.map((m) => m.id).join(', ') || 'none installed';
    throw new UserError(`Unknown model "${id}". Installed models: ${known}.`);
  }
  return root;
}

/** A lineage's root and all its versions (`ref` may carry "@version"; it is ignored here). */
export async function findLineage(folders: ModelFolders, ref: string): Promise<{ root: RootModel; versions: ModelVersion[] }> {
  const root = await findRoot(folders, parseModelRef(ref).id);
  return { root, versions: await listVersions(folders, root) };
}

/** "id" → its current version; "id@version" → that version. */
export async function findModel(folders: ModelFolders, ref: string): Promise<ModelSummary> {
  const { id, version: wanted } = parseModelRef(ref);
  const root = await findRoot(folders, id);
  const versions = await listVersions(folders, root);
  const version = wanted === null ? versions.find((v) => v.current)! : versions.find((v) => v.version === wanted);
  if (!version) {
    throw new UserError(`Model ${root.id} has no version ${wanted}; it has ${versions.map((v) => v.version).join(', ')}.`);
  }
  return summaryOf(root, version, versions.length);
}
