// AI clicks through the engine (refineSlice) with a generated click-guided model: clicks add and
// remove, the previous mask is carried, other labels and other slices are left alone, bad requests
// are refused with messages a user can act on.
import { expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStudio } from '../../src/core/studio';
import { readImage, writeImage } from '../../src/core/io';
import { obliqueVolume, photo } from '../fixtures/volumes';
import { clickModelManifest, writeClickModel } from '../fixtures/click-model';
import { writeConvModel, testManifest } from '../fixtures/onnx-builder';

const home = mkdtempSync(join(tmpdir(), 'medseg-refine-'));
const models = join(home, 'models');
mkdirSync(models);
writeClickModel(join(models, 'click-rgb.onnx'), 3, 32);
writeClickModel(join(models, 'click-grey.onnx'), 1, 32, { id: 'click-grey' });
// 2.5D: slices k-1, k, k+1 as the image channels; this one answers with the next slice's bright voxels.
writeConvModel(join(models, 'click-next.onnx'), { weights: [[0, 0, 10, 0, 0, 0]], bias: [-5], manifest: clickModelManifest(3, 32, {
  id: 'click-next', input: { channels: 6, height: 32, width: 32, sizeMultiple: 1, layout: 'NCHW', adjacentSlices: 1 } }) });
writeConvModel(join(models, 'plain.onnx'), { weights: [[1]], bias: [0], manifest: testManifest({ id: 'plain' }) });
const studio = createStudio({ workspace: join(home, 'workspace'), models: { user: models, shipped: join(home, 'none') } });

const count = (mask: Uint8Array, value: number) => mask.reduce((n, v) => n + (v === value ? 1 : 0), 0);

test('a positive click adds a disk around it, a negative one removes, the previous mask is kept', async () => {
  const file = join(home, 'photo.png');
  await writeImage(file, photo(80, 60, 3));
  const { summary } = await studio.openCase({ path: file });
  const first = await studio.refineSlice({ caseId: summary.id, model: 'click-test', k: 0, clicks: [{ i: 20, j: 30, positive: true }] });
  expect(first.model).toBe('click-test@1.0.0');
  expect(first.mask.length).toBe(80 * 60);
  // Whole slice (80 × 60) into 32 × 32: a radius-3 disk is an ellipse of radii 7.5 × 5.6 voxels (≈ 132).
  expect(first.mask[30 * 80 + 20]).toBe(1);
  expect(count(first.mask, 1)).toBeGreaterThan(110);
  expect(count(first.mask, 1)).toBeLessThan(170);
  expect(first.mask[30 * 80 + 40]).toBe(0);

  const clicks = [{ i: 20, j: 30, positive: true }, { i: 50, j: 20, positive: true }];
  const second = await studio.refineSlice({ caseId: summary.id, model: 'click-test', k: 0, clicks, mask: first.mask });
  expect(second.mask[30 * 80 + 20]).toBe(1);
  expect(second.mask[20 * 80 + 50]).toBe(1);

  const removed = await studio.refineSlice({ caseId: summary.id, model: 'click-test', k: 0,
    clicks: [...clicks, { i: 50, j: 20, positive: false }], mask: second.mask });
  expect(removed.mask[20 * 80 + 50]).toBe(0);
  expect(removed.mask[30 * 80 + 20]).toBe(1);
  expect(removed.seconds).toBeGreaterThan(0);
});

test('another label is never overwritten, and the label edited can be any value', async () => {
  const file = join(home, 'photo2.png');
  await writeImage(file, photo(40, 40, 3));
  const { summary } = await studio.openCase({ path: file });
  const mask = new Uint8Array(1600);
  mask[20 * 40 + 20] = 2;
  const out = await studio.refineSlice({ caseId: summary.id, model: 'click-test', k: 0, clicks: [{ i: 20, j: 20, positive: true }], mask, label: 3 });
  expect(out.mask[20 * 40 + 20]).toBe(2);
  expect(out.mask[20 * 40 + 21]).toBe(3);
  expect(count(out.mask, 1)).toBe(0);
});

test('any slice of a volume, on a grey-value image', async () => {
  const file = join(home, 'volume.nii.gz');
  await writeImage(file, obliqueVolume({ size: [30, 20, 5] }));
  const { summary } = await studio.openCase({ path: file });
  const out = await studio.refineSlice({ caseId: summary.id, model: 'click-grey', k: 3, clicks: [{ i: 10, j: 12, positive: true }] });
  expect(out.mask.length).toBe(600);
  expect(out.mask[12 * 30 + 10]).toBe(1);
});

test('2.5D models get the neighbouring slices, clamped at the ends', async () => {
  const volume = obliqueVolume({ size: [32, 32, 3], pixelType: 'uint8' });
  volume.data.fill(0);
  for (let j = 8; j < 16; j++) volume.data.fill(255, 2 * 1024 + j * 32 + 8, 2 * 1024 + j * 32 + 16); // a square on slice 2
  const file = join(home, 'context.nii.gz');
  await writeImage(file, volume);
  const { summary } = await studio.openCase({ path: file });
  const at = (k: number) => studio.refineSlice({ caseId: summary.id, model: 'click-next', k, clicks: [{ i: 1, j: 1, positive: true }] });
  expect(count((await at(1)).mask, 1)).toBe(64);   // slice 2 is slice 1's next
  expect(count((await at(2)).mask, 1)).toBe(64);   // the last slice is its own next
  expect(count((await at(0)).mask, 1)).toBe(0);    // slice 1 is dark
});

test('requests a user can get wrong are refused with what to do', async () => {
  const file = join(home, 'photo3.png');
  await writeImage(file, photo(20, 10, 3));
  const { summary } = await studio.openCase({ path: file });
  const base = { caseId: summary.id, model: 'click-test', k: 0, clicks: [{ i: 1, j: 1, positive: true }] };
  await expect(studio.refineSlice({ ...base, model: 'plain' })).rejects.toThrow(/not a click-guided model/);
  await expect(studio.refineSlice({ ...base, k: 1 })).rejects.toThrow(/slices 0–0/);
  await expect(studio.refineSlice({ ...base, clicks: [{ i: 20, j: 1, positive: true }] })).rejects.toThrow(/outside the 20×10 slice/);
  await expect(studio.refineSlice({ ...base, mask: new Uint8Array(5) })).rejects.toThrow(/must hold 200 labels/);
  await expect(studio.refineSlice({ ...base, label: 0 })).rejects.toThrow(/1–255/);
  await expect(studio.segmentCase({ caseId: summary.id, model: 'click-test' })).rejects.toThrow(/click-guided model: it refines a slice from clicks/);
  await expect(studio.startFinetune({ model: 'click-test' })).rejects.toThrow(/trained by its own trainer/);
});

test('medseg refine: the current mask with one slice refined, written on the image grid', async () => {
  const image = join(home, 'cli.nii.gz');
  await writeImage(image, obliqueVolume({ size: [30, 20, 4] }));
  const current = new Uint8Array(30 * 20 * 4);
  current[0] = 1;                      // slice 0: another slice, kept
  for (const j of [4, 5, 6]) current.fill(1, 2 * 600 + j * 30 + 4, 2 * 600 + j * 30 + 7); // slice 2 now: the test model keeps it
  const mask = join(home, 'current.nii.gz');
  await writeImage(mask, { ...obliqueVolume({ size: [30, 20, 4] }), pixelType: 'uint8', data: current });
  writeFileSync(join(home, 'clicks.json'), JSON.stringify([{ i: 20, j: 12, positive: true }]));
  const out = join(home, 'refined.nii.gz');
  const r = spawnSync(process.execPath, ['bin/medseg.mjs', 'refine', image, '--model', 'click-grey', '--clicks', join(home, 'clicks.json'),
    '--mask', mask, '--k', '2', '--out', out], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, MEDSEG_HOME: home } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const result = JSON.parse(r.stdout);
  expect(result).toMatchObject({ model: 'click-grey@1.0.0', k: 2, out });
  const written = (await readImage(out)).data;
  expect(written[0]).toBe(1);
  expect(written[2 * 600 + 12 * 30 + 20]).toBe(1);
  expect(written[2 * 600 + 5 * 30 + 5]).toBe(1);
  expect(result.sliceVoxels).toBe(Array.from(written.subarray(1200, 1800)).filter((v) => v === 1).length);
  const bad = spawnSync(process.execPath, ['bin/medseg.mjs', 'refine', image, '--model', 'click-grey', '--clicks', join(home, 'nope.json'), '--out', out],
    { encoding: 'utf8', timeout: 60_000, env: { ...process.env, MEDSEG_HOME: home } });
  expect(bad.status).toBe(1);
  expect(bad.stderr).toMatch(/^medseg: Cannot read the clicks/);
});
