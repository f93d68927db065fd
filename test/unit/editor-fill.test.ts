import { describe, expect, test } from 'vitest';
import { stampBrush, type BrushSettings } from '../../src/renderer/editor/brush-strategies';
import { keepLargestComponent, removeSmallIslands } from '../../src/renderer/editor/components';
import { labelComponents } from '../../src/shared/mask-algorithms';
import { distanceTransform2D, signedDistance2D } from '../../src/shared/distance-transform';
import { fillPolygon, floodFillSlice } from '../../src/renderer/editor/region-fill';
import { interpolateBetweenSlices, slicesWithLabel } from '../../src/renderer/editor/slice-interpolation';
import { LabelmapHistory } from '../../src/renderer/editor/history';
import { Labelmap } from '../../src/renderer/editor/labelmap';
import type { Geometry } from '../../src/shared/image';

const geometry = (size: [number, number, number], spacing: [number, number, number] = [1, 1, 1]): Geometry => ({
  size, spacing, origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
});

const disk = (radius: number, label = 1): BrushSettings => ({
  operation: 'paint', label, radius, radiusUnit: 'voxels', shape: 'circle', overwriteOtherLabels: true, eraseAnyLabel: false,
});

const fill = { label: 1, overwriteOtherLabels: false };

describe('polygon fill', () => {
  test('a 10x10 square fills exactly 100 voxels', () => {
    const map = new Labelmap(geometry([32, 32, 1]));
    const square = [{ u: 10, v: 10 }, { u: 20, v: 10 }, { u: 20, v: 20 }, { u: 10, v: 20 }];
    expect(fillPolygon(map, 'axial', 0, square, fill)).toBe(100);
    expect(map.get(10, 10, 0)).toBe(1);
    expect(map.get(19, 19, 0)).toBe(1);
    expect(map.get(20, 20, 0)).toBe(0);
  });

  test('a right triangle with legs of 10 fills 10+9+…+1 = 55 voxels', () => {
    const map = new Labelmap(geometry([32, 32, 1]));
    expect(fillPolygon(map, 'axial', 0, [{ u: 0, v: 0 }, { u: 10, v: 0 }, { u: 0, v: 10 }], fill)).toBe(55);
  });

  test('even-odd: a self-overlapping outline leaves its doubly covered part empty', () => {
    const map = new Labelmap(geometry([32, 32, 1]));
    // Outer square 0..20 then inner square 5..15 traced in one ring via a zero-width bridge.
    const ring = [
      { u: 0, v: 0 }, { u: 20, v: 0 }, { u: 20, v: 20 }, { u: 0, v: 20 }, { u: 0, v: 0 },
      { u: 5, v: 5 }, { u: 5, v: 15 }, { u: 15, v: 15 }, { u: 15, v: 5 }, { u: 5, v: 5 },
    ];
    expect(fillPolygon(map, 'axial', 0, ring, fill)).toBe(400 - 100);
    expect(map.get(10, 10, 0)).toBe(0);
  });

  test('without overwrite, other labels inside the polygon are kept; works on coronal slices', () => {
    const map = new Labelmap(geometry([32, 8, 32]));
    map.set(12, 3, 12, 2);
    expect(fillPolygon(map, 'coronal', 3, [{ u: 10, v: 10 }, { u: 20, v: 10 }, { u: 20, v: 20 }, { u: 10, v: 20 }], fill)).toBe(99);
    expect(map.get(12, 3, 12)).toBe(2);
    expect(map.get(15, 3, 15)).toBe(1);
  });
});

describe('flood fill', () => {
  test('fills the enclosed background region and stops at another label', () => {
    const map = new Labelmap(geometry([20, 20, 1]));
    // A ring of label 2 enclosing a 6x6 interior (u, v in 7..12).
    for (let n = 6; n <= 13; n++) { map.set(n, 6, 0, 2); map.set(n, 13, 0, 2); map.set(6, n, 0, 2); map.set(13, n, 0, 2); }
    expect(floodFillSlice(map, 'axial', 0, { u: 9, v: 9 }, { label: 1 })).toBe(36);
    expect(map.get(5, 5, 0)).toBe(0);
    expect(map.countLabel(2)).toBe(28);
  });

  test('diagonal gaps do not leak (4-connected)', () => {
    const map = new Labelmap(geometry([10, 10, 1]));
    for (let n = 0; n < 10; n++) map.set(n, n, 0, 2); // a diagonal wall
    expect(floodFillSlice(map, 'axial', 0, { u: 0, v: 9 }, { label: 1 })).toBe(45);
  });

  test('an intensity range bounds the fill', () => {
    const map = new Labelmap(geometry([20, 20, 1]));
    const image = new Uint8Array(400);
    for (let j = 0; j < 20; j++) for (let i = 0; i < 20; i++) image[i + 20 * j] = i < 5 ? 100 : 0;
    expect(floodFillSlice(map, 'axial', 0, { u: 2, v: 2 }, { label: 1, intensity: { image: { data: image }, range: { lo: 50, hi: 150 } } })).toBe(100);
    expect(floodFillSlice(map, 'axial', 0, { u: 10, v: 2 }, { label: 3, intensity: { image: { data: image }, range: { lo: 50, hi: 150 } } })).toBe(0);
  });
});

describe('distance transform', () => {
  test('matches brute force on a random mask with anisotropic spacing', () => {
    const w = 23, h = 17, spacing: [number, number] = [0.7, 1.9];
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const mask = Uint8Array.from({ length: w * h }, () => (random() < 0.05 ? 1 : 0));
    const d = distanceTransform2D(mask, w, h, spacing);
    for (let v = 0; v < h; v++) for (let u = 0; u < w; u++) {
      let best = Infinity;
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        if (mask[x + w * y]) best = Math.min(best, Math.hypot((x - u) * spacing[0], (y - v) * spacing[1]));
      }
      expect(d[u + w * v]).toBeCloseTo(best, 9);
    }
  });

  test('an empty mask is infinitely far; the signed distance is negative inside', () => {
    expect(distanceTransform2D(new Uint8Array(4), 2, 2)[0]).toBe(Infinity);
    const mask = new Uint8Array(25);
    mask[12] = 1;
    const sdf = signedDistance2D(mask, 5, 5);
    expect(sdf[12]).toBeLessThan(0);
    expect(sdf[13]).toBeCloseTo(0.5, 9);
  });
});

describe('fill between slices', () => {
  test('radius 10 on slice 0 and radius 20 on slice 10 give radius ≈15 on slice 5', () => {
    const map = new Labelmap(geometry([64, 64, 11]));
    stampBrush(map, 'axial', 0, { u: 32, v: 32 }, disk(10));
    stampBrush(map, 'axial', 10, { u: 32, v: 32 }, disk(20));
    const result = interpolateBetweenSlices(map, 1, 'axial');
    expect(result.keySlices).toEqual([0, 10]);
    expect(result.filledSlices).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const area = (k: number) => map.extractSlice('axial', k).reduce((n, l) => n + (l === 1 ? 1 : 0), 0);
    expect(Math.abs(area(5) - Math.PI * 15 ** 2) / (Math.PI * 15 ** 2)).toBeLessThan(0.05);
    for (let k = 1; k < 10; k++) expect(area(k)).toBeGreaterThanOrEqual(area(k - 1)); // grows monotonically
    expect(slicesWithLabel(map, 1, 'axial')).toHaveLength(11);
  });

  test('interpolates along other axes, leaves other labels alone, and is one undo entry', () => {
    const map = new Labelmap(geometry([12, 40, 40]));
    const history = new LabelmapHistory(map);
    stampBrush(map, 'sagittal', 1, { u: 20, v: 20 }, disk(8));
    stampBrush(map, 'sagittal', 9, { u: 20, v: 20 }, disk(8));
    map.set(5, 20, 20, 3);
    const result = history.transaction('Interpolate slices', () => interpolateBetweenSlices(map, 1, 'sagittal'));
    expect(result.filledSlices).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(map.get(5, 20, 20)).toBe(3);
    expect(map.get(5, 20, 27)).toBe(1);
    expect(map.countLabel(1)).toBe(9 * 197 - 1);
    history.undo();
    expect(map.countLabel(1)).toBe(2 * 197);
  });
});

describe('components', () => {
  test('small islands (6-connected, 3D) are removed; bigger ones stay', () => {
    const map = new Labelmap(geometry([20, 20, 5]));
    stampBrush(map, 'axial', 2, { u: 10, v: 10 }, disk(3)); // 29 voxels
    map.set(0, 0, 0, 1); map.set(0, 0, 1, 1); // a 2-voxel island across slices
    map.set(19, 19, 4, 1);
    map.set(18, 18, 4, 1); // diagonal neighbour: not 6-connected, a separate island
    expect(labelComponents(map.labels, map.size, 1).sizes.sort((a, b) => a - b)).toEqual([1, 1, 2, 29]);
    expect(removeSmallIslands(map, 1, 2)).toBe(2);
    expect(map.countLabel(1)).toBe(31);
    expect(removeSmallIslands(map, 1, 10)).toBe(2);
    expect(map.countLabel(1)).toBe(29);
  });

  test('keep largest component clears the rest of that label only', () => {
    const map = new Labelmap(geometry([30, 30, 1]));
    stampBrush(map, 'axial', 0, { u: 8, v: 8 }, disk(5));
    stampBrush(map, 'axial', 0, { u: 22, v: 22 }, disk(3));
    map.set(0, 29, 0, 2);
    expect(keepLargestComponent(map, 1)).toBe(29);
    expect(map.countLabel(1)).toBe(81);
    expect(map.countLabel(2)).toBe(1);
  });
});
