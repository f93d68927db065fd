// A model made for one modality is not run on another without the caller saying so (API field and
// CLI flag), and the models for a case's modality are listed first. Opening a case reports its
// progress and can be cancelled.
import { beforeAll, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStudio } from '../../src/core/studio';
import { writeImage } from '../../src/core/io';
import type { StudioEvent } from '../../src/shared/api';
import type { VolumeImage } from '../../src/shared/image';
import { testManifest, writeConvModel } from '../fixtures/onnx-builder';
import { HAS_DCMTK, defaultSeriesSpec, makeDicomSeries } from '../fixtures/dicom';

const home = mkdtempSync(join(tmpdir(), 'medseg-choice-'));
const models = join(home, 'models');
const events: StudioEvent[] = [];
const studio = createStudio({ workspace: join(home, 'workspace'), models: { user: models, shipped: join(home, 'none') }, emit: (e) => events.push(e) });
const grid = { size: [24, 20, 4] as [number, number, number], spacing: [1, 1, 2] as [number, number, number], origin: [0, 0, 0] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
const mrLike = join(home, 'mr.nii.gz');
const ct = join(home, 'ct.nii.gz');
const photo = join(home, 'photo.png');

beforeAll(async () => {
  mkdirSync(models);
  const ctWindow = { window: { center: 40, width: 400 }, scale: 1, mean: [0], std: [1] };
  writeConvModel(join(models, 'liver-ct.onnx'), { weights: [[1]], bias: [0], manifest: testManifest({ id: 'liver-ct', name: 'Liver (CT)', modality: 'CT', preprocessing: ctWindow }) });
  writeConvModel(join(models, 'prostate-mr.onnx'), { weights: [[1]], bias: [0], manifest: testManifest({ id: 'prostate-mr', name: 'Prostate (MR)', modality: 'MR' }) });
  const volume = (data: Int16Array): VolumeImage => ({ ...grid, components: 1, pixelType: 'int16', data, modality: 'unknown' });
  await writeImage(mrLike, volume(new Int16Array(24 * 20 * 4).map((_, n) => 100 + (n % 600))));
  await writeImage(ct, volume(new Int16Array(24 * 20 * 4).map((_, n) => (n % 3 ? -1000 : 400))));
  await writeImage(photo, { ...grid, size: [24, 20, 1], components: 1, pixelType: 'uint8', data: new Uint8Array(24 * 20).fill(90), modality: 'OT' });
});

test('a CT model on a photo is refused, saying why, unless allowed; an image of unknown kind is not refused', async () => {
  const opened = await studio.openCase({ path: photo });
  await expect(studio.segmentCase({ caseId: opened.summary.id, model: 'liver-ct' }))
    .rejects.toThrow(/^Not run: Liver \(CT\) was trained on CT images, and this image is a 2D picture .*allowOtherModality/);
  const forced = await studio.segmentCase({ caseId: opened.summary.id, model: 'liver-ct', allowOtherModality: true });
  expect(forced.slices).toBe(1);
  // A NIfTI says nothing of its modality, and these voxels do not tell either: nothing to refuse on.
  const unknown = await studio.openCase({ path: mrLike });
  expect((await studio.segmentCase({ caseId: unknown.summary.id, model: 'liver-ct' })).slices).toBe(4);
  const onCt = await studio.openCase({ path: ct });
  expect((await studio.segmentCase({ caseId: onCt.summary.id, model: 'liver-ct' })).slices).toBe(4);
  expect((await studio.modelsFor({ caseId: onCt.summary.id })).map((m) => [m.id, m.mismatch === null])).toEqual([['liver-ct', true], ['prostate-mr', false]]);
  expect((await studio.modelsFor({ modality: 'MR' }))[0].id).toBe('prostate-mr');
});

test.skipIf(!HAS_DCMTK)('an MR DICOM series refuses the CT model from the CLI unless --any-modality', () => {
  const series = join(home, 'mr-series');
  makeDicomSeries(series, defaultSeriesSpec({ modality: 'MR', intercept: 0, seriesUid: '1.2.826.0.1.3680043.2.1125.9999.41' }));
  const medseg = (...args: string[]) => spawnSync(process.execPath, ['bin/medseg.mjs', ...args],
    { encoding: 'utf8', timeout: 120_000, env: { ...process.env, MEDSEG_HOME: home } });
  const refused = medseg('segment', series, '--model', 'liver-ct', '--out', join(home, 'refused.nii.gz'));
  expect(refused.status).toBe(1);
  expect(refused.stderr).toMatch(/^medseg: Not run: Liver \(CT\) was trained on CT images, and this image is MR\. .*Models that fit it: [^.]*prostate-mr.*--any-modality/);
  expect(existsSync(join(home, 'refused.nii.gz'))).toBe(false);
  const forced = medseg('segment', series, '--model', 'liver-ct', '--out', join(home, 'forced.nii.gz'), '--any-modality');
  expect(forced.status).toBe(0);
  expect(JSON.parse(forced.stdout).out).toBe(join(home, 'forced.nii.gz'));
  // The shipped models are listed too: none is made for MR, so the user's MR model comes first.
  const listed: { id: string; mismatch: string | null }[] = JSON.parse(medseg('models', '--modality', 'MR').stdout);
  expect(listed[0]).toMatchObject({ id: 'prostate-mr', mismatch: null });
  expect(listed.find((m) => m.id === 'liver-ct')?.mismatch).toMatch(/this image is MR/);
});

test('opening a case reports progress under its job id, and a cancelled opening rejects', async () => {
  events.length = 0;
  await studio.openCase({ path: ct, jobId: 'open-1' });
  const progress = events.filter((e) => e.kind === 'progress' && e.jobId === 'open-1');
  expect(progress.length).toBeGreaterThanOrEqual(1);
  expect(progress.at(-1)).toMatchObject({ done: 1, total: 1, message: 'Decoding ct.nii.gz: 1 / 1 files' });
  const opening = studio.openCase({ path: mrLike, jobId: 'open-2' });
  expect(await studio.cancelJob('open-2')).toBe(true);
  await expect(opening).rejects.toThrow(/Opening mr\.nii\.gz was cancelled/);
  expect(await studio.cancelJob('open-2')).toBe(false);
});
