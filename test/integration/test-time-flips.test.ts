// Test-time flip averaging (manifest output.testTimeFlips) through the engine: a network that knows
// left from right, run plain and mirrored, averages to the union of its two masks (saturated
// sigmoids average to 0.5 where exactly one run finds the pixel); without the option, the plain mask.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, segmentVolume, type SegmentationModel } from '../../src/core/inference';
import { manifestProblems } from '../../src/shared/manifest';
import { flipPlanes, flipVariants } from '../../src/core/inference/test-time-flips';
import { testManifest, writeConvModel } from '../fixtures/onnx-builder';

const dir = mkdtempSync(join(tmpdir(), 'medseg-tta-'));
const [W, H, D] = [17, 13, 3];
// Bright (200) where a fixed pseudo-random pattern says so, else dark (−100).
const image = Int16Array.from({ length: W * H * D }, (_, v) => ((Math.imul(v + 7, 2654435761) >>> 0) % 5 < 2 ? 200 : -100));
const at = (x: number, y: number, z: number) => (x < 0 || y < 0 || x >= W || y >= H ? 0 : image[x + W * (y + H * z)]);
/** The conv's mask: neighbours (y − 1, x − 1) and (y − 1, x) both bright; `mirrored`: (y − 1, x + 1) and (y − 1, x). */
const reference = (mirrored: boolean) => Uint8Array.from({ length: W * H * D }, (_, v) => {
  const [x, y, z] = [v % W, Math.floor(v / W) % H, Math.floor(v / (W * H))];
  return at(x + (mirrored ? 1 : -1), y - 1, z) + at(x, y - 1, z) - 250 >= 0 ? 1 : 0;
});

let plain: SegmentationModel;
let flipped: SegmentationModel;

beforeAll(async () => {
  const model = (name: string, testTimeFlips?: ('horizontal' | 'vertical')[]) => writeConvModel(join(dir, `${name}.onnx`), {
    weights: [[1, 1, 0, 0, 0, 0, 0, 0, 0]], kernelSize: 3, bias: [-250],
    manifest: testManifest({ output: { activation: 'sigmoid', threshold: 0.5, labels: [{ value: 1, name: 'object', color: '#ff0000' }], ...(testTimeFlips ? { testTimeFlips } : {}) } }),
  });
  [plain, flipped] = await Promise.all([
    loadModel(model('plain'), { device: 'cpu', intraOpNumThreads: 1 }),
    loadModel(model('flipped', ['horizontal']), { device: 'cpu', intraOpNumThreads: 1 }),
  ]);
});

afterAll(async () => {
  await Promise.all([plain?.close(), flipped?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const volume = () => ({
  size: [W, H, D] as [number, number, number], spacing: [1, 1, 1] as [number, number, number], origin: [0, 0, 0] as [number, number, number],
  direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], components: 1, pixelType: 'int16' as const, data: image, modality: 'CT',
});

test('horizontal test-time flips: the plain and the mirrored run averaged; none: the plain run', async () => {
  const [a, b] = [reference(false), reference(true)];
  const union = a.map((v, i) => v | b[i]);
  expect(union).not.toEqual(a); // the mirrored run finds pixels the plain one does not
  expect((await segmentVolume(plain, volume(), { batchSize: 2 })).labelmap).toEqual(a);
  expect((await segmentVolume(flipped, volume(), { batchSize: 2 })).labelmap).toEqual(union);
});

test('flip variants and planes: each flip is its own inverse; the manifest lists known flips once', () => {
  expect(flipVariants(undefined)).toHaveLength(1);
  expect(flipVariants(['horizontal', 'vertical'])).toHaveLength(4);
  const data = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
  const both = { flipH: true, flipW: true };
  expect(Array.from(flipPlanes(data, 2, 3, 4, both).subarray(0, 4))).toEqual([11, 10, 9, 8]);
  expect(flipPlanes(flipPlanes(data, 2, 3, 4, both), 2, 3, 4, both)).toEqual(data);
  const m = testManifest();
  expect(manifestProblems({ ...m, output: { ...m.output, testTimeFlips: ['horizontal'] } })).toEqual([]);
  for (const wrong of [['diagonal'], ['vertical', 'vertical'], 'horizontal']) {
    expect(manifestProblems({ ...m, output: { ...m.output, testTimeFlips: wrong } })).toEqual(['"output.testTimeFlips" must list some of horizontal, vertical, each once']);
  }
});
