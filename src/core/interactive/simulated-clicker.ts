// The simulated user of the standard interactive-segmentation protocol (NoC), engine side: each
// click goes to the largest error region (4-connected; a missed region before an extra one of the
// same size, then the first in raster order), at its pixel farthest from the region's border (the
// slice's edge counts as border; ties: first in raster order). The trainer's clicker
// (training/medseg_training/interactive/clicker.py) follows the same rules; the fixture
// test/fixtures/click-encoding.json holds cases both test suites check.
import type { SliceClick } from '../../shared/api';
import { squaredDistanceTransform2D } from '../../shared/distance-transform';
import { labelComponents, largestComponentIndex } from '../../shared/mask-algorithms';

/** The largest 4-connected region where `errors` is 1: its pixels (1) or null when there is none. */
function largestRegion(errors: Uint8Array, width: number, height: number): { region: Uint8Array; size: number } | null {
  const components = labelComponents(errors, [width, height, 1], 1);
  const best = largestComponentIndex(components); // the first in raster order among equals
  if (best < 0) return null;
  const region = new Uint8Array(errors.length);
  const end = components.starts[best] + components.sizes[best];
  for (let n = components.starts[best]; n < end; n++) region[components.order[n]] = 1;
  return { region, size: components.sizes[best] };
}

/** The protocol's next click on a slice (masks: non-zero = the structure), or null when nothing is wrong. */
export function nextClick(truth: Uint8Array, pred: Uint8Array, width: number, height: number): SliceClick | null {
  const missed = new Uint8Array(truth.length), extra = new Uint8Array(truth.length);
  for (let p = 0; p < truth.length; p++) {
    missed[p] = truth[p] && !pred[p] ? 1 : 0;
    extra[p] = pred[p] && !truth[p] ? 1 : 0;
  }
  const miss = largestRegion(missed, width, height);
  const more = largestRegion(extra, width, height);
  const chosen = miss && (!more || miss.size >= more.size) ? { ...miss, positive: true } : more ? { ...more, positive: false } : null;
  if (!chosen) return null;
  // Distances inside a one-pixel frame of "outside", so the slice's edge is a border too.
  const fw = width + 2, fh = height + 2;
  const framed = new Uint8Array(fw * fh);
  for (let j = 0; j < height; j++) framed.set(chosen.region.subarray(j * width, (j + 1) * width), (j + 1) * fw + 1);
  const distance = squaredDistanceTransform2D(fw, fh, (p) => framed[p] === 0);
  let best = -1, bestDistance = -1;
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const d = distance[(j + 1) * fw + i + 1];
      if (chosen.region[j * width + i] && d > bestDistance) { best = j * width + i; bestDistance = d; }
    }
  }
  return { i: best % width, j: Math.floor(best / width), positive: chosen.positive };
}
