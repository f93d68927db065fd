// The click encoding medseg-clicks/1, engine side. The specification is the docstring of
// training/medseg_training/interactive/click_encoding.py (the trainer builds its inputs with it);
// test/fixtures/click-encoding.json, written by the trainer, proves both sides compute the same maps.
// Slices are planar [C, H, W] float32 (i fastest within a row), masks H × W bytes.
import type { SliceClick } from '../../shared/api';
import type { InteractionManifest } from '../../shared/manifest';
import { resizeBilinear } from '../imaging/bilinear-resize';

export interface FocusBox {
  x0: number;
  y0: number;
  width: number;
  height: number;
}

export interface NetworkSize {
  height: number;
  width: number;
}

/** Start of a window of `extent` pixels centred on the inclusive span lo..hi, kept inside `length`. */
function span(lo: number, hi: number, extent: number, length: number): number {
  const start = Math.floor((lo + hi + 1) / 2 - extent / 2 + 0.5);
  return Math.min(Math.max(start, 0), length - extent);
}

/** Step 1: the whole slice while `previous` is empty, else a square around it and the clicks. */
export function focusBox(
  previous: Uint8Array, width: number, height: number, clicks: readonly SliceClick[], focus: InteractionManifest['focus'],
): FocusBox {
  let a = width, b = -1, c = height, d = -1;
  for (let j = 0, p = 0; j < height; j++) {
    for (let i = 0; i < width; i++, p++) {
      if (!previous[p]) continue;
      if (i < a) a = i;
      if (i > b) b = i;
      if (j < c) c = j;
      d = j;
    }
  }
  if (b < 0) return { x0: 0, y0: 0, width, height };
  for (const click of clicks) {
    a = Math.min(a, click.i); b = Math.max(b, click.i);
    c = Math.min(c, click.j); d = Math.max(d, click.j);
  }
  const side = Math.max(Math.ceil(Math.max(b - a + 1, d - c + 1) * focus.expand), Math.ceil(focus.minFraction * Math.max(width, height)));
  const bw = Math.min(width, side), bh = Math.min(height, side);
  return { x0: span(a, b, bw, width), y0: span(c, d, bh, height), width: bw, height: bh };
}

/** Step 2's click planes: 1 inside a disk of `radius` network pixels around each click of that sign. */
function clickDisks(
  clicks: readonly SliceClick[], box: FocusBox, net: NetworkSize, radius: number,
  positive: Float32Array, negative: Float32Array,
): void {
  positive.fill(0);
  negative.fill(0);
  const r2 = radius * radius;
  for (const click of clicks) {
    const u = (click.i + 0.5 - box.x0) * net.width / box.width - 0.5;
    const v = (click.j + 0.5 - box.y0) * net.height / box.height - 0.5;
    const plane = click.positive ? positive : negative;
    // One pixel of slack: rounding in u ± radius must not drop a pixel exactly on the rim.
    const y0 = Math.max(0, Math.ceil(v - radius) - 1), y1 = Math.min(net.height - 1, Math.floor(v + radius) + 1);
    const x0 = Math.max(0, Math.ceil(u - radius) - 1), x1 = Math.min(net.width - 1, Math.floor(u + radius) + 1);
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        if ((x - u) ** 2 + (y - v) ** 2 <= r2) plane[y * net.width + x] = 1;
      }
    }
  }
}

/** `channels` planes of `width` columns cut to `box`, as planar [channels, box.height, box.width]. */
function cropPlanes(planes: Float32Array, channels: number, width: number, height: number, box: FocusBox): Float32Array {
  const out = new Float32Array(channels * box.width * box.height);
  for (let c = 0, o = 0; c < channels; c++) {
    for (let y = 0; y < box.height; y++, o += box.width) {
      const from = c * width * height + (box.y0 + y) * width + box.x0;
      out.set(planes.subarray(from, from + box.width), o);
    }
  }
  return out;
}

export interface EncodedInput {
  /** [imageChannels + prompts, net.height, net.width]. */
  input: Float32Array;
  box: FocusBox;
}

/**
 * Step 2: the network input for preprocessed image planes [channels, height, width], the slice's
 * previous mask of the edited label (0/1) and the clicks.
 */
export function encodeNetworkInput(
  image: Float32Array, channels: number, width: number, height: number, previous: Uint8Array,
  clicks: readonly SliceClick[], interaction: InteractionManifest, net: NetworkSize,
): EncodedInput {
  const box = focusBox(previous, width, height, clicks, interaction.focus);
  const plane = net.height * net.width;
  const input = new Float32Array((channels + interaction.prompts.length) * plane);
  resizeBilinear(cropPlanes(image, channels, width, height, box), channels, box.height, box.width, net.height, net.width, input);
  const prior = new Float32Array(box.width * box.height);
  for (let y = 0, o = 0; y < box.height; y++) {
    for (let x = 0, p = (box.y0 + y) * width + box.x0; x < box.width; x++, o++, p++) prior[o] = previous[p] ? 1 : 0;
  }
  const positive = new Float32Array(plane), negative = new Float32Array(plane);
  clickDisks(clicks, box, net, interaction.clicks.radius, positive, negative);
  const prompts = {
    positiveClicks: positive, negativeClicks: negative,
    previousMask: resizeBilinear(prior, 1, box.height, box.width, net.height, net.width),
  };
  interaction.prompts.forEach((name, n) => input.set(prompts[name], (channels + n) * plane));
  return { input, box };
}

/**
 * Step 3: the slice's labels after the refinement. Inside the box `label` where the probability
 * (net.height × net.width, resized back to the box) reaches `threshold`, background where the label
 * was and no longer is; voxels of other labels, and everything outside the box, as they were.
 */
export function pasteRefinement(
  current: Uint8Array, width: number, probability: Float32Array, net: NetworkSize, box: FocusBox, threshold: number, label: number,
): Uint8Array {
  const inside = resizeBilinear(probability, 1, net.height, net.width, box.height, box.width);
  const out = current.slice();
  for (let y = 0, o = 0; y < box.height; y++) {
    for (let x = 0, p = (box.y0 + y) * width + box.x0; x < box.width; x++, o++, p++) {
      if (out[p] !== 0 && out[p] !== label) continue;
      out[p] = inside[o] >= threshold ? label : 0;
    }
  }
  return out;
}
