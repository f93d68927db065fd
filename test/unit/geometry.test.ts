import { describe, expect, test } from 'vitest';
import { geometryDifference, indexToWorld, sameGeometry, sameVoxelCentres, worldToIndex } from '../../src/shared/geometry';
import type { Geometry } from '../../src/shared/image';

// A rotation of 30° about z with anisotropic spacing and an offset origin.
const c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
const oblique: Geometry = {
  size: [10, 20, 5],
  spacing: [0.7, 0.5, 2.5],
  origin: [-100, 50, 12.5],
  direction: [c, -s, 0, s, c, 0, 0, 0, 1],
};

describe('geometry', () => {
  test('index (0,0,0) is the origin and steps follow the direction columns scaled by spacing', () => {
    expect(indexToWorld(oblique, [0, 0, 0])).toEqual([-100, 50, 12.5]);
    const p = indexToWorld(oblique, [1, 0, 0]);
    expect(p[0]).toBeCloseTo(-100 + 0.7 * c, 12);
    expect(p[1]).toBeCloseTo(50 + 0.7 * s, 12);
    const q = indexToWorld(oblique, [0, 1, 2]);
    expect(q[0]).toBeCloseTo(-100 - 0.5 * s, 12);
    expect(q[2]).toBeCloseTo(12.5 + 5, 12);
  });

  test('worldToIndex inverts indexToWorld', () => {
    const index: [number, number, number] = [3.25, 7.5, 1.75];
    const back = worldToIndex(oblique, indexToWorld(oblique, index));
    back.forEach((v, i) => expect(v).toBeCloseTo(index[i], 10));
  });

  test('sameGeometry tolerates float32 rounding but not real differences', () => {
    const f32 = { ...oblique, spacing: oblique.spacing.map((v) => Math.fround(v)) as Geometry['spacing'] };
    expect(sameGeometry(oblique, f32)).toBe(true);
    expect(sameGeometry(oblique, { ...oblique, origin: [-100, 50, 12.6] })).toBe(false);
    expect(sameGeometry(oblique, { ...oblique, size: [10, 20, 6] })).toBe(false);
    expect(geometryDifference(oblique, { ...oblique, size: [1, 1, 1] })).toBe(Infinity);
    expect(geometryDifference(oblique, { ...oblique, origin: [-100, 50.25, 12.5] })).toBeCloseTo(0.25);
  });
});

test('sameVoxelCentres: the same lattice in another axis order or direction, and nothing else', () => {
  const lps = { size: [4, 3, 2] as [number, number, number], spacing: [0.5, 0.7, 2] as [number, number, number], origin: [10, 20, 30] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
  // i and j flipped (a RAS-ordered copy): the first voxel is lps's last along i and j.
  const ras = { ...lps, origin: [11.5, 21.4, 30] as [number, number, number], direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1] };
  // i and j swapped.
  const swapped = { size: [3, 4, 2] as [number, number, number], spacing: [0.7, 0.5, 2] as [number, number, number], origin: lps.origin, direction: [0, 1, 0, 1, 0, 0, 0, 0, 1] };
  expect(sameVoxelCentres(lps, ras)).toBe(true);
  expect(sameVoxelCentres(ras, lps)).toBe(true);
  expect(sameVoxelCentres(lps, swapped)).toBe(true);
  expect(sameVoxelCentres(lps, { ...lps, origin: [10.25, 20, 30] })).toBe(false); // half a voxel off
  expect(sameVoxelCentres(lps, { ...lps, spacing: [0.5, 0.7, 1] })).toBe(false);
  expect(sameVoxelCentres(lps, { ...ras, origin: [11, 21.4, 30] })).toBe(false); // flipped but not covering the same voxels
});
