// Brings a model exported elsewhere into the user's store. A manifest that does not fit the graph
// (wrong channel count, wrong input size) is caught here by a test run on a dummy input, not at the
// user's first click.
import { mkdir, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSummary } from '../../shared/api';
import type { ModelManifest } from '../../shared/manifest';
import { manifestProblems } from '../../shared/manifest';
import { UserError } from '../../shared/errors';
import { embedManifest, loadModel, readManifest, segmentVolume } from '../inference';
import { listRootModels, type ModelFolders } from './model-registry';

const NEEDED_FIELDS = 'id, name, version, architecture, input (channels, sizeMultiple, height/width), preprocessing (scale, mean, std, optional window), output (activation, threshold, labels)';

async function manifestFor(file: string, given?: ModelManifest): Promise<ModelManifest> {
  if (given) {
    const problems = manifestProblems(given);
    if (problems.length) throw new UserError(`The manifest is incomplete: ${problems.join('; ')}.`);
    return given;
  }
  try {
    return await readManifest(file);
  } catch (e) {
    throw new UserError(`${(e as Error).message.replace(/\.$/, '')}. Give one with --manifest m.json; it needs: ${NEEDED_FIELDS}.`);
  }
}

/** A small image the manifest says the model accepts: channels as components, a size the graph takes. */
function dummyInput(m: ModelManifest) {
  const side = Math.max(m.input.sizeMultiple, 32);
  const [w, h] = [m.input.width ?? side, m.input.height ?? side];
  const components = m.input.channels === 3 ? 3 : 1;
  const data = new Float32Array(w * h * components).map((_, i) => (i % 97) / 97);
  return { size: [w, h, 1] as [number, number, number], spacing: [1, 1, 1] as [number, number, number], origin: [0, 0, 0] as [number, number, number],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], components, pixelType: 'float32' as const, data, modality: m.modality };
}

export async function importModel(folders: ModelFolders, file: string, given?: ModelManifest): Promise<ModelSummary> {
  if (!existsSync(file)) throw new UserError(`No such model file: ${file}`);
  const manifest = await manifestFor(file, given);
  if (!/^[A-Za-z0-9][\w.-]*$/.test(manifest.id)) throw new UserError(`The model id "${manifest.id}" must be letters, digits, '.', '_' or '-'.`);
  const shipped = (await listRootModels({ ...folders, user: '' })).find((m) => m.id === manifest.id && m.source === 'shipped');
  if (shipped) throw new UserError(`A shipped model already has the id "${manifest.id}": give the imported one another id.`);

  await mkdir(folders.user, { recursive: true });
  const dest = join(folders.user, `${manifest.id}.onnx`);
  const staging = `${dest}.importing`;
  await embedManifest(file, manifest, staging);
  try {
    const model = await loadModel(staging, { device: 'cpu' });
    try {
      await segmentVolume(model, dummyInput(manifest));
    } finally {
      await model.close();
    }
  } catch (e) {
    await rm(staging, { force: true });
    throw new UserError(`The model does not run on the input its manifest describes (${manifest.input.channels} channel(s), ` +
      `${manifest.input.height ?? 'any'}×${manifest.input.width ?? 'any'}): ${(e as Error).message.split('\n')[0]}`);
  }
  await rename(staging, dest);
  return { id: manifest.id, source: 'user', path: dest, manifest, weights: null, versions: 1 };
}
