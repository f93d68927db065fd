// Finds installed models: shipped ones in the app's models/ folder and the user's store
// (MEDSEG_HOME/models). Each .onnx file carries its own manifest.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelSummary } from '../../shared/api';
import { UserError } from '../../shared/errors';
import { readManifest } from '../inference/onnx-metadata';

export interface ModelFolders {
  shipped: string;
  user: string;
}

async function onnxFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.onnx')).sort().map((f) => join(dir, f));
  } catch {
    return [];
  }
}

export async function listModels(folders: ModelFolders): Promise<ModelSummary[]> {
  const found: ModelSummary[] = [];
  for (const [source, dir] of [['shipped', folders.shipped], ['user', folders.user]] as const) {
    for (const path of await onnxFiles(dir)) {
      try {
        const manifest = await readManifest(path);
        found.push({ id: manifest.id, source, path, manifest });
      } catch {
        // A model file without a valid manifest is not offered; `medseg models import` explains why.
      }
    }
  }
  return found;
}

export async function findModel(folders: ModelFolders, id: string): Promise<ModelSummary> {
  const models = await listModels(folders);
  const model = models.find((m) => m.id === id) ?? models.find((m) => m.path === id);
  if (!model) {
    const known = models.map((m) => m.id).join(', ') || 'none installed';
    throw new UserError(`Unknown model "${id}". Installed models: ${known}.`);
  }
  return model;
}
