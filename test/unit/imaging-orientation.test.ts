// Inference in the canonical orientation: any permutation and flip of the axes reaches the same
// canonical voxels, and labels come back onto the source grid exactly.
import { describe, expect, test } from 'vitest';
import { canonicalAxes, canonicalSliceRange, fromCanonical, planReorientation, toCanonical } from '../../src/core/imaging/orientation';

const SIZE: [number, number, number] = [5, 4, 3]; // canonical x (L), y (P), z (S): every axis tells apart
const canonicalValue = (x: number, y: number, z: number) => 1 + x + 10 * y + 100 * z;

/** The canonical phantom stored with voxel axis a along world axis perm[a], reversed where flips[a]. */
function stored(perm: number[], flips: boolean[]) {
  const size = perm.map((w) => SIZE[w]) as [number, number, number];
  const direction = new Array(9).fill(0);
  perm.forEach((w, a) => { direction[w * 3 + a] = flips[a] ? -1 : 1; });
  const data = new Int16Array(size[0] * size[1] * size[2] * 2); // two components, interleaved
  for (let k = 0; k < size[2]; k++) for (let j = 0; j < size[1]; j++) for (let i = 0; i < size[0]; i++) {
    const index = [i, j, k];
    const world = [0, 0, 0];
    perm.forEach((w, a) => { world[w] = flips[a] ? size[a] - 1 - index[a] : index[a]; });
    const v = i + size[0] * (j + size[1] * k);
    data[2 * v] = canonicalValue(world[0], world[1], world[2]);
    data[2 * v + 1] = -data[2 * v];
  }
  return { size, direction, data };
}

const permutations = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
const flipSets = [0, 1, 2, 3, 4, 5, 6, 7].map((b) => [!!(b & 1), !!(b & 2), !!(b & 4)]);

describe.each(permutations)('voxel axes along world axes %j', (...perm) => {
  test.each(flipSets)('flipped %j: to the canonical order and back', (...flips) => {
    const { size, direction, data } = stored(perm, flips);
    const r = planReorientation(size, direction);
    expect(r.size).toEqual(SIZE);
    const canonical = toCanonical(data, 2, r);
    for (let z = 0; z < SIZE[2]; z++) for (let y = 0; y < SIZE[1]; y++) for (let x = 0; x < SIZE[0]; x++) {
      const v = x + SIZE[0] * (y + SIZE[1] * z);
      expect(canonical[2 * v]).toBe(canonicalValue(x, y, z));
      expect(canonical[2 * v + 1]).toBe(-canonicalValue(x, y, z));
    }
    // A "segmentation" in canonical space (its own voxel id) lands on the source voxels it came from.
    const labels = Uint8Array.from({ length: SIZE[0] * SIZE[1] * SIZE[2] }, (_, v) => v + 1);
    const back = fromCanonical(labels, r);
    for (let v = 0; v < back.length; v++) {
      const value = data[2 * v] - 1;
      const [x, y, z] = [value % 10, Math.floor(value / 10) % 10, Math.floor(value / 100)];
      expect(back[v]).toBe(1 + x + SIZE[0] * (y + SIZE[1] * z));
    }
  });
});

test('a source slice range maps to the canonical slices that hold it', () => {
  expect(canonicalSliceRange(planReorientation([4, 4, 10], [-1, 0, 0, 0, -1, 0, 0, 0, 1]), [2, 5])).toEqual([2, 5]);
  expect(canonicalSliceRange(planReorientation([4, 4, 10], [1, 0, 0, 0, 1, 0, 0, 0, -1]), [2, 5])).toEqual([5, 8]);
  // A sagittal stack turns: every canonical slice cuts the source slices.
  expect(canonicalSliceRange(planReorientation([4, 10, 6], [0, 0, 1, 1, 0, 0, 0, 1, 0]), [2, 3])).toEqual([0, 10]);
});

test('oblique directions use their nearest axes, as the trainer does', () => {
  const c = Math.cos(0.3), s = Math.sin(0.3);
  expect(canonicalAxes([1, 0, 0, 0, c, -s, 0, s, c])).toEqual([{ axis: 0, flip: false }, { axis: 1, flip: false }, { axis: 2, flip: false }]);
  expect(canonicalAxes([0, 1, 0, 1, 0, 0, 0, 0, -1])).toEqual([{ axis: 1, flip: false }, { axis: 0, flip: false }, { axis: 2, flip: true }]);
});
