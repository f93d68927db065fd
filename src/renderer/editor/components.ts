// 3D connected components of one label (6-connected) and the clean-ups built on them: remove
// small islands, keep the largest component. Memory stays at one bit per voxel plus one int per
// voxel of the label, so it works on full CT volumes.
import { Provenance, type Labelmap } from './labelmap';

export interface LabelComponents {
  /** Voxel indices grouped by component: component c is order[starts[c] .. starts[c] + sizes[c]). */
  order: Int32Array;
  starts: number[];
  sizes: number[];
}

/** The 6-connected components of `label` (breadth-first; the queue doubles as the grouped output). */
export function labelComponents(labels: Uint8Array, size: readonly [number, number, number], label: number): LabelComponents {
  const [nx, ny, nz] = size;
  const plane = nx * ny;
  let total = 0;
  for (const l of labels) if (l === label) total++;
  const order = new Int32Array(total);
  const seen = new Uint8Array(Math.ceil(labels.length / 8));
  const isSeen = (index: number) => (seen[index >>> 3] & (1 << (index & 7))) !== 0;
  const markSeen = (index: number) => { seen[index >>> 3] |= 1 << (index & 7); };
  const starts: number[] = [];
  const sizes: number[] = [];
  let tail = 0;
  const visit = (index: number) => {
    if (labels[index] === label && !isSeen(index)) { markSeen(index); order[tail++] = index; }
  };
  for (let seed = 0; seed < labels.length && tail < total; seed++) {
    if (labels[seed] !== label || isSeen(seed)) continue;
    const start = tail;
    markSeen(seed);
    order[tail++] = seed;
    for (let head = start; head < tail; head++) {
      const index = order[head];
      const i = index % nx, rest = (index - i) / nx, j = rest % ny, k = (rest - j) / ny;
      if (i > 0) visit(index - 1);
      if (i < nx - 1) visit(index + 1);
      if (j > 0) visit(index - nx);
      if (j < ny - 1) visit(index + nx);
      if (k > 0) visit(index - plane);
      if (k < nz - 1) visit(index + plane);
    }
    starts.push(start);
    sizes.push(tail - start);
  }
  return { order, starts, sizes };
}

function clearComponents(labelmap: Labelmap, components: LabelComponents, drop: (c: number) => boolean): number {
  let removed = 0;
  for (let c = 0; c < components.sizes.length; c++) {
    if (!drop(c)) continue;
    const end = components.starts[c] + components.sizes[c];
    for (let n = components.starts[c]; n < end; n++) {
      if (labelmap.setAt(components.order[n], 0, Provenance.Human)) removed++;
    }
  }
  labelmap.flushChanges('edit');
  return removed;
}

/** Clears components of `label` with fewer than `minVoxels` voxels; returns the voxels cleared. */
export function removeSmallIslands(labelmap: Labelmap, label: number, minVoxels: number): number {
  const components = labelComponents(labelmap.labels, labelmap.size, label);
  return clearComponents(labelmap, components, (c) => components.sizes[c] < minVoxels);
}

/** Clears every component of `label` but the largest; returns the voxels cleared. */
export function keepLargestComponent(labelmap: Labelmap, label: number): number {
  const components = labelComponents(labelmap.labels, labelmap.size, label);
  let largest = -1;
  components.sizes.forEach((s, c) => { if (largest < 0 || s > components.sizes[largest]) largest = c; });
  return clearComponents(labelmap, components, (c) => c !== largest);
}
