// Browser mode against a page that names files it should not (issue 10, items 2 and 4): symlinks
// out of a root, paths sent as bytes, cases opened elsewhere, the app's own files, and a case's
// own source image. Each attack goes through HTTP to the real engine behind its guard.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeImageIo, writeImage } from '../../src/core/io';
import { createStudio } from '../../src/core/studio';
import { appRoot } from '../../src/core/paths';
import { voxelCount } from '../../src/shared/image';
import { obliqueVolume } from '../fixtures/volumes';
import { imageDataSet, part10, TS_EXPLICIT_LE } from '../fixtures/dicom-bytes';
import { startBrowserMode, type BrowserMode } from '../fixtures/browser-mode';

let mode: BrowserMode;
let cliCaseId: string;
const digest = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeAll(async () => {
  mode = await startBrowserMode();
  await writeImage(join(mode.outside, 'secret.nii.gz'), obliqueVolume());
  await writeImage(join(mode.root, 'ct.nii.gz'), obliqueVolume());
  await writeImage(join(mode.root, 'other.nii.gz'), obliqueVolume());
  symlinkSync(mode.outside, join(mode.root, 'link'));
  symlinkSync(join(mode.outside, 'secret.nii.gz'), join(mode.root, 'file-link.nii.gz'));
  symlinkSync(join(mode.outside, 'not-yet'), join(mode.root, 'dangling'));
  mkdirSync(join(mode.root, 'pngs'));
  symlinkSync(join(mode.outside, 'secret.nii.gz'), join(mode.root, 'pngs', 'a.nii.gz'));
  // A DICOM folder whose link out lies two levels down (DICOMDIR layouts are read five levels deep).
  mkdirSync(join(mode.outside, 'dcm'));
  writeFileSync(join(mode.outside, 'dcm', 'slice1'), part10(imageDataSet(8, 8), TS_EXPLICIT_LE));
  mkdirSync(join(mode.root, 'study', 'inner'), { recursive: true });
  symlinkSync(join(mode.outside, 'dcm'), join(mode.root, 'study', 'inner', 'series'));
  mkdirSync(join(mode.root, 'own-study', 'inner'), { recursive: true });
  writeFileSync(join(mode.root, 'own-study', 'inner', 'slice1'), part10(imageDataSet(8, 8), TS_EXPLICIT_LE));
  symlinkSync(join(mode.root, 'own-study', 'inner'), join(mode.root, 'own-study', 'series'));
  // A case the CLI opened from a file outside the page's roots, in the same workspace.
  const cli = createStudio({ workspace: join(mode.home, 'workspace'), models: { user: join(mode.home, 'models') } });
  cliCaseId = (await cli.openCase({ path: join(mode.outside, 'secret.nii.gz') })).summary.id;
});
afterAll(async () => {
  await mode.server.close();
  await closeImageIo();
});

async function openedCase(path: string) {
  const opened = await mode.call('openCase', [{ path }]);
  expect(opened.error).toBeUndefined();
  return { id: opened.value.summary.id as string, labelmap: new Uint8Array(voxelCount(opened.value.image)) };
}

test('a symlink inside a root does not let the page read outside it', async () => {
  for (const path of [join(mode.root, 'link', 'secret.nii.gz'), join(mode.root, 'file-link.nii.gz')]) {
    for (const [method, args] of [['openCase', [{ path }]], ['imageInfo', [path]], ['evaluate', [{ pred: path, truth: join(mode.root, 'ct.nii.gz') }]]] as const) {
      const answer = await mode.call(method, args as unknown as unknown[]);
      expect(answer.ok, `${method} ${path}`).toBe(false);
      expect(answer.error).toMatch(/which leads to .*outside.*outside the files this page may open/);
    }
  }
  // A folder whose entries are read by name may not hold a link out either.
  const batch = await mode.call('segmentBatch', [{ inputs: [join(mode.root, 'pngs')], model: 'unet-liver-ct', outDir: join(mode.root, 'masks') }]);
  expect(batch.error).toMatch(/links to a\.nii\.gz outside/);
  expect((await mode.call('openCase', [{ path: join(mode.root, 'ct.nii.gz') }])).ok).toBe(true);
});

test('a DICOM folder read reads no slice outside the roots, however deep its link out lies', async () => {
  for (const method of ['openCase', 'imageInfo', 'listSeries'] as const) {
    const folder = join(mode.root, 'study');
    const answer = await mode.call(method, [method === 'openCase' ? { path: folder } : folder]);
    expect(answer.ok, method).toBe(false);
    expect(answer.error, method).toMatch(/The folder .*study links to inner\/series outside the files this page may open/);
  }
  // Links that stay inside the roots are followed as before.
  expect((await mode.call('imageInfo', [join(mode.root, 'own-study')])).error).toBeUndefined();
});

test('a symlink inside a root does not let the page write outside it', async () => {
  const ct = await openedCase(join(mode.root, 'ct.nii.gz'));
  for (const out of [join(mode.root, 'link', 'written.nii.gz'), join(mode.root, 'dangling', 'x.nii.gz'), join(mode.root, 'dangling')]) {
    const answer = await mode.call('exportMask', [{ caseId: ct.id, labelmap: ct.labelmap, out }]);
    expect(answer.error, out).toMatch(/outside the folders this page may write to/);
  }
  const batch = await mode.call('segmentBatch', [{ inputs: [join(mode.root, 'ct.nii.gz')], model: 'unet-liver-ct', outDir: join(mode.root, 'link', 'masks') }]);
  expect(batch.error).toMatch(/outside the folders this page may write to/);
  expect(readdirSync(mode.outside).sort()).toEqual(['dcm', 'secret.nii.gz']);
  expect((await mode.call('exportMask', [{ caseId: ct.id, labelmap: ct.labelmap, out: join(mode.root, 'mask.nii.gz'), besideSource: true }])).ok).toBe(true);
});

test('a path sent as bytes is refused before the engine sees it', async () => {
  writeFileSync(join(mode.outside, 'model.onnx'), 'not a model');
  const bytes = new TextEncoder().encode(join(mode.outside, 'model.onnx'));
  const answer = await mode.call('importModel', [{ file: bytes }]);
  expect(answer.status).toBe(400);
  expect(answer.error).toBe('importModel: "file" must be a file or folder path (a non-empty string), not a Uint8Array');
  expect((await mode.call('openCase', [{ path: bytes as unknown as string }])).status).toBe(400);
});

test('cases opened elsewhere from files outside the roots are neither listed nor usable', async () => {
  const listed = await mode.call('recentCases', []);
  expect(listed.value.length).toBeGreaterThan(0);
  expect(listed.value.map((c: { id: string }) => c.id)).not.toContain(cliCaseId);
  const labelmap = new Uint8Array(voxelCount(obliqueVolume()));
  const attempts: [string, unknown][] = [
    ['exportMask', { caseId: cliCaseId, labelmap, out: join(mode.root, 'stolen.nii.gz') }],
    ['saveCase', { caseId: cliCaseId, labelmap, provenance: labelmap, labels: [] }],
    ['reviewCase', { caseId: cliCaseId, reviewed: true }],
    ['segmentCase', { caseId: cliCaseId, model: 'unet-liver-ct' }],
  ];
  for (const [method, request] of attempts) {
    expect((await mode.call(method, [request])).error, method).toBe(`No such case: ${cliCaseId}. Open the image again.`);
  }
  expect(existsSync(join(mode.root, 'stolen.nii.gz'))).toBe(false);
});

test('the app\'s own files are readable and never written', async () => {
  const sampleFile = join(appRoot(), 'resources', 'sample', 'abdomen-phantom.nii.gz');
  const before = digest(sampleFile);
  const sample = await mode.call('openSampleCase', []);
  const labelmap = new Uint8Array(voxelCount(sample.value.image));
  expect((await mode.call('openCase', [{ path: sampleFile }])).ok).toBe(true);
  for (const out of [sampleFile, join(appRoot(), 'resources', 'sample', 'new.nii.gz'), join(appRoot(), 'models', 'x.nii.gz')]) {
    const answer = await mode.call('exportMask', [{ caseId: sample.value.summary.id, labelmap, out }]);
    expect(answer.error, out).toMatch(/part of the app's own files or model store, which are never written/);
  }
  expect(digest(sampleFile)).toBe(before);
});

test('exports and segmentations never overwrite the image a case was opened from', async () => {
  const ct = await openedCase(join(mode.root, 'ct.nii.gz'));
  await openedCase(join(mode.root, 'other.nii.gz'));
  const sources = ['ct.nii.gz', 'other.nii.gz'].map((f) => join(mode.root, f));
  const before = sources.map(digest);
  for (const out of [...sources, join(mode.root, '.', 'ct.nii.gz')]) {
    const answer = await mode.call('exportMask', [{ caseId: ct.id, labelmap: ct.labelmap, out }]);
    expect(answer.error, out).toMatch(/is the image a case was opened from: masks are never written over a source image/);
  }
  const segment = await mode.call('segment', [{ input: sources[0], model: 'unet-liver-ct', out: sources[0] }]);
  expect(segment.error).toMatch(/never written over a source image/);
  const batch = await mode.call('segmentBatch', [{ inputs: [sources[0]], model: 'unet-liver-ct', outDir: mode.root }]);
  expect(batch.error).toMatch(/never written over a source image/);
  expect(sources.map(digest)).toEqual(before);
});

test('the CLI\'s engine refuses to overwrite a source too (no host involved)', async () => {
  const studio = createStudio({ workspace: join(mode.home, 'workspace'), models: { user: join(mode.home, 'models') } });
  const source = join(mode.root, 'ct.nii.gz');
  const before = digest(source);
  const opened = await studio.openCase({ path: source });
  await expect(studio.exportMask({ caseId: opened.summary.id, labelmap: new Uint8Array(voxelCount(opened.image)), out: source }))
    .rejects.toThrow(/never written over a source image/);
  expect(digest(source)).toBe(before);
});
