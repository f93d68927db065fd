// DICOM through readImage, on series generated with DCMTK (dump2dcm; dcmcjpeg/dcmcjpls/dcmcrle).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeImageIo, readImage } from '../../src/core/io';
import { sameGeometry } from '../../src/shared/geometry';
import type { VolumeImage } from '../../src/shared/image';
import { defaultSeriesSpec, hasTool, HAS_DCMTK, makeDicomSeries, makeDicomWithoutPixels, type SeriesFixture } from '../fixtures/dicom';
import { required } from '../fixtures/external-checkers';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'medseg-io-dcm-')); });
afterAll(async () => {
  await closeImageIo();
  rmSync(dir, { recursive: true, force: true });
});

function expectSeries(image: VolumeImage, fx: SeriesFixture): void {
  expect(image.size).toEqual(fx.size);
  expect(sameGeometry(image, fx, 1e-5)).toBe(true);
  let wrong = 0;
  const [nx, ny, nz] = fx.size;
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    if (image.data[i + nx * (j + ny * k)] !== fx.value(i, j, k)) wrong++;
  }
  expect(wrong).toBe(0);
}

describe.skipIf(!HAS_DCMTK)('DICOM series', () => {
  it('assembles a shuffled, extension-less oblique CT series in position order, in HU', async () => {
    const fx = makeDicomSeries(join(dir, 'ct'));
    const image = await readImage(join(dir, 'ct'));
    expect(image.modality).toBe('CT');
    expect(image.warnings).toEqual([]);
    expectSeries(image, fx);
    // Rescale applied: stored -500 with intercept -1024 is -1524 HU; data must be signed.
    expect(image.data[0]).toBe(fx.value(0, 0, 0));
    expect(fx.value(0, 0, 0)).toBe(-1524);
    expect(['int16', 'int32', 'float32', 'float64']).toContain(image.pixelType);
  });

  it('applies a fractional rescale slope', async () => {
    const fx = makeDicomSeries(join(dir, 'slope'), defaultSeriesSpec({ slices: 3, slope: 0.5, intercept: 10, modality: 'MR', seriesUid: '1.2.826.0.1.3680043.2.1125.9999.5' }));
    const image = await readImage(join(dir, 'slope'));
    expect(image.modality).toBe('MR');
    expectSeries(image, fx);
  });

  const encodings = [
    ['implicit VR little endian', { transferSyntax: 'implicit' }, 'dump2dcm'],
    ['explicit VR big endian', { transferSyntax: 'big-endian' }, 'dump2dcm'],
    ['bare data set without preamble', { bare: true }, 'dump2dcm'],
    ['JPEG lossless', { compression: 'jpeg-lossless' }, 'dcmcjpeg'],
    ['JPEG-LS lossless', { compression: 'jpeg-ls' }, 'dcmcjpls'],
    ['RLE lossless', { compression: 'rle' }, 'dcmcrle'],
  ] as const;
  for (const [name, overrides, tool] of encodings) {
    it.skipIf(!required(`dcmtk's ${tool}`, 'dcmtk', hasTool(tool)))(`reads ${name}`, async () => {
      const folder = join(dir, name.replace(/\W+/g, '-'));
      const fx = makeDicomSeries(folder, defaultSeriesSpec({ slices: 3, ...overrides }));
      expectSeries(await readImage(folder), fx);
    });
  }

  it('opens the largest of several series and says which', async () => {
    const folder = join(dir, 'mixed');
    const big = makeDicomSeries(join(folder, 'a'), defaultSeriesSpec({ slices: 5 }));
    makeDicomSeries(join(folder, 'b'), defaultSeriesSpec({ slices: 2, seriesUid: '1.2.826.0.1.3680043.2.1125.9999.2', seriesNumber: 9, seriesDescription: 'scout' }));
    makeDicomWithoutPixels(join(folder, 'report'));
    writeFileSync(join(folder, 'notes.txt'), 'not dicom');
    const image = await readImage(folder);
    expectSeries(image, big);
    expect(image.warnings.join('\n')).toMatch(/2 image series; opened the largest \('synthetic oblique', series #3, CT, 5 files\); skipped 'scout', series #9, CT, 2 files/);
  });

  it('reads one DICOM file (any name) as a single slice', async () => {
    const fx = makeDicomSeries(join(dir, 'one'), defaultSeriesSpec({ slices: 1 }));
    const image = await readImage(fx.files[0]);
    expect(image.size).toEqual([fx.size[0], fx.size[1], 1]);
    expect(image.origin.map((x) => Number(x.toFixed(4)))).toEqual(fx.origin);
    expect(image.data[5]).toBe(fx.value(5, 0, 0));
  });

  it('skips a damaged slice with a warning, and refuses a damaged single file', async () => {
    const folder = join(dir, 'damaged');
    makeDicomSeries(folder, defaultSeriesSpec({ slices: 4 }));
    const victim = join(folder, 'zz-cut');
    const whole = readFileSync(makeDicomSeries(join(dir, 'donor'), defaultSeriesSpec({ slices: 1, seriesUid: '1.2.826.0.1.3680043.2.1125.9999.1' })).files[0]);
    writeFileSync(victim, whole.subarray(0, whole.length - 100));
    const image = await readImage(folder);
    expect(image.size[2]).toBe(4);
    expect(image.warnings.join('\n')).toMatch(/skipped 1 damaged DICOM file \(its pixel data is truncated/);
    await expect(readImage(victim)).rejects.toThrow(/zz-cut: its pixel data is truncated .*Copy the file again/);
  });

  it('refuses DICOM without pixel data, as a file and as a folder', async () => {
    const folder = join(dir, 'sr');
    mkdirSync(folder);
    makeDicomWithoutPixels(join(folder, 'report.dcm'));
    await expect(readImage(join(folder, 'report.dcm'))).rejects.toThrow(/report\.dcm is a DICOM structured report without image pixel data/);
    await expect(readImage(folder)).rejects.toThrow(/contains DICOM files but none with image pixel data/);
  });

  it('finds a series one folder down (a patient/study/series layout)', async () => {
    const folder = join(dir, 'nested');
    const fx = makeDicomSeries(join(folder, 'study', 'series'), defaultSeriesSpec({ slices: 2 }));
    expectSeries(await readImage(folder), fx);
  });
});
