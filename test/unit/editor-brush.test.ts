import { describe, expect, test } from 'vitest';
import { paintStroke, stampBrush, type BrushSettings } from '../../src/renderer/editor/brush-strategies';
import { Labelmap, Provenance } from '../../src/renderer/editor/labelmap';
import type { Geometry } from '../../src/shared/image';

const geometry = (size: [number, number, number], spacing: [number, number, number] = [1, 1, 1]): Geometry => ({
  size, spacing, origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
});

const brush = (over: Partial<BrushSettings> = {}): BrushSettings => ({
  operation: 'paint', label: 1, radius: 5, radiusUnit: 'voxels', shape: 'circle',
  overwriteOtherLabels: false, eraseAnyLabel: false, threshold: null, ...over,
});

/** Extent of a label on an axial slice: [width, height] of its bounding rectangle. */
function extent(map: Labelmap, label: number, k: number): [number, number] {
  let u0 = Infinity, u1 = -Infinity, v0 = Infinity, v1 = -Infinity;
  for (let j = 0; j < map.size[1]; j++) for (let i = 0; i < map.size[0]; i++) {
    if (map.get(i, j, k) !== label) continue;
    u0 = Math.min(u0, i); u1 = Math.max(u1, i); v0 = Math.min(v0, j); v1 = Math.max(v1, j);
  }
  return [u1 - u0 + 1, v1 - v0 + 1];
}

describe('brush stamps', () => {
  test.each([[1, 5], [5, 81], [10, 317], [20, 1257]])('circle of radius %i voxels covers exactly %i voxels', (radius, count) => {
    const map = new Labelmap(geometry([64, 64, 1]));
    expect(stampBrush(map, 'axial', 0, { u: 32, v: 32 }, brush({ radius }))).toBe(count);
    expect(map.countLabel(1)).toBe(count);
    expect(extent(map, 1, 0)).toEqual([2 * radius + 1, 2 * radius + 1]);
  });

  test('pointer positions snap to voxel centres: the shape does not change with sub-pixel motion', () => {
    const map = new Labelmap(geometry([64, 64, 1]));
    expect(stampBrush(map, 'axial', 0, { u: 32.3, v: 31.8 }, brush({ radius: 10 }))).toBe(317);
  });

  test('an mm radius on anisotropic pixels is round in millimetres', () => {
    // 0.5 mm along i, 1 mm along j: a 5 mm brush spans 21 voxels along i and 11 along j.
    const map = new Labelmap(geometry([64, 64, 1], [0.5, 1, 1]));
    const count = stampBrush(map, 'axial', 0, { u: 32, v: 32 }, brush({ radius: 5, radiusUnit: 'mm' }));
    expect(extent(map, 1, 0)).toEqual([21, 11]);
    const areaMm2 = count * 0.5 * 1;
    expect(Math.abs(areaMm2 - Math.PI * 25) / (Math.PI * 25)).toBeLessThan(0.05);
  });

  test('a 3D sphere stamp: radius 3 voxels covers 123 voxels across 7 slices', () => {
    const map = new Labelmap(geometry([16, 16, 16]));
    expect(stampBrush(map, 'axial', 8, { u: 8, v: 8 }, brush({ radius: 3, shape: 'sphere' }))).toBe(123);
    expect(map.get(8, 8, 5)).toBe(1);
    expect(map.get(8, 8, 11)).toBe(1);
    expect(map.get(8, 8, 4)).toBe(0);
  });

  test('a sphere in mm is an ellipsoid in voxels on thick slices', () => {
    // Spacing 1 x 1 x 2.5 mm, radius 5 mm: 81 voxels on the slice, 61 on each neighbour, 1 two slices away.
    const map = new Labelmap(geometry([16, 16, 16], [1, 1, 2.5]));
    expect(stampBrush(map, 'axial', 8, { u: 8, v: 8 }, brush({ radius: 5, radiusUnit: 'mm', shape: 'sphere' }))).toBe(205);
    expect(map.get(8, 8, 10)).toBe(1);
    expect(map.get(8, 8, 11)).toBe(0);
  });

  test('the sphere works on coronal and sagittal slices too', () => {
    const map = new Labelmap(geometry([16, 16, 16]));
    expect(stampBrush(map, 'sagittal', 8, { u: 8, v: 8 }, brush({ radius: 3, shape: 'sphere' }))).toBe(123);
    expect(map.get(5, 8, 8)).toBe(1);
  });

  test('stamps are clipped at the slice edge', () => {
    const map = new Labelmap(geometry([32, 32, 1]));
    // The quarter of the radius-5 disk with i, j >= 0: columns of 6, 5, 5, 5, 4 and 1 voxels.
    expect(stampBrush(map, 'axial', 0, { u: 0, v: 0 }, brush({ radius: 5 }))).toBe(26);
    expect(map.countLabel(1)).toBe(26);
  });
});

describe('brush rules', () => {
  test('with overwrite off, painting changes only background; with it on, other labels too', () => {
    const map = new Labelmap(geometry([32, 32, 1]));
    stampBrush(map, 'axial', 0, { u: 10, v: 10 }, brush({ label: 2, radius: 5 }));
    stampBrush(map, 'axial', 0, { u: 14, v: 10 }, brush({ label: 1, radius: 5 }));
    expect(map.countLabel(2)).toBe(81);
    expect(map.get(10, 10, 0)).toBe(2);
    stampBrush(map, 'axial', 0, { u: 14, v: 10 }, brush({ label: 1, radius: 5, overwriteOtherLabels: true }));
    expect(map.get(8, 10, 0)).toBe(2);
    expect(map.get(12, 10, 0)).toBe(1);
    expect(map.countLabel(1)).toBe(81);
  });

  test('the eraser clears only the active label unless told to clear any', () => {
    const map = new Labelmap(geometry([32, 32, 1]));
    stampBrush(map, 'axial', 0, { u: 10, v: 10 }, brush({ label: 1, radius: 3 }));
    stampBrush(map, 'axial', 0, { u: 20, v: 10 }, brush({ label: 2, radius: 3 }));
    const eraser = brush({ operation: 'erase', label: 1, radius: 20 });
    stampBrush(map, 'axial', 0, { u: 15, v: 10 }, eraser);
    expect(map.countLabel(1)).toBe(0);
    expect(map.countLabel(2)).toBe(29);
    expect(map.getProvenance(10, 10, 0)).toBe(Provenance.Human);
    stampBrush(map, 'axial', 0, { u: 15, v: 10 }, { ...eraser, eraseAnyLabel: true });
    expect(map.countLabel(2)).toBe(0);
  });

  test('the threshold brush paints only where the image is within [lo, hi]', () => {
    const map = new Labelmap(geometry([32, 32, 1]));
    const image = new Int16Array(32 * 32);
    for (let j = 0; j < 32; j++) for (let i = 0; i < 32; i++) image[i + 32 * j] = i < 16 ? -100 : 200;
    const changed = stampBrush(map, 'axial', 0, { u: 16, v: 16 }, brush({ radius: 10, threshold: { image: { data: image }, range: { lo: 100, hi: 300 } } }));
    let inRange = 0;
    for (let index = 0; index < image.length; index++) {
      if (map.labels[index] === 1) expect(image[index]).toBe(200);
      if (map.labels[index] === 1) inRange++;
    }
    expect(changed).toBe(inRange);
    // The half of the disk with i >= 16: 317 minus the 10 columns to the left (i = 6..15).
    let expected = 0;
    for (let x = 0; x <= 10; x++) for (let y = -10; y <= 10; y++) if (x * x + y * y <= 100) expected++;
    expect(changed).toBe(expected);
  });

  test('the threshold brush reads RGB images as the channel mean', () => {
    const map = new Labelmap(geometry([8, 8, 1]));
    const rgb = new Uint8Array(8 * 8 * 3);
    rgb.set([30, 60, 90], (3 + 8 * 3) * 3); // mean 60 at (3, 3)
    const changed = stampBrush(map, 'axial', 0, { u: 3, v: 3 }, brush({ radius: 3, threshold: { image: { data: rgb, components: 3 }, range: { lo: 50, hi: 70 } } }));
    expect(changed).toBe(1);
    expect(map.get(3, 3, 0)).toBe(1);
  });
});

describe('line interpolation', () => {
  test('a segment paints the whole capsule between the two positions', () => {
    const map = new Labelmap(geometry([100, 100, 1]));
    // Radius 2 from (10,50) to (90,50): rows 50 ±0 (u 8..92), ±1 (u 9..91), ±2 (u 10..90).
    expect(paintStroke(map, 'axial', 0, { u: 10, v: 50 }, { u: 90, v: 50 }, brush({ radius: 2 }))).toBe(85 + 2 * 83 + 2 * 81);
  });

  test('a fast diagonal stroke with a one-voxel brush leaves no gaps', () => {
    const map = new Labelmap(geometry([100, 100, 1]));
    paintStroke(map, 'axial', 0, { u: 3, v: 7 }, { u: 90, v: 41 }, brush({ radius: 0 }));
    // Every column between the ends holds painted voxels, and they form one 8-connected path.
    for (let i = 3; i <= 90; i++) {
      let inColumn = 0;
      for (let j = 0; j < 100; j++) inColumn += map.get(i, j, 0);
      expect(inColumn).toBeGreaterThan(0);
    }
    expect(map.get(3, 7, 0)).toBe(1);
    expect(map.get(90, 41, 0)).toBe(1);
  });
});
