// The workstation's case flow through the engine: open, autosave, reopen with the work restored,
// export a verified mask, open dropped files, list recent cases.
import { expect, test } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStudio } from '../../src/core/studio';
import { readImage, writeImage } from '../../src/core/io';
import { sameGeometry } from '../../src/shared/geometry';
import { voxelCount } from '../../src/shared/image';

const home = mkdtempSync(join(tmpdir(), 'medseg-cases-'));
const studio = createStudio({ workspace: join(home, 'workspace'), models: { user: join(home, 'models') } });

test('the sample case opens, and saved work comes back on reopen', async () => {
  const opened = await studio.openSampleCase();
  expect(opened.image.size).toEqual([192, 192, 32]);
  expect(opened.image.modality).toBe('unknown');
  expect(opened.labelmap).toBeNull();

  const n = voxelCount(opened.image);
  const labelmap = new Uint8Array(n);
  const provenance = new Uint8Array(n);
  for (let v = 1000; v < 5000; v++) { labelmap[v] = 1; provenance[v] = 2; }
  const saved = await studio.saveCase({ caseId: opened.summary.id, labelmap, provenance, labels: [{ value: 1, name: 'liver', color: '#d95f02' }], proposedBy: null });
  expect(saved.savedAt).not.toBeNull();
  // One record (geometry and metadata: a few KB, no voxels) and one work file; no temporary files left behind.
  const folder = join(home, 'workspace', 'cases', opened.summary.id);
  const files = readdirSync(folder).sort();
  expect(files).toHaveLength(2);
  expect(files[0]).toBe('case.json');
  expect(files[1]).toMatch(/^work-[0-9a-f]{16}\.bin$/);
  expect(statSync(join(folder, 'case.json')).size).toBeLessThan(4096);

  const again = await studio.openSampleCase();
  expect(again.summary.id).toBe(opened.summary.id);
  expect(again.labelmap).toEqual(labelmap);
  expect(again.provenance).toEqual(provenance);
  expect(again.labels).toEqual([{ value: 1, name: 'liver', color: '#d95f02' }]);
  expect((await studio.recentCases()).map((c) => c.id)).toContain(opened.summary.id);
});

test('export writes the labelmap on the image grid, verified by reading it back', async () => {
  const opened = await studio.openSampleCase();
  const labelmap = new Uint8Array(voxelCount(opened.image));
  labelmap.fill(2, 20_000, 30_000);
  mkdirSync(join(home, 'export'));
  const out = join(home, 'export', 'mask.nii.gz');
  const { written } = await studio.exportMask({ caseId: opened.summary.id, labelmap, out });
  expect(written).toEqual([out, join(home, 'export', 'mask.labels.json')]);
  const back = await readImage(out);
  expect(sameGeometry(back, opened.image)).toBe(true);
  expect(Array.from(back.data)).toEqual(Array.from(labelmap));
});

test('dropped files open as a case; a 2D case exports PNG beside NIfTI', async () => {
  const photo = join(home, 'polyp.png');
  const rgb = new Uint8Array(40 * 30 * 3).map((_, i) => (i * 7) % 256);
  await writeImage(photo, { size: [40, 30, 1], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], components: 3, pixelType: 'uint8', data: rgb, modality: 'OT' });
  const opened = await studio.openUploadedCase([{ name: 'polyp.png', bytes: new Uint8Array(readFileSync(photo)) }]);
  expect(opened.image.size).toEqual([40, 30, 1]);
  expect(opened.image.components).toBe(3);
  const labelmap = new Uint8Array(40 * 30).fill(1, 0, 300);
  const { written } = await studio.exportMask({ caseId: opened.summary.id, labelmap, out: join(home, 'polyp-mask.nii.gz') });
  expect(written).toEqual([join(home, 'polyp-mask.nii.gz'), join(home, 'polyp-mask.png'), join(home, 'polyp-mask.labels.json')]);
  expect(Array.from((await readImage(written[1])).data)).toEqual(Array.from(labelmap));
});

test('saving a labelmap of the wrong size is refused and leaves the saved work intact', async () => {
  const opened = await studio.openSampleCase();
  await expect(studio.saveCase({ caseId: opened.summary.id, labelmap: new Uint8Array(10), provenance: new Uint8Array(10), labels: [] }))
    .rejects.toThrow(/labelmap has 10 voxels/);
  expect((await studio.openSampleCase()).labelmap).not.toBeNull();
  await expect(studio.openUploadedCase([{ name: '../escape.png', bytes: new Uint8Array(4) }])).rejects.toThrow(/leaves its folder/);
});

test('a dropped file that does not open as an image leaves nothing behind in the workspace', async () => {
  const bytes = new Uint8Array(3 * 2 ** 20).fill(7); // a big file that is no image
  await expect(studio.openUploadedCase([{ name: 'not-an-image.nii.gz', bytes }])).rejects.toThrow();
  const uploads = join(home, 'workspace', 'uploads');
  const left = readdirSync(uploads).filter((d) => readdirSync(join(uploads, d)).includes('not-an-image.nii.gz'));
  expect(left).toEqual([]);
});
