import { describe, expect, test } from 'vitest';
import { resizeBilinear } from '../../src/core/imaging/bilinear-resize';
import {
  applyIntensityPreprocessing, channelMapping, extractSliceChannels,
} from '../../src/core/imaging/intensity-preprocessing';
import { cropTopLeft, padBottomRight, roundUpToMultiple } from '../../src/core/imaging/pad-crop';

const close = (actual: ArrayLike<number>, expected: number[], digits = 4) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, digits));
};

describe('bilinear resize matches torch F.interpolate(bilinear, align_corners=False)', () => {
  test('2×2 → 4×4', () => {
    const out = resizeBilinear(Float32Array.from([0, 1, 2, 3]), 1, 2, 2, 4, 4);
    close(out, [0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3]);
  });

  test('5×7 → 3×4 (down) and 5×7 → 8×3 (mixed), values from PyTorch 2.x', () => {
    const src = Float32Array.from({ length: 35 }, (_, i) => i);
    close(resizeBilinear(src, 1, 5, 7, 3, 4), [
      2.708333, 4.458333, 6.208333, 7.958333, 14.375, 16.125, 17.875, 19.625, 26.041666, 27.791666, 29.541666, 31.291666,
    ]);
    close(resizeBilinear(src, 1, 5, 7, 8, 3), [
      0.666667, 3, 5.333333, 3.729167, 6.0625, 8.395833, 8.104166, 10.4375, 12.770833, 12.479167, 14.8125, 17.145834,
      16.854166, 19.1875, 21.520834, 21.229166, 23.5625, 25.895834, 25.604166, 27.9375, 30.270834, 28.666666, 31, 33.333332,
    ]);
  });

  test('channels are resized independently; same size is a copy', () => {
    const src = Float32Array.from([0, 1, 2, 3, 10, 10, 10, 10]);
    const out = resizeBilinear(src, 2, 2, 2, 4, 4);
    close(out.subarray(16), new Array(16).fill(10));
    expect(Array.from(resizeBilinear(src, 2, 2, 2, 2, 2))).toEqual(Array.from(src));
  });
});

describe('pad and crop', () => {
  test('edge padding repeats the last row/column; zero padding fills zeros; crop undoes both', () => {
    // 2 channels of 2×3
    const src = Float32Array.from([1, 2, 3, 4, 5, 6, -1, -2, -3, -4, -5, -6]);
    const edge = padBottomRight(src, 2, 2, 3, 3, 4, 'edge');
    expect(Array.from(edge.subarray(0, 12))).toEqual([1, 2, 3, 3, 4, 5, 6, 6, 4, 5, 6, 6]);
    expect(Array.from(edge.subarray(12))).toEqual([-1, -2, -3, -3, -4, -5, -6, -6, -4, -5, -6, -6]);
    const zero = padBottomRight(src, 2, 2, 3, 3, 4, 'zero');
    expect(Array.from(zero.subarray(0, 12))).toEqual([1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0, 0]);
    expect(Array.from(cropTopLeft(edge, 2, 3, 4, 2, 3))).toEqual(Array.from(src));
    expect(Array.from(cropTopLeft(zero, 2, 3, 4, 2, 3))).toEqual(Array.from(src));
    expect([roundUpToMultiple(37, 16), roundUpToMultiple(32, 16), roundUpToMultiple(1, 1)]).toEqual([48, 32, 1]);
  });
});

describe('slices and intensity preprocessing', () => {
  test('slice k of an i-fastest volume is rows j × columns i, already in memory order', () => {
    // size [3, 2, 2]: value = 100k + 10j + i
    const data = Int16Array.from({ length: 12 }, (_, v) => 100 * Math.floor(v / 6) + 10 * (Math.floor(v / 3) % 2) + (v % 3));
    const out = extractSliceChannels(data, [3, 2, 2], 1, 1, 1, 'direct', new Float32Array(6));
    expect(Array.from(out)).toEqual([100, 101, 102, 110, 111, 112]);
  });

  test('RGB → planar channels, luminance, repeat and drop-alpha', () => {
    const rgb = Uint8Array.from([10, 20, 30, 40, 50, 60]); // 2×1 pixels
    expect(Array.from(extractSliceChannels(rgb, [2, 1, 1], 3, 0, 3, 'direct', new Float32Array(6)))).toEqual([10, 40, 20, 50, 30, 60]);
    close(extractSliceChannels(rgb, [2, 1, 1], 3, 0, 1, 'luminance', new Float32Array(2)), [
      0.299 * 10 + 0.587 * 20 + 0.114 * 30, 0.299 * 40 + 0.587 * 50 + 0.114 * 60,
    ]);
    expect(Array.from(extractSliceChannels(Uint8Array.from([7, 9]), [2, 1, 1], 1, 0, 3, 'repeat', new Float32Array(6)))).toEqual([7, 9, 7, 9, 7, 9]);
    const rgba = Uint8Array.from([1, 2, 3, 255, 4, 5, 6, 255]);
    expect(Array.from(extractSliceChannels(rgba, [2, 1, 1], 4, 0, 3, 'drop-alpha', new Float32Array(6)))).toEqual([1, 4, 2, 5, 3, 6]);
    expect(channelMapping(3, 3)).toBe('direct');
    expect(channelMapping(3, 1)).toBe('luminance');
    expect(channelMapping(1, 3)).toBe('repeat');
    expect(channelMapping(2, 3)).toBeNull();
  });

  test('window → [0, 1], then scale, then (x - mean) / std per channel', () => {
    const x = Float32Array.from([-1000, -140, 60, 260, 3000]);
    applyIntensityPreprocessing(x, 1, { window: { center: 60, width: 400 }, scale: 1, mean: [0], std: [1] });
    close(x, [0, 0, 0.5, 1, 1], 6);
    const y = Float32Array.from([0, 255, 51, 102]); // 2 channels × 2 pixels
    applyIntensityPreprocessing(y, 2, { scale: 1 / 255, mean: [0.5, 0.2], std: [0.5, 0.1] });
    close(y, [-1, 1, 0, 2], 5);
  });
});
