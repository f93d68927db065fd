// Overlap metrics of a predicted mask against a reference mask on the same grid.
import type { MaskMetrics } from '../../shared/api';

export interface OverlapCounts {
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
}

/** Counts voxels of `label` (any non-zero label when absent) in prediction vs truth. */
export function overlapCounts(pred: ArrayLike<number>, truth: ArrayLike<number>, label?: number): OverlapCounts {
  if (pred.length !== truth.length) {
    throw new RangeError(`masks differ in size: ${pred.length} vs ${truth.length} voxels`);
  }
  let tp = 0, fp = 0, fn = 0;
  const n = pred.length;
  if (label === undefined) {
    for (let i = 0; i < n; i++) {
      const p = pred[i] !== 0, t = truth[i] !== 0;
      if (p) { if (t) tp++; else fp++; } else if (t) fn++;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const p = pred[i] === label, t = truth[i] === label;
      if (p) { if (t) tp++; else fp++; } else if (t) fn++;
    }
  }
  return { truePositive: tp, falsePositive: fp, falseNegative: fn };
}

/** ratio, with 0/0 (both masks empty where it matters) defined as 1. */
function ratio(num: number, den: number): number {
  return den === 0 ? 1 : num / den;
}

function diceOf(c: OverlapCounts): number {
  return ratio(2 * c.truePositive, 2 * c.truePositive + c.falsePositive + c.falseNegative);
}

function iouOf(c: OverlapCounts): number {
  return ratio(c.truePositive, c.truePositive + c.falsePositive + c.falseNegative);
}

/** Of the predicted voxels, the fraction that are true (1 when nothing is predicted and nothing is true). */
function precisionOf(c: OverlapCounts): number {
  if (c.truePositive + c.falsePositive === 0) return c.falseNegative === 0 ? 1 : 0;
  return c.truePositive / (c.truePositive + c.falsePositive);
}

/** Of the true voxels, the fraction predicted (1 when nothing is true and nothing is predicted). */
function recallOf(c: OverlapCounts): number {
  if (c.truePositive + c.falseNegative === 0) return c.falsePositive === 0 ? 1 : 0;
  return c.truePositive / (c.truePositive + c.falseNegative);
}

export const dice = (pred: ArrayLike<number>, truth: ArrayLike<number>, label?: number) => diceOf(overlapCounts(pred, truth, label));
export const iou = (pred: ArrayLike<number>, truth: ArrayLike<number>, label?: number) => iouOf(overlapCounts(pred, truth, label));
export const precision = (pred: ArrayLike<number>, truth: ArrayLike<number>, label?: number) => precisionOf(overlapCounts(pred, truth, label));
export const recall = (pred: ArrayLike<number>, truth: ArrayLike<number>, label?: number) => recallOf(overlapCounts(pred, truth, label));

/** Dice, IoU, precision and recall of `label` (any non-zero when absent); empty vs empty scores 1. */
export function maskMetrics(pred: ArrayLike<number>, truth: ArrayLike<number>, label?: number): MaskMetrics {
  return metricsOf(overlapCounts(pred, truth, label));
}

export function metricsOf(c: OverlapCounts): MaskMetrics {
  return { dice: diceOf(c), iou: iouOf(c), precision: precisionOf(c), recall: recallOf(c) };
}

/** Counts of several cases pooled, so large cases weigh by their voxels (as the trainer's validation does). */
export function addCounts(a: OverlapCounts, b: OverlapCounts): OverlapCounts {
  return { truePositive: a.truePositive + b.truePositive, falsePositive: a.falsePositive + b.falsePositive, falseNegative: a.falseNegative + b.falseNegative };
}
