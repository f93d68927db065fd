// Whole-dataset segmentation with one model load, folder evaluation, and model import with its
// dummy-input check, through the engine every host shares.
import { beforeAll, expect, test } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStudio } from '../../src/core/studio';
import { readImage, writeImage } from '../../src/core/io';
import { testManifest, writeConvModel } from '../fixtures/onnx-builder';

const home = mkdtempSync(join(tmpdir(), 'medseg-models-'));
const userModels = join(home, 'models');
const studio = createStudio({ workspace: join(home, 'workspace'), models: { user: userModels, shipped: join(home, 'no-shipped') } });
const images = join(home, 'images');
const truths = join(home, 'truths');

// Photos whose red channel is bright in a known square: the test model marks red > 0.5 (after 1/255).
function photo(side: number, square: [number, number, number]) {
  const [x0, y0, n] = square;
  const data = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) {
    if (x >= x0 && x < x0 + n && y >= y0 && y < y0 + n) data[(x + side * y) * 3] = 250;
  }
  return data;
}

beforeAll(async () => {
  mkdirSync(images); mkdirSync(truths); mkdirSync(userModels);
  const geometry = { spacing: [1, 1, 1] as [number, number, number], origin: [0, 0, 0] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], modality: 'OT' };
  for (const [name, square] of [['a', [4, 4, 10]], ['b', [20, 10, 8]], ['c', [0, 0, 16]]] as const) {
    await writeImage(join(images, `${name}.png`), { ...geometry, size: [48, 48, 1], components: 3, pixelType: 'uint8', data: photo(48, [...square]) });
    // Truth for 'b' is shifted 4 columns right of the red square: half overlaps, Dice 0.5; exact elsewhere.
    const t = new Uint8Array(48 * 48);
    const [x0, y0, n] = name === 'b' ? [24, 10, 8] : square;
    for (let y = y0; y < y0 + n; y++) for (let x = x0; x < x0 + n; x++) t[x + 48 * y] = 1;
    await writeImage(join(truths, `${name}.png`), { ...geometry, size: [48, 48, 1], components: 1, pixelType: 'uint8', data: t });
  }
  const manifest = testManifest({ id: 'red-detector', input: { channels: 3, sizeMultiple: 1, layout: 'NCHW' }, modality: 'OT',
    preprocessing: { scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] }, output: { activation: 'sigmoid', threshold: 0.5, labels: [{ value: 1, name: 'red', color: '#f00' }] } });
  writeConvModel(join(home, 'red.onnx'), { weights: [[10, 0, 0]], bias: [-5], manifest });
  writeConvModel(join(home, 'bare.onnx'), { weights: [[10, 0, 0]], bias: [-5] });
});

test('a foreign model without a manifest is refused with the fields it needs', async () => {
  await expect(studio.importModel({ file: join(home, 'bare.onnx') })).rejects.toThrow(/--manifest m\.json holding what the file cannot tell: "preprocessing\.scale"/);
});

test('a manifest that does not fit the graph is caught at import, not at first use', async () => {
  const wrong = testManifest({ id: 'wrong-channels', input: { channels: 1, sizeMultiple: 1, layout: 'NCHW' } });
  await expect(studio.importModel({ file: join(home, 'bare.onnx'), manifest: wrong })).rejects.toThrow(/takes 3 input channel\(s\) but the manifest says 1/);
  expect(existsSync(join(userModels, 'wrong-channels.onnx'))).toBe(false);
  expect(existsSync(join(userModels, 'wrong-channels.onnx.importing'))).toBe(false);
});

test('import, then segment a folder with the model loaded once, then evaluate the folder', async () => {
  const imported = await studio.importModel({ file: join(home, 'red.onnx') });
  expect(imported.path).toBe(join(userModels, 'red-detector.onnx'));
  expect((await studio.listModels()).map((m) => m.id)).toEqual(['red-detector']);

  const out = join(home, 'pred');
  const batch = await studio.segmentBatch({ inputs: [images], model: 'red-detector', outDir: out, device: 'cpu' });
  expect(batch.cases.map((c) => c.out)).toEqual(['a', 'b', 'c'].map((n) => join(out, `${n}.png`)));
  expect(batch.cases.map((c) => c.labels.red)).toEqual([100, 64, 256]);
  expect(batch.provider).toBe('cpu');
  expect((await readImage(join(out, 'b.png'))).size).toEqual([48, 48, 1]);

  const metrics = await studio.evaluateFolders({ pred: out, truth: truths });
  expect(metrics.cases.map((c) => c.name)).toEqual(['a', 'b', 'c']);
  expect(metrics.cases[0].dice).toBe(1);
  expect(metrics.cases[1].dice).toBeCloseTo(0.5, 10);
  expect(metrics.mean.dice).toBeCloseTo(2.5 / 3, 10);
  expect(metrics.unmatched).toEqual([]);
});

test('the CLI imports with a manifest file and reports a bad one in one line', () => {
  const env = { ...process.env, MEDSEG_HOME: join(home, 'cli-home') };
  const manifestFile = join(home, 'manifest.json');
  writeFileSync(manifestFile, JSON.stringify(testManifest({ id: 'cli-import', input: { channels: 3, sizeMultiple: 1, layout: 'NCHW' }, preprocessing: { scale: 1, mean: [0, 0, 0], std: [1, 1, 1] } })));
  const ok = spawnSync(process.execPath, ['bin/medseg.mjs', 'models', 'import', join(home, 'bare.onnx'), '--manifest', manifestFile], { encoding: 'utf8', env });
  expect(ok.status).toBe(0);
  expect(JSON.parse(ok.stdout).id).toBe('cli-import');
  writeFileSync(manifestFile, '{"id": "x"');
  const bad = spawnSync(process.execPath, ['bin/medseg.mjs', 'models', 'import', join(home, 'bare.onnx'), '--manifest', manifestFile], { encoding: 'utf8', env });
  expect(bad.status).toBe(1);
  expect(bad.stderr).toMatch(/^medseg: Cannot read the manifest .*manifest\.json/);
  expect(bad.stderr.trim().split('\n')).toHaveLength(1);
});

test('a truth whose header is wrong but whose voxels follow the image is scored voxel by voxel on request', async () => {
  const size: [number, number, number] = [8, 8, 3];
  const labels = new Uint8Array(8 * 8 * 3).map((_, i) => (i % 5 === 0 ? 1 : 0));
  const geometry = { spacing: [0.6, 0.6, 1.6] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], components: 1, pixelType: 'uint8' as const, modality: 'SEG' };
  await writeImage(join(home, 'pred.nii.gz'), { ...geometry, size, origin: [-150, -170, 40], data: labels });
  await writeImage(join(home, 'truth-bad-header.nii.gz'), { ...geometry, size, origin: [0, 0, 0], data: labels });
  await expect(studio.evaluate({ pred: join(home, 'pred.nii.gz'), truth: join(home, 'truth-bad-header.nii.gz') }))
    .rejects.toThrow(/do not overlap in space .* compare voxel by voxel \(--voxel-order\)/);
  const metrics = await studio.evaluate({ pred: join(home, 'pred.nii.gz'), truth: join(home, 'truth-bad-header.nii.gz'), voxelOrder: true });
  expect(metrics.dice).toBe(1);
  // --truth-label picks one structure of a multi-label truth.
  await writeImage(join(home, 'organs.nii.gz'), { ...geometry, size, origin: [-150, -170, 40], data: labels.map((v, i) => (v ? 5 : i % 7 === 0 ? 3 : 0)) });
  expect((await studio.evaluate({ pred: join(home, 'pred.nii.gz'), truth: join(home, 'organs.nii.gz'), truthLabel: 5 })).dice).toBe(1);
});
