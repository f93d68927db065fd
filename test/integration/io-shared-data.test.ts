// Real DICOM from ../shared/data (skipped when absent): a full CT series, a JPEG 2000 series, and the
// pydicom edge-case files, each of which must open or give a UserError within a time limit.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { closeImageIo, listDicomSeries, readImage, type LoadedImage } from '../../src/core/io';
import { isUserError } from '../../src/shared/errors';

const DATA = resolve(process.env.MEDSEG_SHARED_DATA ?? join(__dirname, '../../../shared/data'));
const HAS_DATA = existsSync(DATA);
if (!HAS_DATA) console.warn(`io-shared-data: skipped, ${DATA} does not exist (real-data checks need ../shared/data)`);
const dataPath = (...parts: string[]) => join(DATA, ...parts);

afterAll(async () => { await closeImageIo(); });

describe.skipIf(!HAS_DATA)('real DICOM data', () => {
  it.skipIf(!existsSync(dataPath('3dircadb-p01/ct-dicom')))('3D-IRCADb patient 1: 129 CT slices, 512×512', async () => {
    const image = await readImage(dataPath('3dircadb-p01/ct-dicom'));
    expect(image.size).toEqual([512, 512, 129]);
    expect(image.modality).toBe('CT');
    expect(image.spacing[0]).toBeCloseTo(0.57, 5);
    expect(image.spacing[2]).toBeCloseTo(1.6, 5);
    expect(image.data.length).toBe(512 * 512 * 129);
    expect(image.warnings).toEqual([]);
    // What a case is named from, and what a DICOM SEG references: every slice's instance, in k order.
    expect(image.dicom).toMatchObject({ patientName: 'liver_01^patient', modality: 'CT', studyDate: '20090527' });
    expect(image.dicom!.slices).toHaveLength(129);
    expect(new Set(image.dicom!.slices.map((s) => s.sopInstanceUid)).size).toBe(129);
  });

  it.skipIf(!existsSync(dataPath('totalseg-example/example_ct_dicom')))('TotalSegmentator example: 20-slice JPEG 2000 series', async () => {
    const image = await readImage(dataPath('totalseg-example/example_ct_dicom'));
    expect(image.size).toEqual([512, 512, 20]);
    expect(image.modality).toBe('CT');
    let min = Infinity;
    let max = -Infinity;
    for (const v of image.data) { min = Math.min(min, v); max = Math.max(max, v); }
    expect(min).toBeLessThan(-500); // air in HU: decoded and rescaled
    expect(max).toBeGreaterThan(200); // bone
  });

  it.skipIf(!existsSync(dataPath('totalseg-example/example_ct.nii.gz')))('the TotalSegmentator example through a symlinked folder', async () => {
    const links = mkdtempSync(join(tmpdir(), 'medseg-ts-link-'));
    try {
      symlinkSync(dataPath('totalseg-example'), join(links, 'ts'));
      const direct = await readImage(dataPath('totalseg-example/example_ct.nii.gz'));
      const linked = await readImage(join(links, 'ts', 'example_ct.nii.gz'));
      expect(linked.size).toEqual(direct.size);
      expect(linked.direction).toEqual(direct.direction);
      expect(linked.data.length).toBe(direct.data.length);
      const dicom = await readImage(join(links, 'ts', 'example_ct_dicom'));
      expect(dicom.size).toEqual([512, 512, 20]);
    } finally {
      rmSync(links, { recursive: true, force: true });
    }
  });

  const EDGE = dataPath('dicom-edge-cases');
  it.skipIf(!existsSync(EDGE))('every edge-case file opens or gives a UserError, none hangs', async () => {
    const files = readdirSync(EDGE).filter((f) => f.endsWith('.dcm')).sort();
    const rows: { file: string; result: string; ms: number }[] = [];
    const opened = new Map<string, LoadedImage>();
    for (const file of files) {
      const started = Date.now();
      try {
        const image = await readImage(join(EDGE, file), { timeoutMs: 20_000 });
        expect(image.data.length, file).toBe(image.size[0] * image.size[1] * image.size[2] * image.components);
        opened.set(file, image);
        rows.push({ file, result: `opens ${image.size.join('×')} ${image.pixelType}${image.components === 3 ? ' RGB' : ''} ${image.modality}${image.warnings.length ? ` (${image.warnings.join('; ')})` : ''}`, ms: Date.now() - started });
      } catch (e) {
        expect(isUserError(e), `${file}: ${String(e)}`).toBe(true);
        // Clear: one line that names the file, without the decoder's internals.
        expect((e as Error).message, file).toContain(file);
        expect((e as Error).message, file).not.toMatch(/\n|Exception|pipeline|undefined|NaN|\b\d{6,}\b/);
        rows.push({ file, result: `UserError: ${(e as Error).message}`, ms: Date.now() - started });
      }
    }
    console.log(rows.map((r) => `${r.file.padEnd(34)} ${String(r.ms).padStart(5)} ms  ${r.result}`).join('\n'));
    for (const row of rows) expect(row.ms, row.file).toBeLessThan(20_000);

    // The folder as a whole: a series list for the picker, and the largest series opens.
    const series = await listDicomSeries(EDGE);
    expect(series.length).toBeGreaterThan(5);
    expect(series.reduce((n, s) => n + s.files, 0)).toBeLessThanOrEqual(files.length);
    expect((await readImage(EDGE, { timeoutMs: 20_000 })).size[2]).toBeGreaterThan(0);

    // Damaged or non-image files are refused, not shown.
    for (const file of ['MR_truncated.dcm', 'rtstruct.dcm', 'no_meta.dcm']) {
      if (files.includes(file)) expect(opened.has(file), file).toBe(false);
    }
    // Lossless encodings of the same image decode to the same voxels.
    const same = (a: string, b: string) => {
      if (!opened.has(a) || !opened.has(b)) return;
      expect(Array.from(opened.get(b)!.data), `${b} = ${a}`).toEqual(Array.from(opened.get(a)!.data));
    };
    for (const variant of ['MR_small_RLE.dcm', 'MR_small_bigendian.dcm', 'MR_small_implicit.dcm', 'MR_small_jp2klossless.dcm', 'MR_small_jpeg_ls_lossless.dcm']) same('MR_small.dcm', variant);
    for (const variant of ['emri_small_RLE.dcm', 'emri_small_big_endian.dcm', 'emri_small_jpeg_2k_lossless.dcm', 'emri_small_jpeg_ls_lossless.dcm']) same('emri_small.dcm', variant);
    same('693_UNCR.dcm', '693_J2KR.dcm');
    // The common encodings must open.
    for (const file of ['CT_small.dcm', 'MR_small.dcm', 'MR_small_RLE.dcm', 'MR_small_jp2klossless.dcm', 'JPEG2000.dcm', 'JPEG-LL.dcm', 'emri_small.dcm', 'image_dfl.dcm']) {
      if (files.includes(file)) expect(opened.has(file), file).toBe(true);
    }
  });
});
