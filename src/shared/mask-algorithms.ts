// The mask algorithms the engine and the editor share (issue 11: one home for them): connected
// components of one label (6-connected: faces), the largest component kept per label (the models'
// post-processing, the editor's clean-up), the labels present and voxels per label. Labelmaps are
// Uint8Array, i fastest, then j, then k. Pure and memory-frugal (one bit per voxel plus one int per
// voxel of the label), so they run on full CT volumes in the page as in the engine.
// The Python trainer keeps its own (scipy.ndimage in training/medseg_training/metrics.py): it cannot
// import TypeScript; both use 6-connectivity, so evaluation there matches post-processing here.
import type { LabelDefinition } from './manifest';

export interface LabelComponents {
  /** Voxel indices grouped by component: component c is order[starts[c] .. starts[c] + sizes[c]). */
  order: Int32Array;
  starts: number[];
  sizes: number[];
}

type Size = readonly [number, number, number];

/** Voxel indices in visiting order; grows when it must (labelComponents sizes it exactly). */
class IndexQueue {
  data: Int32Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Int32Array(Math.max(1, capacity));
  }
  push(index: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = index;
  }
}

/** Breadth-first from `seed` over unseen voxels of `label`, appending them to `queue`. */
function growComponent(labels: Uint8Array, size: Size, label: number, seed: number, seen: Uint8Array, queue: IndexQueue): void {
  const [nx, ny, nz] = size;
  const plane = nx * ny;
  const visit = (index: number) => {
    if (labels[index] !== label || (seen[index >>> 3] & (1 << (index & 7))) !== 0) return;
    seen[index >>> 3] |= 1 << (index & 7);
    queue.push(index);
  };
  let head = queue.length;
  visit(seed);
  for (; head < queue.length; head++) {
    const index = queue.data[head];
    const i = index % nx, rest = (index - i) / nx, j = rest % ny, k = (rest - j) / ny;
    if (i > 0) visit(index - 1);
    if (i < nx - 1) visit(index + 1);
    if (j > 0) visit(index - nx);
    if (j < ny - 1) visit(index + nx);
    if (k > 0) visit(index - plane);
    if (k < nz - 1) visit(index + plane);
  }
}

const bitsFor = (voxels: number) => new Uint8Array(Math.ceil(voxels / 8));

/** The 6-connected components of `label` (the queue doubles as the grouped output). */
export function labelComponents(labels: Uint8Array, size: Size, label: number): LabelComponents {
  let total = 0;
  for (const l of labels) if (l === label) total++;
  const queue = new IndexQueue(total);
  const seen = bitsFor(labels.length);
  const starts: number[] = [];
  const sizes: number[] = [];
  for (let seed = 0; seed < labels.length && queue.length < total; seed++) {
    if (labels[seed] !== label || (seen[seed >>> 3] & (1 << (seed & 7))) !== 0) continue;
    const start = queue.length;
    growComponent(labels, size, label, seed, seen, queue);
    starts.push(start);
    sizes.push(queue.length - start);
  }
  return { order: queue.data.subarray(0, total), starts, sizes };
}


/**
 * The voxel indices of the component that holds voxel `seed` (its label's, 6-connected); empty
 * when the seed is background. Visits only that component, so a click on a small island is cheap.
 */
export function componentAt(labels: Uint8Array, size: Size, seed: number): Int32Array {
  if (labels[seed] === 0) return new Int32Array(0);
  const queue = new IndexQueue(1024);
  growComponent(labels, size, labels[seed], seed, bitsFor(labels.length), queue);
  return queue.data.slice(0, queue.length);
}

/** The index of the largest component (the first in memory order among equals); -1 when there is none. */
export function largestComponentIndex(components: LabelComponents): number {
  let largest = -1;
  components.sizes.forEach((size, c) => { if (largest < 0 || size > components.sizes[largest]) largest = c; });
  return largest;
}

/**
 * In place: keeps only the largest component of each of `labels` (every label present when absent);
 * the other voxels of that label become 0.
 */
export function keepLargestComponentPerLabel(labelmap: Uint8Array, size: Size, labels: readonly number[] = presentLabels(labelmap)): Uint8Array {
  for (const label of labels) {
    const components = labelComponents(labelmap, size, label);
    const largest = largestComponentIndex(components);
    for (let c = 0; c < components.sizes.length; c++) {
      if (c === largest) continue;
      const end = components.starts[c] + components.sizes[c];
      for (let n = components.starts[c]; n < end; n++) labelmap[components.order[n]] = 0;
    }
  }
  return labelmap;
}

/** Voxels per label value (index 0..255) in one pass. */
export function labelHistogram(labelmap: Uint8Array): Float64Array {
  const histogram = new Float64Array(256);
  for (let v = 0; v < labelmap.length; v++) histogram[labelmap[v]]++;
  return histogram;
}

/** The non-zero values that occur in the labelmap, ascending. */
export function presentLabels(labelmap: Uint8Array): number[] {
  const histogram = labelHistogram(labelmap);
  const out: number[] = [];
  for (let l = 1; l < 256; l++) if (histogram[l] > 0) out.push(l);
  return out;
}

/** Voxel count per label name (labels absent from the mask count 0). */
export function countLabels(labelmap: Uint8Array, labels: readonly LabelDefinition[]): Record<string, number> {
  const histogram = labelHistogram(labelmap);
  return Object.fromEntries(labels.map((l) => [l.name, histogram[l.value]]));
}
