// Segmentation end to end through the inference worker, with hand-encoded 1×1-conv ONNX models whose
// masks can be computed by hand.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadModel, segmentVolume, type SegmentationModel } from '../../src/core/inference';
import { resizeBilinear } from '../../src/core/imaging/bilinear-resize';
import { applyIntensityPreprocessing, extractSliceChannels } from '../../src/core/imaging/intensity-preprocessing';
import { UserError } from '../../src/shared/errors';
import type { PixelArray, VolumeImage } from '../../src/shared/image';
import type { ModelManifest } from '../../src/shared/manifest';
import { testManifest, writeConvModel } from '../fixtures/onnx-builder';

const THREADS = 1;
const dir = mkdtempSync(join(tmpdir(), 'medseg-inference-'));

/** Deterministic pseudo-random integers in [lo, hi]. */
function randomInts(n: number, lo: number, hi: number, seed = 1, skip?: (v: number) => boolean): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  while (out.length < n) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const v = lo + (s % (hi - lo + 1));
    if (!skip?.(v)) out.push(v);
  }
  return out;
}

function volume(size: [number, number, number], data: PixelArray, components = 1): VolumeImage {
  return {
    size, spacing: [1, 1, 2], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    components, pixelType: data instanceof Uint8Array ? 'uint8' : 'int16', data, modality: 'CT',
  };
}

const ctManifest = (over: Partial<ModelManifest> = {}) => testManifest({
  input: { channels: 1, sizeMultiple: 16, layout: 'NCHW' },
  preprocessing: { window: { center: 100, width: 200 }, scale: 1, mean: [0], std: [1] },
  ...over,
});

// window [0, 200] HU → [0, 1]; conv x - 0.5; sigmoid ≥ 0.5 ⇔ HU ≥ 100.
let ct: SegmentationModel;
let ctPath: string;

beforeAll(async () => {
  ctPath = writeConvModel(join(dir, 'ct.onnx'), {
    weights: [[1]], bias: [-0.5], requireMultiple: 16, manifest: ctManifest(),
  });
  ct = await loadModel(ctPath, { device: 'auto', intraOpNumThreads: THREADS });
});

afterAll(async () => {
  await ct?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('segmentVolume', () => {
  test('padded odd-sized slices (37×29, multiple 16): exactly the voxels ≥ 100 HU, progress per batch', async () => {
    const size: [number, number, number] = [37, 29, 5];
    const hu = Int16Array.from(randomInts(37 * 29 * 5, -400, 600, 7));
    const progress: [number, number][] = [];
    const result = await segmentVolume(ct, volume(size, hu), { batchSize: 2, onProgress: (d, t) => progress.push([d, t]) });
    expect(result.labelmap).toEqual(Uint8Array.from(hu, (v) => (v >= 100 ? 1 : 0)));
    expect(result.slices).toBe(5);
    expect(result.provider).toBe(ct.provider);
    expect(progress).toEqual([[0, 5], [2, 5], [4, 5], [5, 5]]);
    expect(result.seconds).toBeGreaterThan(0);
  });

  test('a slice range segments those slices only; a bad range is a UserError', async () => {
    const size: [number, number, number] = [16, 8, 4];
    const hu = new Int16Array(16 * 8 * 4).fill(500);
    const plane = 16 * 8;
    const one = await segmentVolume(ct, volume(size, hu), { slices: 2 });
    expect(one.slices).toBe(1);
    expect(Array.from(one.labelmap.subarray(2 * plane, 3 * plane)).every((v) => v === 1)).toBe(true);
    expect(one.labelmap.reduce((a, b) => a + b, 0)).toBe(plane);
    const range = await segmentVolume(ct, volume(size, hu), { slices: [1, 3] });
    expect(range.labelmap.reduce((a, b) => a + b, 0)).toBe(2 * plane);
    expect(range.labelmap[plane - 1]).toBe(0);
    expect(range.labelmap[3 * plane]).toBe(0);
    await expect(segmentVolume(ct, volume(size, hu), { slices: [3, 9] })).rejects.toThrow(UserError);
  });

  test('RGB input to a 1-channel model uses luminance', async () => {
    const n = 20 * 18;
    const rgb = Uint8Array.from(randomInts(n * 3, 0, 255, 11));
    const lum = (p: number) => 0.299 * rgb[3 * p] + 0.587 * rgb[3 * p + 1] + 0.114 * rgb[3 * p + 2];
    for (let p = 0; p < n; p++) if (Math.abs(lum(p) - 100) < 0.01) rgb[3 * p] = 0; // keep clear of the threshold
    const result = await segmentVolume(ct, volume([20, 18, 1], rgb, 3));
    expect(result.labelmap).toEqual(Uint8Array.from({ length: n }, (_, p) => (lum(p) >= 100 ? 1 : 0)));
  });

  test('cancel: a pre-aborted signal and an abort between batches reject with AbortError; the model stays usable', async () => {
    const size: [number, number, number] = [32, 32, 12];
    const hu = new Int16Array(32 * 32 * 12).fill(150);
    const aborted = AbortSignal.abort();
    await expect(segmentVolume(ct, volume(size, hu), { signal: aborted })).rejects.toMatchObject({ name: 'AbortError' });
    const controller = new AbortController();
    const seen: number[] = [];
    const run = segmentVolume(ct, volume(size, hu), {
      batchSize: 1, signal: controller.signal,
      onProgress: (done) => { seen.push(done); if (done === 2) controller.abort(); },
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(Math.max(...seen)).toBeLessThan(12);
    const after = await segmentVolume(ct, volume(size, hu));
    expect(after.labelmap.every((v) => v === 1)).toBe(true);
  });
});

test('a worker that died while idle is replaced and loads the model again on the next run', async () => {
  const client = (ct as unknown as { client: { terminate(): Promise<void> } }).client;
  await client.terminate(); // as an out-of-memory kill would
  const hu = Int16Array.from([0, 99, 100, 500]);
  const result = await segmentVolume(ct, volume([2, 2, 1], hu));
  expect(Array.from(result.labelmap)).toEqual([0, 0, 1, 1]);
});

describe('execution providers', () => {
  test("'auto' says which provider ran and why it fell back", () => {
    if (ct.provider === 'cpu') expect(ct.providerNote).toMatch(/CUDA is not available .*ran on CPU/);
    else expect(ct.providerNote).toBeUndefined();
  });

  test("'cuda' without CUDA is a UserError telling what to do", async () => {
    if (ct.provider === 'cuda') return; // this machine has CUDA
    const error = await loadModel(ctPath, { device: 'cuda', intraOpNumThreads: THREADS }).catch((e) => e);
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toMatch(/^CUDA is not available: missing .+; looked in .+; to fix: .+\. Use --device cpu \(or auto\) to run on the CPU; `medseg doctor` shows the full report\.$/);
  });

  test('a model without a manifest fails before any worker starts', async () => {
    const bare = writeConvModel(join(dir, 'bare.onnx'), { weights: [[1]], bias: [0] });
    await expect(loadModel(bare, { device: 'cpu' })).rejects.toThrow(/has no MedSeg manifest/);
  });
});

describe('parity with a JS reference', () => {
  test('ONNX Runtime computes the tiny graph as the JS reference does', async () => {
    const path = writeConvModel(join(dir, 'parity.onnx'), {
      weights: [[0.5, -1.25, 2], [1.5, 0.25, -0.75]], bias: [0.1, -0.2], activation: 'sigmoid', manifest: testManifest(),
    });
    const session = await ort.InferenceSession.create(path, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
    const [n, c, h, w] = [2, 3, 5, 7];
    const x = Float32Array.from(randomInts(n * c * h * w, -1000, 1000, 3), (v) => v / 250);
    const y = (await session.run({ input: new ort.Tensor('float32', x, [n, c, h, w]) })).output.data as Float32Array;
    await session.release();
    const W = [[0.5, -1.25, 2], [1.5, 0.25, -0.75]], B = [0.1, -0.2];
    const plane = h * w;
    for (let b = 0; b < n; b++) for (let o = 0; o < 2; o++) for (let p = 0; p < plane; p++) {
      let z = B[o];
      for (let i = 0; i < c; i++) z += W[o][i] * x[(b * c + i) * plane + p];
      expect(Math.abs(y[(b * 2 + o) * plane + p] - 1 / (1 + Math.exp(-z)))).toBeLessThan(1e-6);
    }
  });

  test('resized run (37×29 → 24×20 → back) matches the JS reference pipeline voxel for voxel', async () => {
    const manifest = testManifest({
      input: { channels: 1, height: 20, width: 24, sizeMultiple: 4, layout: 'NCHW' },
      preprocessing: { scale: 1 / 1000, mean: [0.1], std: [0.5] },
    });
    const path = writeConvModel(join(dir, 'resize-parity.onnx'), { weights: [[3]], bias: [-0.2], inputDims: ['N', 1, 20, 24], manifest });
    const model = await loadModel(path, { device: 'cpu', intraOpNumThreads: THREADS });
    try {
      const size: [number, number, number] = [37, 29, 3];
      const hu = Int16Array.from(randomInts(37 * 29 * 3, -1000, 1000, 5));
      const result = await segmentVolume(model, volume(size, hu), { batchSize: 4 });
      // Reference: same steps, conv and sigmoid in doubles.
      let compared = 0;
      for (let k = 0; k < 3; k++) {
        const x = extractSliceChannels(hu, size, 1, k, 1, 'direct', new Float32Array(37 * 29));
        applyIntensityPreprocessing(x, 1, manifest.preprocessing);
        const net = resizeBilinear(x, 1, 29, 37, 20, 24).map((v) => 1 / (1 + Math.exp(-(3 * v - 0.2))));
        const p = resizeBilinear(net, 1, 20, 24, 29, 37);
        for (let q = 0; q < p.length; q++) {
          if (Math.abs(p[q] - 0.5) < 1e-5) continue;
          expect(result.labelmap[k * 37 * 29 + q], `voxel ${q} of slice ${k}`).toBe(p[q] >= 0.5 ? 1 : 0);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(3 * 37 * 29 - 10);
    } finally {
      await model.close();
    }
  });
});

describe('manifest-driven variants', () => {
  test('fixed-size model (64×64, sigmoid in the graph, activation none): resize both ways keeps shapes exact', async () => {
    const path = writeConvModel(join(dir, 'fixed.onnx'), {
      weights: [[10]], bias: [-5], activation: 'sigmoid', inputDims: ['N', 1, 64, 64],
      manifest: ctManifest({
        input: { channels: 1, height: 64, width: 64, sizeMultiple: 16, layout: 'NCHW' },
        output: { activation: 'none', threshold: 0.5, labels: [{ value: 3, name: 'organ', color: '#00ff00' }] },
      }),
    });
    const model = await loadModel(path, { device: 'cpu', intraOpNumThreads: THREADS });
    try {
      const size: [number, number, number] = [37, 29, 2];
      const hu = new Int16Array(37 * 29 * 2).fill(-300);
      const at = (i: number, j: number, k: number) => i + 37 * (j + 29 * k);
      for (let j = 4; j < 12; j++) for (let i = 3; i < 20; i++) hu[at(i, j, 0)] = 300; // rectangle
      for (let j = 0; j < 29; j++) for (let i = 0; i < 37; i++) {
        if ((i - 25) ** 2 + (j - 18) ** 2 <= 36) hu[at(i, j, 1)] = 300; // disc r = 6
      }
      const result = await segmentVolume(model, volume(size, hu));
      expect(result.labelmap).toEqual(Uint8Array.from(hu, (v) => (v >= 100 ? 3 : 0)));
    } finally {
      await model.close();
    }
  });

  test('softmax: argmax over classes, channel c → the label whose value is c', async () => {
    // x = HU/1000 in [0, 1]; logits [0, 10x - 3, 20x - 12]: class 0 below 300 HU, 1 up to 900, 2 above.
    const path = writeConvModel(join(dir, 'softmax.onnx'), {
      weights: [[0], [10], [20]], bias: [0, -3, -12], requireMultiple: 8,
      manifest: testManifest({
        input: { channels: 1, sizeMultiple: 8, layout: 'NCHW' },
        preprocessing: { window: { center: 500, width: 1000 }, scale: 1, mean: [0], std: [1] },
        output: {
          activation: 'softmax', threshold: 0.5,
          labels: [{ value: 2, name: 'bone', color: '#ffffff' }, { value: 1, name: 'tissue', color: '#ff0000' }],
        },
      }),
    });
    const model = await loadModel(path, { device: 'cpu', intraOpNumThreads: THREADS });
    try {
      const size: [number, number, number] = [13, 11, 3];
      const hu = Int16Array.from(randomInts(13 * 11 * 3, -200, 1200, 9, (v) => Math.abs(v - 300) < 2 || Math.abs(v - 900) < 2));
      const result = await segmentVolume(model, volume(size, hu));
      expect(result.labelmap).toEqual(Uint8Array.from(hu, (v) => (v < 300 ? 0 : v < 900 ? 1 : 2)));
    } finally {
      await model.close();
    }
  });

  test('3-channel model: RGB channels from interleaved components, gray repeated', async () => {
    // logit = (R + 0.5 G - B) / 255 - 0.25
    const path = writeConvModel(join(dir, 'rgb.onnx'), {
      weights: [[1, 0.5, -1]], bias: [-0.25],
      manifest: testManifest({
        modality: 'endoscopy',
        input: { channels: 3, sizeMultiple: 1, layout: 'NCHW' },
        preprocessing: { scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] },
      }),
    });
    const model = await loadModel(path, { device: 'cpu', intraOpNumThreads: THREADS });
    try {
      const n = 15 * 9;
      const logit = (r: number, g: number, b: number) => (r + 0.5 * g - b) / 255 - 0.25;
      const rgb = Uint8Array.from(randomInts(n * 3, 0, 255, 13));
      for (let p = 0; p < n; p++) if (Math.abs(logit(rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2])) < 1e-3) rgb[3 * p] ^= 1;
      const colour = await segmentVolume(model, volume([15, 9, 1], rgb, 3));
      expect(colour.labelmap).toEqual(Uint8Array.from({ length: n }, (_, p) => (logit(rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2]) >= 0 ? 1 : 0)));
      const gray = Uint8Array.from(randomInts(n, 0, 255, 17, (v) => v === 127 || v === 128));
      const grey = await segmentVolume(model, volume([15, 9, 1], gray));
      expect(grey.labelmap).toEqual(Uint8Array.from(gray, (g) => (logit(g, g, g) >= 0 ? 1 : 0)));
      await expect(segmentVolume(model, volume([15, 9, 1], new Uint8Array(n * 2), 2))).rejects.toThrow(/3-channel input but the image has 2/);
    } finally {
      await model.close();
    }
  });

  test('largestComponent and fillHoles from the manifest', async () => {
    const path = writeConvModel(join(dir, 'post.onnx'), {
      weights: [[1]], bias: [-0.5],
      manifest: ctManifest({
        input: { channels: 1, sizeMultiple: 1, layout: 'NCHW' },
        output: {
          activation: 'sigmoid', threshold: 0.5, largestComponent: true, fillHoles: true,
          labels: [{ value: 1, name: 'organ', color: '#00ff00' }],
        },
      }),
    });
    const model = await loadModel(path, { device: 'cpu', intraOpNumThreads: THREADS });
    try {
      const size: [number, number, number] = [12, 10, 2];
      const at = (i: number, j: number, k: number) => i + 12 * (j + 10 * k);
      const hu = new Int16Array(12 * 10 * 2).fill(-500);
      const expected = new Uint8Array(hu.length);
      for (let k = 0; k < 2; k++) for (let j = 1; j < 7; j++) for (let i = 1; i < 7; i++) {
        hu[at(i, j, k)] = 400; // a 6×6×2 block …
        expected[at(i, j, k)] = 1;
      }
      hu[at(3, 3, 0)] = hu[at(4, 4, 1)] = -500; // … with a hole in each slice (filled back)
      hu[at(10, 8, 0)] = hu[at(10, 8, 1)] = hu[at(9, 8, 1)] = 400; // a small separate blob (removed)
      const result = await segmentVolume(model, volume(size, hu));
      expect(result.labelmap).toEqual(expected);
    } finally {
      await model.close();
    }
  });
});
