// Turns the workspace's reviewed cases into the trainer's dataset file (medseg-finetune-dataset/1):
// each case's image as the engine decoded it (HU already applied), its mask reduced to the model's
// label, its fixed split, and a sampling weight per slice that favours the slices a human corrected.
import { join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import type { ModelManifest } from '../../shared/manifest';
import type { VolumeImage } from '../../shared/image';
import { isCorrection } from '../../shared/provenance';
import { UserError } from '../../shared/errors';
import { modelRefProblem, parseModelRef } from '../../shared/model-ref';
import { readImage, writeImage, writeLabelmap } from '../io';
import { sliceChannelsOf } from '../inference/slice-pipeline';
import type { CaseRecord, CaseStore } from '../workspace/case-store';

/** How much more often a slice with corrections (hand edits or AI clicks) is drawn than one the user accepted as proposed. */
export const HUMAN_EDITED_SLICE_WEIGHT = 3;

export interface FinetuneDataset {
  file: string;
  trainCases: string[];
  heldOutCases: string[];
  /** Slices with human edits across the training cases. */
  editedSlices: number;
}

/** Cases a model can learn from: same channel count, and proposed by this model's lineage or by none. */
export function casesForModel(cases: CaseRecord[], modelId: string): CaseRecord[] {
  // A case.json naming no valid ref (edited by hand, damaged) counts as proposed by another model.
  return cases.filter((c) => c.proposedBy === null || (modelRefProblem(c.proposedBy) === null && parseModelRef(c.proposedBy).id === modelId));
}

function sliceWeights(provenance: Uint8Array, image: VolumeImage): number[] {
  const perSlice = image.size[0] * image.size[1];
  return Array.from({ length: image.size[2] }, (_, k) =>
    provenance.subarray(k * perSlice, (k + 1) * perSlice).some(isCorrection) ? HUMAN_EDITED_SLICE_WEIGHT : 1);
}

export async function writeFinetuneDataset(dir: string, store: CaseStore, manifest: ModelManifest): Promise<FinetuneDataset> {
  if (manifest.output.labels.length !== 1 || manifest.output.activation === 'softmax') {
    throw new UserError(`${manifest.name} has several output labels; fine-tuning supports one-label (sigmoid) models.`);
  }
  const label = manifest.output.labels[0].value;
  const channels = sliceChannelsOf(manifest.input) ?? manifest.input.channels; // a 2.5D model's neighbours are the trainer's to stack
  const cases = casesForModel(await store.reviewed(), manifest.id);
  await mkdir(dir, { recursive: true });
  const entries: object[] = [];
  const trainCases: string[] = [];
  const heldOutCases: string[] = [];
  let editedSlices = 0;
  for (const record of cases) {
    let image: VolumeImage;
    try {
      image = await readImage(record.source);
    } catch (e) {
      throw new UserError(`Reviewed case ${record.name} cannot be read from ${record.source} (${(e as Error).message}); open it again or un-review it.`);
    }
    if (image.components !== channels) continue; // another kind of image (an RGB photo for a CT model)
    const work = await store.work(record.id);
    if (!work) continue;
    const mask = work.labelmap.map((v) => (v === label ? 255 : 0));
    // RGB photos travel as PNG (the trainer reads them with Pillow); everything else as NIfTI.
    const photo = image.size[2] === 1 && image.pixelType === 'uint8';
    const [imageFile, maskFile] = photo ? [`${record.id}.png`, `${record.id}-mask.png`] : [`${record.id}.nii`, `${record.id}-mask.nii`];
    await writeImage(join(dir, imageFile), image);
    await writeLabelmap(join(dir, maskFile), mask, image);
    const weights = sliceWeights(work.provenance, image);
    const split = record.split ?? 'train';
    if (split === 'train') editedSlices += weights.filter((w) => w > 1).length;
    (split === 'train' ? trainCases : heldOutCases).push(record.name);
    entries.push({ id: record.id, name: record.name, image: imageFile, mask: maskFile, split, sliceWeights: weights });
  }
  if (trainCases.length === 0 || heldOutCases.length === 0) {
    throw new UserError(`Fine-tuning ${manifest.name} needs reviewed cases both to train on and to hold out; it has ` +
      `${trainCases.length} training and ${heldOutCases.length} held-out case(s). Review at least two cases ` +
      '(the 2nd, 7th, 12th… reviewed case is held out for validation).');
  }
  const file = join(dir, 'dataset.json');
  await writeFile(file, JSON.stringify({ format: 'medseg-finetune-dataset/1', model: manifest.id, cases: entries }, null, 2));
  return { file, trainCases, heldOutCases, editedSlices };
}
