// The workspace keeps the user's work whatever happens to its files: records without voxels, one
// work file per save named by its record, damaged files reported and set aside (never overwritten)
// while the rest of the case and the other cases stay usable, records checked on read and write,
// writes to one case serialised, and workspaces of the previous format opened and migrated.
import { expect, test } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CaseStore } from '../../src/core/workspace/case-store';
import type { Geometry } from '../../src/shared/image';

const GRID: Geometry = { size: [16, 12, 5], spacing: [0.8, 0.8, 2], origin: [1, 2, 3], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
const VOXELS = 16 * 12 * 5;
const LABELS = [{ value: 1, name: 'liver', color: '#d95f02' }];

function freshStore(): CaseStore {
  return new CaseStore(mkdtempSync(join(tmpdir(), 'medseg-ws-')));
}

/** A labelmap and a provenance that belong together: provenance is 2 wherever the label is `value`. */
function workOf(value: number) {
  const labelmap = new Uint8Array(VOXELS).map((_, i) => (i % 7 === 0 ? value : 0));
  const provenance = labelmap.map((v) => (v ? 2 : 0));
  return { labelmap, provenance };
}

const caseDir = (store: CaseStore, id: string) => join(store.root, 'cases', id);
const workFile = (store: CaseStore, id: string) => readdirSync(caseDir(store, id)).find((f) => f.startsWith('work-'))!;
const setAside = (store: CaseStore, id: string) => readdirSync(join(caseDir(store, id), 'set-aside'));

async function savedCase(store: CaseStore, source = '/data/ct.nii.gz', value = 1) {
  const { record } = await store.open(source, GRID);
  await store.save({ caseId: record.id, ...workOf(value), labels: LABELS, proposedBy: null });
  return record.id;
}

test('a record holds geometry and metadata only; a save is one work file that the record names', async () => {
  const store = freshStore();
  const id = await savedCase(store);
  const record = JSON.parse(readFileSync(join(caseDir(store, id), 'case.json'), 'utf8'));
  expect(Object.keys(record.geometry).sort()).toEqual(['direction', 'origin', 'size', 'spacing']);
  expect(record.work).toBe(workFile(store, id));
  await store.save({ caseId: id, ...workOf(3), labels: LABELS, proposedBy: null });
  // The superseded work file is gone; the new one is named by the new record.
  expect(readdirSync(caseDir(store, id)).sort()).toEqual(['case.json', JSON.parse(readFileSync(join(caseDir(store, id), 'case.json'), 'utf8')).work]);
  const reopened = await store.open('/data/ct.nii.gz', GRID);
  expect(reopened.work).toEqual(workOf(3));
  expect(reopened.warnings).toEqual([]);
});

test('a work file written without its record (a crash between the two) changes nothing', async () => {
  const store = freshStore();
  const id = await savedCase(store, '/data/ct.nii.gz', 1);
  const named = workFile(store, id);
  // What a crash right after writing the next save's work file leaves: a file the record does not name.
  writeFileSync(join(caseDir(store, id), 'work-0123456789abcdef.bin'), new Uint8Array(100));
  const reopened = await store.open('/data/ct.nii.gz', GRID);
  expect(reopened.work).toEqual(workOf(1));
  expect(readdirSync(caseDir(store, id)).sort()).toEqual(['case.json', named]);
});

test('a truncated labelmap is reported, set aside untouched, and never overwritten by the next save', async () => {
  const store = freshStore();
  const id = await savedCase(store);
  const other = await savedCase(store, '/data/other.nii.gz', 2);
  const file = join(caseDir(store, id), workFile(store, id));
  const truncated = readFileSync(file).subarray(0, 120);
  writeFileSync(file, truncated);

  const reopened = await store.open('/data/ct.nii.gz', GRID);
  expect(reopened.work).toBeNull();
  expect(reopened.warnings.join(' ')).toMatch(/saved labelmap of ct\.nii\.gz .* is damaged: .*cut short.*set aside as .*set-aside/);
  expect(reopened.record.savedAt).toBeNull();
  const [aside] = setAside(store, id);
  expect(readFileSync(join(caseDir(store, id), 'set-aside', aside))).toEqual(truncated);

  await store.save({ caseId: id, ...workOf(5), labels: LABELS, proposedBy: null });
  expect(readFileSync(join(caseDir(store, id), 'set-aside', aside))).toEqual(truncated);
  expect((await store.open('/data/ct.nii.gz', GRID)).work).toEqual(workOf(5));
  // The other case never noticed.
  expect((await store.open('/data/other.nii.gz', GRID)).work).toEqual(workOf(2));
  expect((await store.recent()).map((c) => c.id).sort()).toEqual([id, other].sort());
});

test('a corrupted provenance keeps the labelmap, says the provenance is lost, and sets the file aside', async () => {
  const store = freshStore();
  const id = await savedCase(store);
  const file = join(caseDir(store, id), workFile(store, id));
  const bytes = readFileSync(file);
  bytes[bytes.length - 10] ^= 0xff; // inside the last section: the provenance
  writeFileSync(file, bytes);

  const reopened = await store.open('/data/ct.nii.gz', GRID);
  expect(reopened.work?.labelmap).toEqual(workOf(1).labelmap);
  expect(reopened.work?.provenance).toEqual(new Uint8Array(VOXELS));
  expect(reopened.warnings.join(' ')).toMatch(/provenance .* was damaged.*labelmap itself is restored.*set aside as/);
  expect(readFileSync(join(caseDir(store, id), 'set-aside', setAside(store, id)[0]))).toEqual(bytes);
  // What was restored is saved again, so the next open is clean.
  const again = await store.open('/data/ct.nii.gz', GRID);
  expect(again.warnings).toEqual([]);
  expect(again.work?.labelmap).toEqual(workOf(1).labelmap);
});

test.each([
  ['truncated', (text: string) => text.slice(0, text.length / 2)],
  ['an empty object', () => '{}'],
  ['wrong field types', (text: string) => JSON.stringify({ ...JSON.parse(text), labels: 'not-a-list' })],
])('a case.json that is %s is reported, set aside, and the saved labelmap recovered; the case list still works', async (_, damage) => {
  const store = freshStore();
  const id = await savedCase(store);
  const other = await savedCase(store, '/data/other.nii.gz', 2);
  const recordFile = join(caseDir(store, id), 'case.json');
  const damaged = damage(readFileSync(recordFile, 'utf8'));
  writeFileSync(recordFile, damaged);

  expect((await store.recent()).map((c) => c.id)).toEqual([other]);
  await expect(store.get(id)).rejects.toThrow(/record of case .* is damaged/);
  const reopened = await store.open('/data/ct.nii.gz', GRID);
  expect(reopened.warnings[0]).toMatch(/case record was damaged \(.+\); it was set aside as .*set-aside/);
  expect(reopened.warnings[1]).toMatch(/labelmap saved .* was recovered/);
  expect(reopened.work).toEqual(workOf(1));
  expect(reopened.record.labels).toEqual(LABELS);
  expect(readFileSync(join(caseDir(store, id), 'set-aside', setAside(store, id)[0]), 'utf8')).toBe(damaged);
  expect((await store.recent()).map((c) => c.id).sort()).toEqual([id, other].sort());
});

test('saveCase checks what it stores and says what was expected; a refused save changes nothing', async () => {
  const store = freshStore();
  const id = await savedCase(store);
  const before = readdirSync(caseDir(store, id)).sort();
  const save = (patch: object) => store.save({ caseId: id, ...workOf(4), labels: LABELS, proposedBy: null, ...patch } as never);
  await expect(save({ labels: 'not-a-list' })).rejects.toThrow(/labels must be a list of \{value: 1–255, name: text, color: "#rrggbb"\}.*got "not-a-list"/);
  await expect(save({ labels: [{ value: 300, name: 'x', color: '#ffffff' }] })).rejects.toThrow(/label 1 is \{"value":300/);
  await expect(save({ labels: [{ value: 1, name: 'a', color: 'red' }] })).rejects.toThrow(/color: "#rrggbb"/);
  await expect(save({ provenance: [1, 2, 3] })).rejects.toThrow(/provenance must be bytes/);
  await expect(save({ proposedBy: 7 })).rejects.toThrow(/proposedBy must be/);
  expect(readdirSync(caseDir(store, id)).sort()).toEqual(before);
  expect((await store.open('/data/ct.nii.gz', GRID)).work).toEqual(workOf(1));
});

test('a review during a slow save is not lost, and concurrent reviews share out the held-out split', async () => {
  const store = freshStore();
  const big: Geometry = { ...GRID, size: [512, 512, 40] };
  const n = 512 * 512 * 40;
  const slow = { labelmap: new Uint8Array(n).map((_, i) => (i * 2654435761) >>> 29), provenance: new Uint8Array(n) };
  const { record: first } = await store.open('/big', big);
  await store.save({ caseId: first.id, ...slow, labels: LABELS, proposedBy: null });
  const ids = [first.id, ...await Promise.all(['/b', '/c', '/d', '/e', '/f', '/g'].map((s) => savedCase(store, s)))];
  // A second save starts, then the user reviews every case while it runs.
  const saving = store.save({ caseId: first.id, ...slow, labels: LABELS, proposedBy: 'm@1.0.0' });
  const reviews = await Promise.all(ids.map((id) => store.review(id, true)));
  await saving;
  const record = await store.get(first.id);
  expect(record.reviewed).toBe(true);
  expect(record.split).toBe(reviews[0].split);
  expect(record.proposedBy).toBe('m@1.0.0');
  // 7 reviewed cases: the 2nd and the 7th are held out, however the calls interleave.
  expect(reviews.map((r) => r.split)).toEqual(['train', 'validation', 'train', 'train', 'train', 'train', 'validation']);
});

test('a workspace of the previous format (voxels inside case.json) opens; its work is migrated', async () => {
  const store = freshStore();
  const id = CaseStore.caseId('/data/old.nii.gz');
  const dir = caseDir(store, id);
  mkdirSync(dir, { recursive: true });
  // Format 1 wrote the whole image as the geometry, typed arrays as {"0": v, …} objects.
  const data = Object.fromEntries(Array.from({ length: VOXELS }, (_, i) => [String(i), i % 100]));
  writeFileSync(join(dir, 'case.json'), JSON.stringify({
    id, name: 'old "data" case', source: '/data/old.nii.gz', openedAt: '2024-01-01T00:00:00.000Z', savedAt: '2024-01-01T00:01:00.000Z',
    proposedBy: 'dra-unet-liver-ct@1.0.0', reviewed: true, split: 'train',
    geometry: { ...GRID, components: 1, pixelType: 'int16', data, modality: 'CT', warnings: [] }, labels: LABELS,
  }, null, 2));
  writeFileSync(join(dir, 'labelmap.u8.gz'), gzipSync(workOf(1).labelmap));
  writeFileSync(join(dir, 'provenance.u8.gz'), gzipSync(workOf(1).provenance));

  expect((await store.recent())[0]).toMatchObject({ id, reviewed: true, split: 'train', savedAt: '2024-01-01T00:01:00.000Z' });
  expect(await store.work(id)).toEqual(workOf(1));
  const opened = await store.open('/data/old.nii.gz', GRID);
  expect(opened.work).toEqual(workOf(1));
  expect(opened.record).toMatchObject({ name: 'old.nii.gz', reviewed: true, split: 'train', proposedBy: 'dra-unet-liver-ct@1.0.0' });
  expect(readdirSync(dir).sort()).toEqual(['case.json', opened.record.work]);
  expect(readFileSync(join(dir, 'case.json'), 'utf8')).not.toContain('"data"');
});

test('a previous-format record too damaged to read is set aside and the case starts again', async () => {
  const store = freshStore();
  const id = CaseStore.caseId('/data/old.nii.gz');
  mkdirSync(caseDir(store, id), { recursive: true });
  writeFileSync(join(caseDir(store, id), 'case.json'), '{"id": "' + id + '", "geometry": {"size": [16, 12, 5], "data": {"0": 1, "1"');
  const opened = await store.open('/data/old.nii.gz', GRID);
  expect(opened.warnings[0]).toMatch(/case record was damaged/);
  expect(opened.work).toBeNull();
  expect(existsSync(join(caseDir(store, id), 'set-aside'))).toBe(true);
});
