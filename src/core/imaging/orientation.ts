// The canonical voxel order a model was trained in (manifest `input.orientation`, "LPS": voxel
// axes i, j, k towards the patient's Left, Posterior, Superior) and the exact way there and back:
// a permutation and flips of the axes, never a resampling. The twin of the trainer's
// training/medseg_training/orientation.py: the same greedy choice of the nearest axes (largest
// |cosine| first), so an oblique volume is ordered alike on both sides. It is deliberately not
// shared/anatomical-axes.ts's nearestAxes (best summed |cosine|, for the views): on strongly oblique
// matrices the two choices can differ, and inference must match what the model was trained on.
import type { PixelArray } from '../../shared/image';

/** For canonical axes x, y, z (L, P, S): the source voxel axis that becomes it and whether it runs backwards. */
export type AxisMap = { axis: number; flip: boolean }[];

/** `direction` row-major (direction[row * 3 + col]; column c is the LPS world direction of voxel axis c). */
export function canonicalAxes(direction: readonly number[]): AxisMap {
  const pairs: [number, number, number][] = [];
  for (let w = 0; w < 3; w++) for (let a = 0; a < 3; a++) pairs.push([Math.abs(direction[w * 3 + a]), w, a]);
  // Largest first; ties as Python's reverse tuple sort (larger world axis, then larger voxel axis).
  pairs.sort((p, q) => q[0] - p[0] || q[1] - p[1] || q[2] - p[2]);
  const chosen: (AxisMap[number] | undefined)[] = [undefined, undefined, undefined];
  const used = new Set<number>();
  for (const [, w, a] of pairs) {
    if (chosen[w] || used.has(a)) continue;
    chosen[w] = { axis: a, flip: direction[w * 3 + a] < 0 };
    used.add(a);
  }
  return chosen as AxisMap;
}

/** How a source grid maps onto its canonical grid. */
export interface Reorientation {
  map: AxisMap;
  sourceSize: [number, number, number];
  /** Size of the canonical volume (x, y, z). */
  size: [number, number, number];
  identity: boolean;
}

export function planReorientation(size: readonly [number, number, number], direction: readonly number[]): Reorientation {
  const map = canonicalAxes(direction);
  return {
    map, sourceSize: [size[0], size[1], size[2]],
    size: [size[map[0].axis], size[map[1].axis], size[map[2].axis]],
    identity: map.every((m, w) => m.axis === w && !m.flip),
  };
}

/** The volume kept in its own voxel order (models without `input.orientation`). */
export function identityReorientation(size: readonly [number, number, number]): Reorientation {
  return planReorientation(size, [1, 0, 0, 0, 1, 0, 0, 0, 1]);
}

/** Source voxel index of canonical voxel (0, 0, 0) and the source steps of one canonical step in x, y, z. */
function walk(r: Reorientation): { base: number; steps: [number, number, number] } {
  const [nx, ny] = r.sourceSize;
  const stride = [1, nx, nx * ny];
  let base = 0;
  const steps = r.map.map(({ axis, flip }) => {
    if (flip) base += (r.sourceSize[axis] - 1) * stride[axis];
    return flip ? -stride[axis] : stride[axis];
  }) as [number, number, number];
  return { base, steps };
}

/**
 * Calls row(canonical index, source index, source step) for each canonical row (x runs along it),
 * in canonical order; per row, not per voxel, so the callers' copy loops stay tight.
 */
function forEachRow(r: Reorientation, row: (canonical: number, source: number, step: number) => void): void {
  const { base, steps } = walk(r);
  const [cx, cy, cz] = r.size;
  for (let z = 0, o = 0; z < cz; z++) {
    for (let y = 0; y < cy; y++, o += cx) row(o, base + z * steps[2] + y * steps[1], steps[0]);
  }
}

/** Voxels (`components` interleaved) in the canonical order; the input itself when nothing moves. */
export function toCanonical<T extends PixelArray>(data: T, components: number, r: Reorientation): T {
  if (r.identity) return data;
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const cx = r.size[0];
  forEachRow(r, (o, s, step) => {
    if (components === 1) {
      for (let x = 0; x < cx; x++, s += step) out[o + x] = data[s];
    } else {
      for (let x = 0; x < cx; x++, s += step) for (let c = 0; c < components; c++) out[(o + x) * components + c] = data[s * components + c];
    }
  });
  return out;
}

/** Labels of the canonical volume back on the source grid, voxel for voxel. */
export function fromCanonical(labels: Uint8Array, r: Reorientation): Uint8Array {
  if (r.identity) return labels;
  const out = new Uint8Array(labels.length);
  const cx = r.size[0];
  forEachRow(r, (o, s, step) => {
    for (let x = 0; x < cx; x++, s += step) out[s] = labels[o + x];
  });
  return out;
}

/**
 * The canonical slices (z range, half-open) that hold the source slices [from, to): the matching
 * range when the source's k axis stays the slice axis, every slice when the volume turns (a
 * sagittal or coronal stack: each canonical axial slice cuts through all source slices).
 */
export function canonicalSliceRange(r: Reorientation, [from, to]: [number, number]): [number, number] {
  const z = r.map[2];
  if (z.axis !== 2) return [0, r.size[2]];
  return z.flip ? [r.size[2] - to, r.size[2] - from] : [from, to];
}
