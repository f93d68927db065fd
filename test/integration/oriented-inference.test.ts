// Inference in the model's canonical orientation (manifest input.orientation "LPS"): one phantom,
// stored in several voxel orders with the same world geometry (as LPS, mirrored as a RAS NIfTI
// stores it, axis-swapped as a sagittal stack), gives the same world-space mask through the engine.
// The network knows left from right (a 3×3 kernel that no flip or transpose maps onto itself), so a
// volume fed in the wrong voxel order comes out shifted the wrong way: the same model without the
// orientation field shows that it would. A 2.5D model (slice k − 1 as a channel) must see its
// neighbours in the canonical order too.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel, segmentVolume, type SegmentationModel } from '../../src/core/inference';
import { closeImageIo, readImage, writeImage } from '../../src/core/io';
import { createStudio } from '../../src/core/studio';
import type { VolumeImage } from '../../src/shared/image';
import { testManifest, writeConvModel } from '../fixtures/onnx-builder';

const dir = mkdtempSync(join(tmpdir(), 'medseg-oriented-'));
const SIZE = [13, 11, 7]; // canonical x (L), y (P), z (S)
const SPACING = [0.8, 0.9, 2.5];
const ORIGIN = [-20, 15, 100];
const inside = (x: number, y: number, z: number) => // an asymmetric blob: no flip or swap maps it onto itself
  (x >= 3 && x <= 8 && y >= 2 && y <= 4 && z >= 1 && z <= 4) || (x >= 3 && x <= 4 && y >= 5 && y <= 8 && z >= 2 && z <= 5);

/** The phantom with voxel axis a along world axis perm[a], reversed where flips[a]; same world geometry. */
function stored(perm: number[], flips: boolean[]): VolumeImage {
  const size = perm.map((w) => SIZE[w]) as [number, number, number];
  const direction = new Array(9).fill(0);
  const origin = [...ORIGIN];
  perm.forEach((w, a) => {
    direction[w * 3 + a] = flips[a] ? -1 : 1;
    if (flips[a]) origin[w] += (SIZE[w] - 1) * SPACING[w];
  });
  const data = new Int16Array(size[0] * size[1] * size[2]);
  for (let k = 0; k < size[2]; k++) for (let j = 0; j < size[1]; j++) for (let i = 0; i < size[0]; i++) {
    const c = [0, 0, 0];
    perm.forEach((w, a) => { const n = [i, j, k][a]; c[w] = flips[a] ? size[a] - 1 - n : n; });
    data[i + size[0] * (j + size[1] * k)] = inside(c[0], c[1], c[2]) ? 200 : -100;
  }
  return {
    size, spacing: perm.map((w) => SPACING[w]) as [number, number, number], origin: origin as [number, number, number],
    direction, components: 1, pixelType: 'int16', data, modality: 'CT',
  };
}

/** The labelled voxels' world positions (mm, LPS), sorted. */
function worldMask(image: VolumeImage, labels: Uint8Array): string[] {
  const points: string[] = [];
  const [nx, ny, nz] = image.size;
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    if (!labels[i + nx * (j + ny * k)]) continue;
    const index = [i * image.spacing[0], j * image.spacing[1], k * image.spacing[2]];
    const world = [0, 1, 2].map((w) => image.origin[w] + [0, 1, 2].reduce((sum, a) => sum + image.direction[w * 3 + a] * index[a], 0));
    points.push(world.map((v) => v.toFixed(3)).join(','));
  }
  return points.sort();
}

/**
 * What an LPS-trained model must find: voxels whose neighbours one towards A, and one towards A and
 * R, are both in the blob (on the slice `dz` towards I, clamped at the volume's end, for 2.5D).
 */
function expectedWorldMask(dz: number): string[] {
  const labels = new Uint8Array(SIZE[0] * SIZE[1] * SIZE[2]);
  for (let z = 0; z < SIZE[2]; z++) for (let y = 1; y < SIZE[1]; y++) for (let x = 0; x < SIZE[0]; x++) {
    const from = Math.max(0, z - dz);
    if (inside(x - 1, y - 1, from) && inside(x, y - 1, from)) labels[x + SIZE[0] * (y + SIZE[1] * z)] = 1;
  }
  return worldMask(stored([0, 1, 2], [false, false, false]), labels);
}

const COPIES: [string, number[], boolean[]][] = [
  ['LPS as stored', [0, 1, 2], [false, false, false]],
  ['mirrored (RAS, as NIfTI stores it)', [0, 1, 2], [true, true, false]],
  ['axis-swapped (i→S, j→L, k→P) and flipped', [2, 0, 1], [false, true, true]],
  ['reversed slices (i→P, j→L, k→I)', [1, 0, 2], [false, false, true]],
];

// out(y, x) = in(y − 1, x − 1) + in(y − 1, x) − 250 (bright 200, dark −100, zero outside):
// sigmoid ≥ 0.5 ⇔ both neighbours are bright. The 2.5D model reads them on slice k − 1 (channel 0).
const kernel = [1, 1, 0, 0, 0, 0, 0, 0, 0];
const none = new Array(9).fill(0);
let oriented: SegmentationModel;
let oriented25d: SegmentationModel;
let asStored: SegmentationModel;

beforeAll(async () => {
  mkdirSync(join(dir, 'models'));
  const model = (name: string, orientation?: 'LPS', adjacentSlices = 0) => writeConvModel(join(dir, 'models', `${name}.onnx`), {
    weights: [adjacentSlices ? [...kernel, ...none, ...none] : kernel], kernelSize: 3, bias: [-250],
    manifest: testManifest({
      id: name,
      input: { channels: 1 + 2 * adjacentSlices, sizeMultiple: 1, layout: 'NCHW', ...(orientation ? { orientation } : {}), ...(adjacentSlices ? { adjacentSlices } : {}) },
      preprocessing: { scale: 1, mean: new Array(1 + 2 * adjacentSlices).fill(0), std: new Array(1 + 2 * adjacentSlices).fill(1) },
    }),
  });
  [oriented, oriented25d, asStored] = await Promise.all([
    loadModel(model('oriented', 'LPS'), { device: 'cpu', intraOpNumThreads: 1 }),
    loadModel(model('oriented-2.5d', 'LPS', 1), { device: 'cpu', intraOpNumThreads: 1 }),
    loadModel(model('as-stored'), { device: 'cpu', intraOpNumThreads: 1 }),
  ]);
});

afterAll(async () => {
  await Promise.all([oriented?.close(), oriented25d?.close(), asStored?.close(), closeImageIo()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('a model trained in LPS', () => {
  const expected = expectedWorldMask(0);

  test.each(COPIES)('%s: the same world-space mask', async (_name, perm, flips) => {
    const image = stored(perm, flips);
    const result = await segmentVolume(oriented, image, { batchSize: 3 });
    expect(result.labelmap).toHaveLength(image.data.length);
    expect(worldMask(image, result.labelmap)).toEqual(expected);
  });

  test.each(COPIES)('%s, 2.5D (neighbours k − 1 … k + 1 as channels): the same world-space mask', async (_name, perm, flips) => {
    const image = stored(perm, flips);
    expect(worldMask(image, (await segmentVolume(oriented25d, image, { batchSize: 2 })).labelmap)).toEqual(expectedWorldMask(1));
  });

  test('a slice range of a turned volume: those source slices exactly, the rest empty', async () => {
    const image = stored([2, 0, 1], [false, true, true]);
    const whole = (await segmentVolume(oriented, image)).labelmap;
    const progress: number[][] = [];
    const part = await segmentVolume(oriented, image, { slices: [3, 6], onProgress: (d, t) => progress.push([d, t]) });
    const plane = image.size[0] * image.size[1];
    expect(part.slices).toBe(3);
    expect(part.labelmap.subarray(3 * plane, 6 * plane)).toEqual(whole.subarray(3 * plane, 6 * plane));
    expect(part.labelmap.subarray(0, 3 * plane).some((v) => v)).toBe(false);
    expect(part.labelmap.subarray(6 * plane).some((v) => v)).toBe(false);
    expect(whole.subarray(3 * plane, 6 * plane).some((v) => v)).toBe(true);
    expect(progress.at(-1)).toEqual([SIZE[2], SIZE[2]]); // every canonical axial slice cuts the source slices
  });

  test('the same network without input.orientation segments voxel order: the mirrored copy comes out mirrored', async () => {
    const lps = stored([0, 1, 2], [false, false, false]);
    const ras = stored([0, 1, 2], [true, true, false]);
    expect(worldMask(lps, (await segmentVolume(asStored, lps)).labelmap)).toEqual(expected);
    const mirrored = worldMask(ras, (await segmentVolume(asStored, ras)).labelmap);
    expect(mirrored).toHaveLength(expected.length);
    expect(mirrored).not.toEqual(expected);
  });

  test('from a host (studio.segment, what `medseg segment` runs): the phantom written as NIfTI (stored RAS) and as LPS NRRD gives one world mask', async () => {
    const studio = createStudio({ workspace: join(dir, 'workspace'), models: { shipped: join(dir, 'models'), user: join(dir, 'user-models') } });
    const masks: string[][] = [];
    for (const [name, perm, flips] of [['ras.nii.gz', [0, 1, 2], [true, true, false]], ['sagittal.nrrd', [2, 0, 1], [false, true, true]]] as const) {
      const input = join(dir, name);
      await writeImage(input, stored([...perm], [...flips]));
      const out = join(dir, `mask-${name}`);
      await studio.segment({ input, model: 'oriented-2.5d', out, device: 'cpu' });
      const [image, mask] = await Promise.all([readImage(input), readImage(out)]);
      masks.push(worldMask(image, mask.data as Uint8Array));
    }
    const rounded = (points: string[]) => points.map((p) => p.split(',').map((v) => Number(v).toFixed(2)).join(','));
    expect(rounded(masks[0])).toEqual(rounded(expectedWorldMask(1))); // NIfTI keeps spacing as float32
    expect(rounded(masks[1])).toEqual(rounded(expectedWorldMask(1)));
  });
});
