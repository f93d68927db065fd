// A folder holding several DICOM series, through the engine: the series are listed for a picker,
// each opens as its own case named after its patient, study and series, opening reports files read
// and can be cancelled, and a case of a chosen series reads that series again when it needs to.
import { beforeAll, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStudio } from '../../src/core/studio';
import type { StudioEvent } from '../../src/shared/api';
import { HAS_DCMTK, defaultSeriesSpec, makeDicomSeries } from '../fixtures/dicom';

const home = mkdtempSync(join(tmpdir(), 'medseg-series-'));
const folder = join(home, 'study');
const workspace = join(home, 'workspace');
const events: StudioEvent[] = [];
const studio = createStudio({ workspace, models: { user: join(home, 'models'), shipped: join(home, 'none') }, emit: (e) => events.push(e) });
const VENOUS = '1.2.826.0.1.3680043.2.1125.9999.61';
const ARTERIAL = '1.2.826.0.1.3680043.2.1125.9999.62';

beforeAll(() => {
  if (!HAS_DCMTK) return;
  const study = ['(0008,1030) LO [CT abdomen]'];
  makeDicomSeries(join(folder, 'venous'), defaultSeriesSpec({ slices: 10, seriesUid: VENOUS, seriesNumber: 3, seriesDescription: 'Portal venous', patientName: 'DOE^JANE', extra: study }));
  makeDicomSeries(join(folder, 'arterial'), defaultSeriesSpec({ slices: 6, seriesUid: ARTERIAL, seriesNumber: 2, seriesDescription: 'Arterial', patientName: 'DOE^JANE', extra: study }));
});

test.skipIf(!HAS_DCMTK)('the series of a folder are listed, and each opens as its own case named after patient, study and series', async () => {
  const series = await studio.listSeries(folder);
  expect(series.map((s) => [s.seriesInstanceUid, s.seriesDescription, s.slices])).toEqual([[VENOUS, 'Portal venous', 10], [ARTERIAL, 'Arterial', 6]]);

  events.length = 0;
  const byDefault = await studio.openCase({ path: folder, jobId: 'open-default' });
  expect(byDefault.summary.name).toBe('DOE, JANE · CT abdomen · Portal venous');
  expect(byDefault.summary.seriesUid).toBe(VENOUS);
  expect(byDefault.image.size[2]).toBe(10);
  const messages = events.filter((e) => e.kind === 'progress' && e.jobId === 'open-default').map((e) => (e as { message: string }).message);
  expect(messages.some((m) => /Reading the headers of study: \d+ \/ 16 files/.test(m))).toBe(true);
  expect(messages.some((m) => /^Decoding study/.test(m))).toBe(true);

  const arterial = await studio.openCase({ path: folder, seriesUid: ARTERIAL });
  expect(arterial.summary.name).toBe('DOE, JANE · CT abdomen · Arterial');
  expect(arterial.image.size[2]).toBe(6);
  expect(arterial.summary.id).not.toBe(byDefault.summary.id);
  // Choosing the default series explicitly is the folder's case, not a second one.
  expect((await studio.openCase({ path: folder, seriesUid: VENOUS })).summary.id).toBe(byDefault.summary.id);

  const voxels = 24 * 32 * 6;
  const labelmap = new Uint8Array(voxels).fill(1, 0, 100);
  await studio.saveCase({ caseId: arterial.summary.id, labelmap, provenance: new Uint8Array(voxels), labels: [{ value: 1, name: 'aorta', color: '#cc0000' }] });
  // A fresh engine on the same workspace: the arterial case reads the arterial series again.
  const later = createStudio({ workspace, models: { user: join(home, 'models'), shipped: join(home, 'none') } });
  const exported = await later.exportMask({ caseId: arterial.summary.id, labelmap });
  expect(exported.written[0]).toMatch(/exports/);
  // Nothing joins the series' folder, even when the caller allows writing beside the source.
  for (const out of [join(folder, 'mask.nii.gz'), join(folder, 'arterial', 'mask.nii.gz')]) {
    await expect(later.exportMask({ caseId: arterial.summary.id, labelmap, out, besideSource: true }), out).rejects.toThrow(/inside the DICOM folder the case was opened from/);
  }
  expect((await later.exportMask({ caseId: arterial.summary.id, labelmap, out: join(home, 'beside-study-mask.nii.gz') })).written[0]).toBe(join(home, 'beside-study-mask.nii.gz'));
  expect((await later.openCase({ path: folder, seriesUid: ARTERIAL })).labelmap).toEqual(labelmap);
  expect((await later.openCase({ path: folder })).labelmap).toBeNull();
});

test.skipIf(!HAS_DCMTK)('the default series chosen by its UID on a first opening is the folder\'s case, as a picker sends it', async () => {
  const fresh = createStudio({ workspace: join(home, 'workspace-picker'), models: { user: join(home, 'models'), shipped: join(home, 'none') } });
  const picked = await fresh.openCase({ path: folder, seriesUid: VENOUS });
  const voxels = 24 * 32 * 10;
  const labelmap = new Uint8Array(voxels).fill(1, 0, 50);
  await fresh.saveCase({ caseId: picked.summary.id, labelmap, provenance: new Uint8Array(voxels), labels: [{ value: 1, name: 'liver', color: '#d95f02' }] });
  const plain = await fresh.openCase({ path: folder });
  expect(plain.summary.id).toBe(picked.summary.id);
  expect(plain.labelmap).toEqual(labelmap);
  expect((await fresh.openCase({ path: folder, seriesUid: ARTERIAL })).summary.id).not.toBe(picked.summary.id);
});

test.skipIf(!HAS_DCMTK)('medseg series lists them from a terminal', () => {
  const r = spawnSync(process.execPath, ['bin/medseg.mjs', 'series', folder], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, MEDSEG_HOME: home } });
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout).map((s: { seriesDescription: string }) => s.seriesDescription)).toEqual(['Portal venous', 'Arterial']);
});

test.skipIf(!HAS_DCMTK)('a cancelled opening rejects at once, and the next opening works', async () => {
  const opening = studio.openCase({ path: folder, jobId: 'open-cancel' });
  await studio.cancelJob('open-cancel');
  await expect(opening).rejects.toThrow(/Opening study was cancelled/);
  expect((await studio.openCase({ path: folder })).image.size[2]).toBe(10);
});
