// Masks in and out of a case through the engine: exports go to the workspace's exports folder by
// default, never over the source and into its folder only when asked, with their label names
// beside them and their bytes for a browser download; an existing mask opens onto a case only on
// the case's grid (any axis order of the same voxels), with its names.
import { expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStudio } from '../../src/core/studio';
import { readImage, writeImage, writeLabelmap } from '../../src/core/io';
import type { Geometry, VolumeImage } from '../../src/shared/image';

const home = mkdtempSync(join(tmpdir(), 'medseg-masks-'));
const data = join(home, 'data');
mkdirSync(data);
const studio = createStudio({ workspace: join(home, 'workspace'), models: { user: join(home, 'models') } });
const LABELS = [{ value: 1, name: 'liver', color: '#d95f02' }, { value: 2, name: 'tumour', color: '#7570b3' }];

const grid: Geometry = { size: [20, 16, 6], spacing: [0.7, 0.9, 2.5], origin: [-5, 12, 40], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
const voxels = 20 * 16 * 6;
const labelmap = new Uint8Array(voxels).map((_, n) => (n % 5 === 0 ? 1 : n % 11 === 0 ? 2 : 0));

async function openCt() {
  const image: VolumeImage = { ...grid, components: 1, pixelType: 'int16', data: new Int16Array(voxels).map((_, n) => n % 200), modality: 'CT' };
  await writeImage(join(data, 'ct.nii.gz'), image);
  return studio.openCase({ path: join(data, 'ct.nii.gz') });
}

test('an export goes to a new file in the workspace exports folder, with its labels beside it and its bytes', async () => {
  const opened = await openCt();
  const first = await studio.exportMask({ caseId: opened.summary.id, labelmap, labels: LABELS, download: true });
  const folder = join(home, 'workspace', 'exports', `ct-${opened.summary.id.slice(0, 8)}`);
  expect(first.written).toEqual([join(folder, 'ct-mask.nii.gz'), join(folder, 'ct-mask.labels.json')]);
  expect(Array.from((await readImage(first.written[0])).data)).toEqual(Array.from(labelmap));
  expect(JSON.parse(readFileSync(first.written[1], 'utf8')).labels).toEqual(LABELS);
  expect(first.files!.map((f) => f.name)).toEqual(['ct-mask.nii.gz', 'ct-mask.labels.json']);
  expect(Buffer.from(first.files![0].bytes).equals(readFileSync(first.written[0]))).toBe(true);
  // A second export never replaces the first.
  const second = await studio.exportMask({ caseId: opened.summary.id, labelmap });
  expect(second.written[0]).toBe(join(folder, 'ct-mask-2.nii.gz'));
  expect(second.files).toBeUndefined();
});

test('an export never overwrites the source, and goes into its folder only when the caller says so', async () => {
  const opened = await openCt();
  const before = readFileSync(join(data, 'ct.nii.gz'));
  await expect(studio.exportMask({ caseId: opened.summary.id, labelmap, out: join(data, 'ct.nii.gz'), besideSource: true }))
    .rejects.toThrow(/is the image a case was opened from: masks are never written over a source image/);
  await expect(studio.exportMask({ caseId: opened.summary.id, labelmap, out: join(data, 'masks', 'ct-mask.nii.gz') }))
    .rejects.toThrow(/inside the folder of the case's source image/);
  expect(readFileSync(join(data, 'ct.nii.gz')).equals(before)).toBe(true);
  mkdirSync(join(data, 'masks'), { recursive: true });
  const { written } = await studio.exportMask({ caseId: opened.summary.id, labelmap, out: join(data, 'masks', 'ct-mask.nii.gz'), besideSource: true });
  expect(written[0]).toBe(join(data, 'masks', 'ct-mask.nii.gz'));
});

test('an exported mask opens back onto its case with its names, and can be saved as the case\'s work', async () => {
  const opened = await openCt();
  const { written } = await studio.exportMask({ caseId: opened.summary.id, labelmap, labels: LABELS });
  const loaded = await studio.loadMask({ caseId: opened.summary.id, mask: written[0], save: true });
  expect(loaded.labelmap).toEqual(labelmap);
  expect(loaded.labels).toEqual(LABELS);
  expect(loaded.counts[1]).toBe(labelmap.filter((v) => v === 1).length);
  expect(loaded.saved?.savedAt).not.toBeNull();
  const reopened = await studio.openCase({ path: join(data, 'ct.nii.gz') });
  expect(reopened.labelmap).toEqual(labelmap);
  expect(reopened.labels).toEqual(LABELS);
  expect(reopened.provenance!.every((p, n) => p === (labelmap[n] ? 2 : 0))).toBe(true);
});

test('a .seg.nrrd export carries Slicer\'s segment fields instead of a sidecar, and opens back with its names', async () => {
  const opened = await openCt();
  const out = join(home, 'ct.seg.nrrd');
  const { written } = await studio.exportMask({ caseId: opened.summary.id, labelmap, labels: LABELS, out });
  expect(written).toEqual([out]);
  expect(readFileSync(out).subarray(0, 4000).toString('latin1')).toMatch(/Segment0_Name:=liver/);
  const loaded = await studio.loadMask({ caseId: opened.summary.id, mask: out });
  expect(loaded.labels).toEqual(LABELS);
  expect(loaded.labelmap).toEqual(labelmap);
});

test('a mask of the same voxels in another axis order fits exactly; another grid is refused', async () => {
  const opened = await openCt();
  const [nx, ny, nz] = grid.size;
  // i flipped: the file's first voxel is the image's last along i.
  const flipped = new Uint8Array(voxels);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) flipped[(nx - 1 - i) + nx * (j + ny * k)] = labelmap[i + nx * (j + ny * k)];
  const flippedGrid: Geometry = { ...grid, origin: [grid.origin[0] + 0.7 * (nx - 1), grid.origin[1], grid.origin[2]], direction: [-1, 0, 0, 0, 1, 0, 0, 0, 1] };
  await writeLabelmap(join(home, 'flipped.nii.gz'), flipped, flippedGrid);
  expect((await studio.loadMask({ caseId: opened.summary.id, mask: join(home, 'flipped.nii.gz') })).labelmap).toEqual(labelmap);

  await writeLabelmap(join(home, 'smaller.nii.gz'), new Uint8Array(20 * 16 * 5), { ...grid, size: [20, 16, 5] });
  await expect(studio.loadMask({ caseId: opened.summary.id, mask: join(home, 'smaller.nii.gz') }))
    .rejects.toThrow(/Cannot open smaller\.nii\.gz onto ct\.nii\.gz: its grid is 20×16×5 voxels and the image's 20×16×6/);
  // Same size, header elsewhere: refused, unless the caller takes the voxels in file order.
  await writeLabelmap(join(home, 'shifted.nii.gz'), labelmap, { ...grid, origin: [0, 0, 0] });
  await expect(studio.loadMask({ caseId: opened.summary.id, mask: join(home, 'shifted.nii.gz') })).rejects.toThrow(/header places it elsewhere.*voxelOrder/);
  expect((await studio.loadMask({ caseId: opened.summary.id, mask: join(home, 'shifted.nii.gz'), voxelOrder: true })).labelmap).toEqual(labelmap);
});

test('a mask without names gets default ones, a damaged label list is refused, a 0/255 photo mask is label 1', async () => {
  const opened = await openCt();
  await writeLabelmap(join(home, 'plain.nii.gz'), labelmap, grid);
  const plain = await studio.loadMask({ caseId: opened.summary.id, mask: join(home, 'plain.nii.gz') });
  expect(plain.labels.map((l) => l.name)).toEqual(['label 1', 'label 2']);
  writeFileSync(join(home, 'plain.labels.json'), '{"format": "medseg-labels/1", "labels": "not-a-list"}');
  await expect(studio.loadMask({ caseId: opened.summary.id, mask: join(home, 'plain.nii.gz') })).rejects.toThrow(/Cannot use the label list: it is not a list/);

  const photo = join(data, 'polyp.png');
  await writeImage(photo, { size: [8, 6, 1], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], components: 3,
    pixelType: 'uint8', data: new Uint8Array(8 * 6 * 3).fill(90), modality: 'OT' });
  const photoCase = await studio.openCase({ path: photo });
  await writeImage(join(home, 'polyp-mask.png'), { size: [8, 6, 1], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    components: 1, pixelType: 'uint8', data: new Uint8Array(48).map((_, n) => (n < 10 ? 255 : 0)), modality: 'OT' });
  const mask = await studio.loadMask({ caseId: photoCase.summary.id, mask: join(home, 'polyp-mask.png') });
  expect(mask.counts).toEqual({ 1: 10 });
  expect(existsSync(join(home, 'polyp-mask.labels.json'))).toBe(false);
});

test('from a terminal: a mask becomes the case\'s labelmap, and the export goes to the exports folder', async () => {
  await openCt();
  await writeLabelmap(join(home, 'cli-mask.nii.gz'), labelmap, grid);
  const workspace = join(home, 'cli-workspace');
  const medseg = (...args: string[]) => spawnSync(process.execPath, ['bin/medseg.mjs', ...args, '--workspace', workspace],
    { encoding: 'utf8', timeout: 120_000, env: { ...process.env, MEDSEG_HOME: home } });
  const loaded = medseg('cases', 'mask', join(data, 'ct.nii.gz'), '--mask', join(home, 'cli-mask.nii.gz'));
  expect(loaded.status).toBe(0);
  expect(JSON.parse(loaded.stdout)).toMatchObject({ counts: { 1: labelmap.filter((v) => v === 1).length }, saved: { name: 'ct.nii.gz' } });
  const exported = medseg('cases', 'export', join(data, 'ct.nii.gz'));
  expect(exported.status).toBe(0);
  const [mask] = JSON.parse(exported.stdout).written;
  expect(mask.startsWith(join(workspace, 'exports'))).toBe(true);
  expect(Array.from((await readImage(mask)).data)).toEqual(Array.from(labelmap));
  const refused = medseg('cases', 'export', join(data, 'ct.nii.gz'), '--out', join(data, 'ct-mask.nii.gz'));
  expect(refused.status).toBe(1);
  expect(refused.stderr).toMatch(/inside the folder of the case's source image/);
});
