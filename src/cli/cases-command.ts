// `medseg cases …`: the workspace's cases from a terminal. Masks come in and go out by the case's
// image path (what a terminal user has at hand), through the same engine calls the app makes.
import { resolve } from 'node:path';
import type { CaseSplit, Device, StudioApi } from '../shared/api';
import { UserError } from '../shared/errors';

export interface CasesOptions {
  mask?: string;
  model?: string;
  device: Device;
  split?: CaseSplit;
  out?: string;
  notReviewed?: boolean;
  undo?: boolean;
  voxelOrder?: boolean;
  besideSource?: boolean;
  anyModality?: boolean;
}

export const CASES_USAGE = `  medseg cases [--workspace DIR]
  medseg cases add <image> --mask <mask> [--model <id>] [--any-modality] [--split train|validation] [--not-reviewed] [--workspace DIR]
  medseg cases review <case id> [--split train|validation] [--undo] [--workspace DIR]
  medseg cases mask <image> --mask <mask.nii.gz|.nrrd|.seg.nrrd> [--voxel-order] [--workspace DIR]   (becomes the case's saved labelmap)
  medseg cases export <image> [--out <mask.nii.gz>] [--beside-source] [--workspace DIR]   (default: the workspace's exports folder)`;

export interface UsageChecks {
  required: (value: string | undefined, what: string) => string;
  usage: (message: string) => Error;
}

export async function casesCommand(studio: StudioApi, positionals: string[], o: CasesOptions, { required, usage }: UsageChecks): Promise<unknown> {
  const [sub, target] = positionals;
  const image = () => resolve(required(target, 'the image file or folder'));
  switch (sub) {
    case undefined:
    case 'list':
      return studio.recentCases();
    case 'add':
      return studio.addCase({ input: image(), mask: resolve(required(o.mask, '--mask')), model: o.model, device: o.device,
        reviewed: !o.notReviewed, split: o.split, allowOtherModality: o.anyModality });
    case 'review':
      return studio.reviewCase({ caseId: required(target, 'the case id'), reviewed: !o.undo, split: o.split });
    case 'mask': {
      const mask = resolve(required(o.mask, '--mask'));
      const opened = await studio.openCase({ path: image() });
      const { labelmap: _voxels, ...loaded } = await studio.loadMask({ caseId: opened.summary.id, mask, voxelOrder: o.voxelOrder, save: true });
      return loaded;
    }
    case 'export': {
      const opened = await studio.openCase({ path: image() });
      if (!opened.labelmap) throw new UserError(`${opened.summary.name} has no saved labelmap to export yet: segment or draw it first.`);
      return studio.exportMask({ caseId: opened.summary.id, labelmap: opened.labelmap, out: o.out ? resolve(o.out) : undefined,
        besideSource: o.besideSource, labels: opened.labels });
    }
    default:
      throw usage(`unknown cases command "${sub}"`);
  }
}
