// NoC of a click-guided model through the engine: the standard protocol (start empty; each click
// where core/interactive/simulated-clicker.ts says; at most 20 clicks) on every image of a 2D split,
// or on every slice of a volume split that holds the structure, each click answered by
// studio.refineSlice exactly as the editor's AI-clicks tool asks for it.
import type { SliceClick, StudioApi } from '../../src/shared/api';
import { readImage } from '../../src/core/io';
import { readMaskOnGrid } from '../../src/core/masks/evaluate-files';
import { nextClick } from '../../src/core/interactive/simulated-clicker';
import type { DatasetSplit } from '../zoo/datasets';

export const MAX_CLICKS = 20;
export const NOC_THRESHOLDS = [0.85, 0.9] as const;

function iou(pred: Uint8Array, truth: Uint8Array): number {
  let inter = 0, union = 0;
  for (let p = 0; p < truth.length; p++) {
    const a = pred[p] !== 0, b = truth[p] !== 0;
    if (a && b) inter++;
    if (a || b) union++;
  }
  return union === 0 ? 1 : inter / union;
}

/** The protocol on one slice: IoU after each click, until IoU ≥ `stopAt` or `maxClicks` clicks. */
export async function protocolOnSlice(studio: StudioApi, caseId: string, model: string, k: number, truth: Uint8Array, width: number, height: number,
  stopAt = Math.max(...NOC_THRESHOLDS), maxClicks = MAX_CLICKS) {
  let mask: Uint8Array = new Uint8Array(truth.length);
  const clicks: SliceClick[] = [];
  const ious: number[] = [];
  let seconds = 0;
  while (clicks.length < maxClicks) {
    const click = nextClick(truth, mask, width, height);
    if (!click) break;
    clicks.push(click);
    const answer = await studio.refineSlice({ caseId, model, k, clicks, mask, device: 'cpu' });
    mask = answer.mask;
    seconds += answer.seconds;
    ious.push(iou(mask, truth));
    if (ious.at(-1)! >= stopAt) break;
  }
  return { ious, seconds, clicks };
}

const clicksToReach = (ious: number[], threshold: number) => {
  const n = ious.findIndex((v) => v >= threshold);
  return n < 0 ? MAX_CLICKS : n + 1;
};

/** Mean NoC@85 / NoC@90 (and how often 20 clicks were not enough) over the split's images or liver slices. */
export async function nocOn(studio: StudioApi, model: string, split: DatasetSplit, log: (m: string) => void = () => {}) {
  const curves: number[][] = [];
  let seconds = 0, clicks = 0;
  for (const pair of split.pairs) {
    const opened = await studio.openCase({ path: pair.image });
    const image = await readImage(pair.image);
    const [width, height, depth] = image.size;
    const plane = width * height;
    const labels = await readMaskOnGrid(pair.mask, image);
    for (let k = 0; k < depth; k++) {
      const truth = Uint8Array.from(labels.subarray(k * plane, (k + 1) * plane), (v) => (split.labels ? split.labels.includes(v) : v !== 0) ? 1 : 0);
      if (!truth.includes(1)) continue;
      const run = await protocolOnSlice(studio, opened.summary.id, model, k, truth, width, height);
      curves.push(run.ious);
      seconds += run.seconds;
      clicks += run.clicks.length;
    }
    log(`${model} on ${pair.name}: ${curves.length} slice(s) so far`);
  }
  const mean = (f: (c: number[]) => number) => curves.reduce((s, c) => s + f(c), 0) / curves.length;
  return {
    model, dataset: split.ref, slices: curves.length, maxClicks: MAX_CLICKS,
    nocAt85: +mean((c) => clicksToReach(c, 0.85)).toFixed(3), nocAt90: +mean((c) => clicksToReach(c, 0.9)).toFixed(3),
    failedAt85: curves.filter((c) => clicksToReach(c, 0.85) === MAX_CLICKS && !(c.at(-1)! >= 0.85)).length,
    iouAfter1: +mean((c) => c[0] ?? 0).toFixed(4), iouAfter3: +mean((c) => c[Math.min(2, c.length - 1)] ?? 0).toFixed(4),
    engineMsPerClick: +((seconds * 1000) / clicks).toFixed(1),
  };
}
