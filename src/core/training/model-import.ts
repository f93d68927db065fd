// Brings a model exported elsewhere into the user's store. The manifest needs only what the file
// cannot tell (imported-manifest.ts fills the rest from the graph); one that does not fit the graph is
// caught here, by the graph or by a test run on a dummy input, not at the user's first click.
import { mkdir, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ManifestDraft, ModelSummary } from '../../shared/api';
import { MANIFEST_KEY, manifestProblems, type ModelManifest } from '../../shared/manifest';
import { UserError } from '../../shared/errors';
import { embedManifest, loadModel, readManifest, readOnnxMetadata, refineWithModel, segmentVolume, type SegmentationModel } from '../inference';
import { clickGuided, type RefineJob } from '../interactive/refine-pipeline';
import { readGraphInput } from '../inference/onnx-graph-input';
import { completeManifest, manifestRequest } from './imported-manifest';
import { listRootModels } from './model-registry';
import type { ModelFolders } from './model-folders';

/** Multiples a size-free graph may need, smallest first (U-Nets: 2**depth). */
const CANDIDATE_MULTIPLES = [1, 2, 4, 8, 16, 32, 64];

interface ImportPlan {
  manifest: ModelManifest;
  /** The graph takes any size and the user gave no multiple: find it by test runs. */
  findMultiple: boolean;
}

async function planImport(file: string, given?: ManifestDraft): Promise<ImportPlan> {
  if (given) {
    const draft = completeManifest(file, given, await readGraphInput(file));
    const manifest = { ...draft, input: { ...draft.input, sizeMultiple: draft.input.sizeMultiple ?? 1 } };
    const problems = manifestProblems(manifest);
    if (problems.length) throw new UserError(`The manifest is incomplete: ${problems.join('; ')}.`);
    return { manifest, findMultiple: draft.input.sizeMultiple === undefined && manifest.input.height === undefined };
  }
  if (!(MANIFEST_KEY in (await readOnnxMetadata(file)))) throw new UserError(manifestRequest(file, await readGraphInput(file)));
  return { manifest: await readManifest(file), findMultiple: false };
}

/** A small image the manifest says the model accepts: channels as components, a size the graph takes. */
function dummyInput(m: ModelManifest, side = Math.max(m.input.sizeMultiple, 32)) {
  const [w, h] = [m.input.width ?? side, m.input.height ?? side];
  const components = m.input.channels === 3 ? 3 : 1;
  const data = new Float32Array(w * h * components).map((_, i) => (i % 97) / 97);
  return { size: [w, h, 1] as [number, number, number], spacing: [1, 1, 1] as [number, number, number], origin: [0, 0, 0] as [number, number, number],
    direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], components, pixelType: 'float32' as const, data, modality: m.modality };
}

/** One click in the middle of a dummy slice (and its neighbours), as the AI-clicks tool would send it. */
function dummyClickJob(m: ModelManifest): RefineJob {
  const { imageChannels, adjacentSlices, net } = clickGuided(m);
  const count = 1 + 2 * adjacentSlices;
  const components = imageChannels / count;
  const data = new Float32Array(net.width * net.height * imageChannels).map((_, i) => (i % 97) / 97);
  return { slice: { data, width: net.width, height: net.height, count, components }, current: new Uint8Array(net.width * net.height),
    clicks: [{ i: net.width >> 1, j: net.height >> 1, positive: true }], label: 1 };
}

/**
 * The smallest multiple the graph's height and width must have: a side of m × (an odd number) runs
 * exactly when the needed multiple (a power of two, as in every U-Net) divides m.
 */
async function findSizeMultiple(model: SegmentationModel, manifest: ModelManifest): Promise<number> {
  let failure: unknown;
  for (const multiple of CANDIDATE_MULTIPLES) {
    const odd = Math.max(1, Math.ceil(64 / multiple)) | 1;
    try {
      await segmentVolume(model, dummyInput(manifest, multiple * odd));
      return multiple;
    } catch (e) {
      failure = e;
    }
  }
  throw failure;
}

/** Embeds the manifest into `staging` and checks the model runs on what it describes; returns the manifest used. */
async function stageAndTest(file: string, staging: string, plan: ImportPlan): Promise<ModelManifest> {
  let manifest = plan.manifest;
  await embedManifest(file, manifest, staging);
  const model = await loadModel(staging, { device: 'cpu' });
  try {
    if (plan.findMultiple) {
      manifest = { ...manifest, input: { ...manifest.input, sizeMultiple: await findSizeMultiple(model, manifest) } };
      await embedManifest(file, manifest, staging);
    } else if (manifest.interaction) {
      await refineWithModel(model, dummyClickJob(manifest)); // a click-guided model never segments on its own
    } else {
      await segmentVolume(model, dummyInput(manifest));
    }
  } finally {
    await model.close();
  }
  return manifest;
}

export async function importModel(folders: ModelFolders, file: string, given?: ManifestDraft): Promise<ModelSummary> {
  if (!existsSync(file)) throw new UserError(`No such model file: ${file}`);
  const plan = await planImport(file, given);
  const { id } = plan.manifest;
  if (!/^[A-Za-z0-9][\w.-]*$/.test(id)) throw new UserError(`The model id "${id}" must be letters, digits, '.', '_' or '-'.`);
  const shipped = (await listRootModels({ ...folders, user: '' })).find((m) => m.id === id && m.source === 'shipped');
  if (shipped) throw new UserError(`A shipped model already has the id "${id}": give the imported one another id.`);

  await mkdir(folders.user, { recursive: true });
  const dest = join(folders.user, `${id}.onnx`);
  const staging = `${dest}.importing`;
  let manifest: ModelManifest;
  try {
    manifest = await stageAndTest(file, staging, plan);
  } catch (e) {
    await rm(staging, { force: true });
    const m = plan.manifest.input;
    throw new UserError(`The model does not run on the input its manifest describes (${m.channels} channel(s), ` +
      `${m.height ?? 'any'}×${m.width ?? 'any'}${plan.findMultiple ? ', any multiple up to 64' : ''}): ${(e as Error).message.split('\n')[0]}`);
  }
  await rename(staging, dest);
  return { id: manifest.id, source: 'user', path: dest, manifest, weights: null, versions: 1 };
}
