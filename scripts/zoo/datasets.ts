// The real datasets in ../shared/data, by name and split, as lists of image/mask pairs. Training
// (scripts/zoo/train-model.ts) and evaluation (scripts/eval.ts) both take their splits from here,
// so the cases a model is measured on are never the ones it was trained or selected on.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../../src/core/paths';

export const SHARED_DATA = join(appRoot(), '..', 'shared', 'data');

export interface Pair {
  name: string;
  image: string;
  mask: string;
  /** The mask's voxels lie on the image's grid as stored, but its header geometry is not the image's. */
  maskHeaderWrong?: boolean;
}

export interface DatasetSplit {
  /** "kvasir:test", "totalseg-liver", … */
  ref: string;
  pairs: Pair[];
  /** Mask values that count as the structure (absent: any non-zero; JPEG masks are thresholded at 128). */
  labels?: number[];
  /** 2D image folders (one image per case) or volumes (one case per volume). */
  kind: '2d' | 'volume';
}

const stem = (file: string) => file.replace(/\.[^.]+$/, '');

function folderPairs(images: string, masks: string, keep: (name: string) => boolean = () => true): Pair[] {
  const maskFiles = new Map(readdirSync(masks).map((f) => [stem(f), f]));
  return readdirSync(images).sort().filter((f) => keep(stem(f)) && maskFiles.has(stem(f)))
    .map((f) => ({ name: stem(f), image: join(images, f), mask: join(masks, maskFiles.get(stem(f))!) }));
}

/** DSB2018 has no official split: 20 % of the images, chosen by a hash of the file name, are the test set. */
export function nucleiTestCase(name: string): boolean {
  return createHash('sha256').update(name).digest()[0] < 0.2 * 256;
}

const IRCADB_P01: Pair = {
  // The label NIfTI has an identity-like affine at origin 0; its voxels follow the DICOM series' order.
  name: '3dircadb-p01', image: join(SHARED_DATA, '3dircadb-p01', 'ct-dicom'),
  mask: join(SHARED_DATA, '3dircadb-p01', 'label_liver1_tumour2.nii.gz'), maskHeaderWrong: true,
};
const IRCADB_P17: Pair = {
  // This label NIfTI is written on the series' own grid (its RAS affine is the DICOM geometry).
  name: '3dircadb-p17', image: join(SHARED_DATA, '3dircadb-p17', 'ct-dicom'),
  mask: join(SHARED_DATA, '3dircadb-p17', 'label_liver1_tumour2.nii.gz'),
};

const SPLITS: Record<string, () => Omit<DatasetSplit, 'ref'>> = {
  ...Object.fromEntries(['train', 'val', 'test'].map((split) => [`kvasir:${split}`, () => {
    const dir = join(SHARED_DATA, 'kvasir-seg');
    const ids = new Set<string>(JSON.parse(readFileSync(join(dir, 'split.json'), 'utf8'))[split]);
    return { kind: '2d' as const, pairs: folderPairs(join(dir, 'images'), join(dir, 'masks'), (n) => ids.has(n)) };
  }])),
  ...Object.fromEntries(['train', 'test'].map((split) => [`covid:${split}`, () => {
    const dir = join(SHARED_DATA, 'covid19-ct-infection', split);
    return { kind: '2d' as const, pairs: folderPairs(join(dir, 'Imgs'), join(dir, 'GT')) };
  }])),
  ...Object.fromEntries(['train', 'test'].map((split) => [`nuclei:${split}`, () => {
    const dir = join(SHARED_DATA, 'dsb2018-nuclei');
    return { kind: '2d' as const, pairs: folderPairs(join(dir, 'images'), join(dir, 'masks'), (n) => nucleiTestCase(n) === (split === 'test')) };
  }])),
  // Liver and the tumours inside it (labels 1, 2), per 3D-IRCADb patient and both together.
  'ircadb-p01': () => ({ kind: 'volume', labels: [1, 2], pairs: [IRCADB_P01] }),
  'ircadb-p17': () => ({ kind: 'volume', labels: [1, 2], pairs: [IRCADB_P17] }),
  'ircadb-liver': () => ({ kind: 'volume', labels: [1, 2], pairs: [IRCADB_P01, IRCADB_P17] }),
  'totalseg-liver': () => ({
    kind: 'volume', labels: [5],
    pairs: [{ name: 'example_ct_sm', image: join(SHARED_DATA, 'totalseg-example', 'example_ct_sm.nii.gz'), mask: join(SHARED_DATA, 'totalseg-example', 'example_seg.nii.gz') }],
  }),
};

export const DATASET_REFS = Object.keys(SPLITS);

/** Licence terms by dataset family (the part of a ref before ":"), for the model cards. */
export const DATA_LICENCES: Record<string, string> = {
  kvasir: 'Kvasir-SEG (Simula): research and educational use only, cite Jha et al. 2020',
  covid: 'COVID-19 CT infection set: non-commercial use only',
  nuclei: 'DSB2018 nuclei (BBBC038): CC0',
  'ircadb-liver': '3D-IRCADb-01 (IRCAD): CC BY-NC-ND 4.0',
  'ircadb-p01': '3D-IRCADb-01 (IRCAD): CC BY-NC-ND 4.0',
  'ircadb-p17': '3D-IRCADb-01 (IRCAD): CC BY-NC-ND 4.0',
  'totalseg-liver': 'TotalSegmentator test files: Apache-2.0 (labels are a model\'s output, not manual truth)',
  'rectal-mri': 'rectal T2 MRI with tumour masks: MIT',
};

export function hasSharedData(): boolean {
  return existsSync(SHARED_DATA);
}

export function dataset(ref: string): DatasetSplit {
  const make = SPLITS[ref];
  if (!make) throw new Error(`unknown dataset ${ref}; known: ${DATASET_REFS.join(', ')}`);
  return { ref, ...make() };
}

/**
 * A 2D split as two folders of links (images/, masks/), which the trainer pairs by file stem;
 * a volume split as its files. Returns the trainer's IMAGE MASK arguments.
 */
export function trainerPairs(split: DatasetSplit, workDir: string): [string, string][] {
  if (split.kind === 'volume') return split.pairs.map((p) => [p.image, p.mask]);
  const dir = join(workDir, split.ref.replace(':', '-'));
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ['images', 'masks']) mkdirSync(join(dir, sub), { recursive: true });
  for (const p of split.pairs) {
    symlinkSync(p.image, join(dir, 'images', p.image.split('/').pop()!));
    symlinkSync(p.mask, join(dir, 'masks', p.mask.split('/').pop()!));
  }
  return [[join(dir, 'images'), join(dir, 'masks')]];
}
