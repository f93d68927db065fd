// DICOM folders as the app meets them: the series metadata a case is named from and a DICOM SEG
// references (patient, study, series, slice k's SOP Instance UID), the series picker's list, reading
// one series by UID, progress and cancel. Series are generated with DCMTK (dump2dcm).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeImageIo, listDicomSeries, readDicomSeries, readImage } from '../../src/core/io';
import { isUserError } from '../../src/shared/errors';
import type { ReadProgress } from '../../src/shared/image';
import { HAS_DCMTK, defaultSeriesSpec, makeDicomSeries } from '../fixtures/dicom';

const CT_UID = '1.2.826.0.1.3680043.2.1125.9999.1';
const MR_UID = '1.2.826.0.1.3680043.2.1125.9999.8';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'medseg-io-series-'));
  if (!HAS_DCMTK) return;
  const study = ['(0008,0020) DA [20240131]', '(0008,0030) TM [101500]', '(0008,1030) LO [Abdomen CT]', '(0008,0050) SH [ACC42]',
    '(0010,0030) DA [19700101]', '(0010,0040) CS [F]', '(0020,0010) SH [S7]'];
  makeDicomSeries(join(dir, 'study', 'ct'), defaultSeriesSpec({ slices: 9, extra: study }));
  makeDicomSeries(join(dir, 'study', 'mr'), defaultSeriesSpec({
    slices: 3, rows: 10, columns: 12, modality: 'MR', seriesUid: MR_UID, seriesNumber: 7, seriesDescription: 'T2 axial', extra: study,
  }));
  makeDicomSeries(join(dir, 'utf8'), defaultSeriesSpec({
    slices: 2, rows: 4, columns: 4, patientName: 'Müller^Jürgen=山田^太郎', extra: ['(0008,0005) CS [ISO_IR 192]'],
  }));
});
afterAll(async () => {
  await closeImageIo();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!HAS_DCMTK)('DICOM series metadata, listing and choice', () => {
  it('reads patient, study and series metadata, and which instance each slice k is', async () => {
    const image = await readImage(join(dir, 'study', 'ct'));
    const { slices, ...rest } = image.dicom!;
    expect(rest).toEqual({
      patientName: 'Synthetic^Phantom', patientId: 'SYN001', patientBirthDate: '19700101', patientSex: 'F',
      studyInstanceUid: '1.2.826.0.1.3680043.2.1125.9999', studyId: 'S7', studyDate: '20240131', studyTime: '101500',
      studyDescription: 'Abdomen CT', accessionNumber: 'ACC42',
      seriesInstanceUid: CT_UID, seriesNumber: 3, seriesDescription: 'synthetic oblique', modality: 'CT',
      frameOfReferenceUid: '1.2.826.0.1.3680043.2.1125.9999.2',
    });
    // The fixture names slice k's instance "<series UID>.<k + 1>" and shuffles the file names and
    // instance numbers, so only the position can have put them in this order.
    expect(slices.map((s) => s.sopInstanceUid)).toEqual(Array.from({ length: 9 }, (_, k) => `${CT_UID}.${k + 1}`));
    expect(new Set(slices.map((s) => s.sopClassUid))).toEqual(new Set(['1.2.840.10008.5.1.4.1.1.2']));
  });

  it('decodes names in the series character set', async () => {
    expect((await readImage(join(dir, 'utf8'))).dicom?.patientName).toBe('Müller^Jürgen=山田^太郎');
  });

  it('lists the series of a folder, largest first, and reads one by UID', async () => {
    const list = await listDicomSeries(join(dir, 'study'));
    expect(list.map((s) => [s.seriesInstanceUid, s.modality, s.seriesNumber, s.seriesDescription, s.files, s.slices, s.rows, s.columns])).toEqual([
      [CT_UID, 'CT', 3, 'synthetic oblique', 9, 9, 32, 24],
      [MR_UID, 'MR', 7, 'T2 axial', 3, 3, 10, 12],
    ]);
    expect(list[0].bytes).toBeGreaterThan(9 * 32 * 24 * 2);
    expect(list[0]).toMatchObject({ patientName: 'Synthetic^Phantom', studyDescription: 'Abdomen CT', studyDate: '20240131' });
    const mr = await readDicomSeries(join(dir, 'study'), MR_UID);
    expect(mr.size).toEqual([12, 10, 3]);
    expect(mr.modality).toBe('MR');
    expect(mr.dicom?.seriesInstanceUid).toBe(MR_UID);
    expect(mr.warnings.join()).toMatch(/holds 2 image series; opened \('T2 axial'.*skipped 'synthetic oblique'/);
    const missing = await readDicomSeries(join(dir, 'study'), '1.2.3.999').catch((e: unknown) => e);
    expect(isUserError(missing)).toBe(true);
    expect((missing as Error).message).toMatch(/has no image series with UID 1\.2\.3\.999; it holds 'synthetic oblique'.*'T2 axial'/);
    expect(await listDicomSeries(join(dir, 'study', 'ct', readdirSync(join(dir, 'study', 'ct'))[0]))).toEqual([]); // a file has no series list
  });

  it('reports progress (headers scanned, then the series decoded) and can be cancelled', async () => {
    const seen: ReadProgress[] = [];
    await readImage(join(dir, 'study'), { onProgress: (p) => seen.push(p) });
    expect(seen.at(0)).toMatchObject({ phase: 'scanning', done: 1, total: 12 });
    expect(seen.filter((p) => p.phase === 'scanning').at(-1)).toEqual({ phase: 'scanning', done: 12, total: 12 });
    expect(seen.slice(-2)).toEqual([{ phase: 'decoding', done: 0, total: 9 }, { phase: 'decoding', done: 9, total: 9 }]);

    const controller = new AbortController();
    const cancelled = readImage(join(dir, 'study'), { signal: controller.signal, onProgress: () => controller.abort() });
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    const before = new AbortController();
    before.abort();
    await expect(readImage(join(dir, 'study'), { signal: before.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect((await readImage(join(dir, 'study', 'mr'))).size).toEqual([12, 10, 3]); // the worker was replaced
  });
});
