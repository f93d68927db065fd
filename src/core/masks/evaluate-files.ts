// Evaluates masks against truths: one pair, or two folders matched by file name without extension.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FolderMetrics, MaskMetrics } from '../../shared/api';
import type { Geometry } from '../../shared/image';
import { UserError } from '../../shared/errors';
import { readImage, readFormatOf } from '../io';
import { labelsOnGrid } from '../imaging/resample-labels';
import { maskMetrics } from './metrics';
import { isDicomSeg, readDicomSegOnGrid } from '../dicom-seg/seg-read';

/** Masks saved as JPEG (as some datasets do) are not exact labels: any value ≥ 128 counts as foreground. */
const JPEG_MASK_THRESHOLD = 128;

async function readMask(path: string) {
  const image = await readImage(path);
  if (image.components !== 1) {
    // Greyscale masks saved as RGB: take the first channel.
    const first = new Uint8Array(image.data.length / image.components);
    for (let v = 0; v < first.length; v++) first[v] = Number(image.data[v * image.components]);
    return { ...image, components: 1, data: first };
  }
  return image;
}

export function binarisedIfJpeg(path: string, data: ArrayLike<number>): ArrayLike<number> {
  if (readFormatOf(path)?.format !== 'jpeg') return data;
  return Uint8Array.from(data as ArrayLike<number>, (v) => (v >= JPEG_MASK_THRESHOLD ? 1 : 0));
}

/** A mask file's labels on `grid` (JPEG masks binarised to label 1, other grids resampled; DICOM SEG laid onto it). */
export async function readMaskOnGrid(path: string, grid: Geometry): Promise<Uint8Array> {
  if (isDicomSeg(path)) return (await readDicomSegOnGrid(path, grid)).labelmap;
  const mask = await readMask(path);
  return Uint8Array.from(binarisedIfJpeg(path, labelsOnGrid(mask, grid)));
}

const isJpeg = (path: string) => readFormatOf(path)?.format === 'jpeg';

/** 1 where the mask holds `value` (any non-zero value when absent), else 0. */
function foreground(data: ArrayLike<number>, value?: number): Uint8Array {
  return Uint8Array.from(data as ArrayLike<number>, (v) => ((value === undefined ? v !== 0 : v === value) ? 1 : 0));
}

/**
 * Metrics of `label` in the prediction (any non-zero when absent) against `truthLabel` in the truth
 * (default: the same label), so a one-label prediction can be scored on a multi-organ truth.
 */
export async function evaluatePair(pred: string, truth: string, label?: number, truthLabel?: number, voxelOrder = false): Promise<MaskMetrics> {
  const [p, t] = await Promise.all([readMask(pred), readMask(truth)]);
  if (voxelOrder && !t.size.every((n, i) => n === p.size[i])) {
    throw new UserError(`Cannot compare voxel by voxel: the prediction is ${p.size.join('×')} voxels, the truth ${t.size.join('×')}.`);
  }
  const predicted = foreground(binarisedIfJpeg(pred, p.data), isJpeg(pred) ? undefined : label);
  let onGrid: ArrayLike<number>;
  try {
    onGrid = voxelOrder ? t.data : labelsOnGrid(t, p);
  } catch (e) {
    const sameSize = t.size.every((n, i) => n === p.size[i]);
    throw sameSize ? new UserError(`${(e as Error).message} If the truth's voxels follow the image but its header does not, compare voxel by voxel (--voxel-order).`) : e;
  }
  const expected = foreground(binarisedIfJpeg(truth, onGrid), isJpeg(truth) ? undefined : truthLabel ?? label);
  return maskMetrics(predicted, expected, 1);
}

const stem = (f: string) => f.replace(/(\.nii\.gz|\.[A-Za-z0-9]+)$/, '');

async function masksIn(dir: string): Promise<Map<string, string>> {
  const files = (await readdir(dir).catch(() => { throw new UserError(`No such folder: ${dir}`); })).filter((f) => readFormatOf(f));
  return new Map(files.map((f) => [stem(f), join(dir, f)]));
}

export async function evaluateFolders(predDir: string, truthDir: string, label?: number, truthLabel?: number, voxelOrder = false): Promise<FolderMetrics> {
  const [preds, truths] = await Promise.all([masksIn(predDir), masksIn(truthDir)]);
  const names = [...preds.keys()].filter((n) => truths.has(n)).sort();
  if (names.length === 0) throw new UserError(`No masks with matching names in ${predDir} and ${truthDir}.`);
  const cases: FolderMetrics['cases'] = [];
  for (const name of names) cases.push({ name, ...(await evaluatePair(preds.get(name)!, truths.get(name)!, label, truthLabel, voxelOrder)) });
  const meanOf = (k: keyof MaskMetrics) => cases.reduce((sum, c) => sum + c[k], 0) / cases.length;
  const unmatched = [...preds.keys(), ...truths.keys()].filter((n) => !(preds.has(n) && truths.has(n)));
  return { cases, mean: { dice: meanOf('dice'), iou: meanOf('iou'), precision: meanOf('precision'), recall: meanOf('recall') }, unmatched: [...new Set(unmatched)].sort() };
}
