import { describe, expect, test } from 'vitest';
import { Labelmap, Provenance, type LabelmapChange } from '../../src/renderer/editor/labelmap';
import { boxRectOnSlice, sliceView } from '../../src/renderer/editor/slices';
import type { Geometry } from '../../src/shared/image';

const geometry = (size: [number, number, number], spacing: [number, number, number] = [1, 1, 1]): Geometry => ({
  size, spacing, origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
});

describe('slice views', () => {
  const size: [number, number, number] = [4, 5, 6];
  const index = (i: number, j: number, k: number) => i + 4 * (j + 5 * k);

  test('axial fixes k (u=i, v=j), coronal fixes j (u=i, v=k), sagittal fixes i (u=j, v=k)', () => {
    const axial = sliceView(size, 'axial', 2);
    expect([axial.width, axial.height]).toEqual([4, 5]);
    expect(axial.voxelIndex(3, 4)).toBe(index(3, 4, 2));
    const coronal = sliceView(size, 'coronal', 1);
    expect([coronal.width, coronal.height]).toEqual([4, 6]);
    expect(coronal.voxelIndex(2, 5)).toBe(index(2, 1, 5));
    const sagittal = sliceView(size, 'sagittal', 3);
    expect([sagittal.width, sagittal.height]).toEqual([5, 6]);
    expect(sagittal.voxelIndex(4, 5)).toBe(index(3, 4, 5));
  });

  test('a slice outside the volume is refused', () => {
    expect(() => sliceView(size, 'axial', 6)).toThrow(RangeError);
  });

  test('extractSlice copies the right voxels in row order', () => {
    const map = new Labelmap(geometry(size));
    map.set(1, 2, 3, 7);
    const slice = map.extractSlice('sagittal', 1);
    expect(slice.length).toBe(5 * 6);
    expect(slice[3 * 5 + 2]).toBe(7);
    expect(slice.reduce((a, b) => a + b, 0)).toBe(7);
  });
});

describe('Labelmap', () => {
  test('writes are batched into one dirty box per flush', () => {
    const map = new Labelmap(geometry([10, 10, 10]));
    const changes: LabelmapChange[] = [];
    map.onChange((c) => changes.push(c));
    map.set(2, 3, 4, 1);
    map.set(5, 1, 4, 1);
    map.set(5, 1, 4, 1); // no change
    expect(changes).toHaveLength(0);
    map.flushChanges();
    expect(changes).toEqual([{ box: { i0: 2, j0: 1, k0: 4, i1: 5, j1: 3, k1: 4 }, source: 'edit' }]);
    expect(map.flushChanges()).toBeNull();
    expect(boxRectOnSlice(changes[0].box, 'axial', 4)).toEqual({ u0: 2, v0: 1, u1: 5, v1: 3 });
    expect(boxRectOnSlice(changes[0].box, 'axial', 5)).toBeNull();
  });

  test('edits are human provenance; a model result is model provenance and keeps human edits', () => {
    const map = new Labelmap(geometry([4, 4, 1]));
    map.set(0, 0, 0, 2);
    expect(map.getProvenance(0, 0, 0)).toBe(Provenance.Human);
    const result = new Uint8Array(16).fill(1);
    result[15] = 0;
    const changed = map.applyModelResult(result);
    expect(changed).toBe(14); // 16 voxels, minus the human one, minus the background that stays background
    expect(map.get(0, 0, 0)).toBe(2);
    expect(map.getProvenance(0, 0, 0)).toBe(Provenance.Human);
    expect(map.getProvenance(1, 0, 0)).toBe(Provenance.Model);
    expect(map.getProvenance(3, 3, 0)).toBe(Provenance.None);
  });

  test('a model result over a box writes only that region', () => {
    const map = new Labelmap(geometry([4, 4, 2]));
    map.applyModelResult(new Uint8Array(2 * 2).fill(3), { box: { i0: 1, j0: 1, k0: 1, i1: 2, j1: 2, k1: 1 } });
    expect(map.countLabel(3)).toBe(4);
    expect(map.get(1, 1, 1)).toBe(3);
    expect(map.get(1, 1, 0)).toBe(0);
  });

  test('renderSliceRGBA fills labels with colour and opacity, outline draws only the boundary', () => {
    const map = new Labelmap(geometry([5, 5, 1]));
    for (let j = 1; j <= 3; j++) for (let i = 1; i <= 3; i++) map.set(i, j, 0, 1);
    const colors = new Map([[1, [255, 0, 0] as [number, number, number]]]);
    const rgba = new Uint8ClampedArray(5 * 5 * 4);
    map.renderSliceRGBA('axial', 0, colors, 0.5, false, rgba);
    const pixel = (u: number, v: number) => Array.from(rgba.subarray((v * 5 + u) * 4, (v * 5 + u) * 4 + 4));
    expect(pixel(2, 2)).toEqual([255, 0, 0, 128]);
    expect(pixel(0, 0)).toEqual([0, 0, 0, 0]);
    map.renderSliceRGBA('axial', 0, colors, 1, true, rgba);
    expect(pixel(2, 2)).toEqual([0, 0, 0, 0]); // interior
    expect(pixel(1, 2)).toEqual([255, 0, 0, 255]);
    let drawn = 0;
    for (let p = 0; p < 25; p++) if (rgba[p * 4 + 3] > 0) drawn++;
    expect(drawn).toBe(8);
  });

  test('renderSliceRGBA with a dirty rect redraws only that rect', () => {
    const map = new Labelmap(geometry([8, 8, 1]));
    const colors = new Map([[1, [0, 255, 0] as [number, number, number]]]);
    const rgba = new Uint8ClampedArray(8 * 8 * 4).fill(9); // stale content outside the rect must stay
    map.set(4, 4, 0, 1);
    const box = map.flushChanges()!;
    map.renderSliceRGBA('axial', 0, colors, 1, false, rgba, boxRectOnSlice(box, 'axial', 0));
    expect(Array.from(rgba.subarray((4 * 8 + 4) * 4, (4 * 8 + 4) * 4 + 4))).toEqual([0, 255, 0, 255]);
    expect(rgba[(3 * 8 + 4) * 4]).toBe(9);
  });
});
