// Connected components of one label in a labelmap (i fastest, then j, then k), 6-connected (faces).
// Pure and memory-frugal (one bit per voxel plus one int per voxel of the label), so it runs on full
// CT volumes in the page as in the engine. Moved here from the renderer's editor so core can use the
// same one (issue 11: one home for the mask algorithms).

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
