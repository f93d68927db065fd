import { expect, test } from 'vitest';
import { resampleLabelsNearest } from '../../src/core/imaging/resample-labels';
import type { Geometry } from '../../src/shared/image';

// The same physical grid stored twice: LPS order (DICOM-like) and with i and j reversed (a NIfTI
// saved in RAS order, read as is): resampling one onto the other must reverse those axes exactly.
const lps: Geometry = { size: [4, 3, 2], spacing: [0.5, 0.5, 2], origin: [10, 20, 30], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
const ras: Geometry = { size: [4, 3, 2], spacing: [0.5, 0.5, 2], origin: [11.5, 21, 30], direction: [-1, 0, 0, 0, -1, 0, 0, 0, 1] };

test('axis flips are undone voxel for voxel', () => {
  const labels = Uint8Array.from({ length: 24 }, (_, v) => v);
  const out = resampleLabelsNearest(labels, ras, lps);
  for (let k = 0; k < 2; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 4; i++) {
    expect(out[i + 4 * (j + 3 * k)]).toBe(labels[(3 - i) + 4 * ((2 - j) + 3 * k)]);
  }
});

test('identical grids copy, and voxels outside the source are background', () => {
  const labels = Uint8Array.from({ length: 24 }, (_, v) => (v % 3) + 1);
  expect(resampleLabelsNearest(labels, lps, lps)).toEqual(labels);
  const shifted = { ...lps, origin: [10, 20, 34] as [number, number, number] };
  expect(Array.from(resampleLabelsNearest(labels, lps, shifted)).every((v) => v === 0)).toBe(true);
});
