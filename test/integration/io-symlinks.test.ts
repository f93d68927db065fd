// Files reached through symlinks read and write like any other (issue 9, point 4): itk-wasm cannot
// follow a link inside its mounted file system, so core hands it real paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { closeImageIo, readImage, writeImage, writeLabelmap } from '../../src/core/io';
import { obliqueVolume } from '../fixtures/volumes';
import { HAS_DCMTK, defaultSeriesSpec, makeDicomSeries } from '../fixtures/dicom';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'medseg-links-'));
  mkdirSync(join(dir, 'real'));
  symlinkSync(join(dir, 'real'), join(dir, 'linked'));
});
afterAll(async () => {
  await closeImageIo();
  rmSync(dir, { recursive: true, force: true });
});

describe('symlinked folders and files', () => {
  it('writes into a symlinked folder and reads back through it, voxels intact', async () => {
    const image = obliqueVolume({ size: [12, 10, 5] });
    const written = await writeImage(join(dir, 'linked', 'ct.nii.gz'), image);
    expect(written.out).toBe(join(dir, 'linked', 'ct.nii.gz'));
    const back = await readImage(join(dir, 'linked', 'ct.nii.gz'));
    expect(back.size).toEqual([12, 10, 5]);
    expect([...back.data]).toEqual([...image.data]);
    symlinkSync(join(dir, 'real', 'ct.nii.gz'), join(dir, 'alias.nii.gz'));
    expect((await readImage(join(dir, 'alias.nii.gz'))).size).toEqual([12, 10, 5]);
    const labels = new Uint8Array(12 * 10 * 5).fill(2);
    await writeLabelmap(join(dir, 'linked', 'mask.nrrd'), labels, image);
    expect((await readImage(join(dir, 'real', 'mask.nrrd'))).data[7]).toBe(2);
  });

  it.skipIf(!HAS_DCMTK)('a symlinked DICOM folder, and a folder of symlinked slices', async () => {
    const series = makeDicomSeries(join(dir, 'real', 'dicom'), defaultSeriesSpec({ slices: 4, rows: 8, columns: 6 }));
    const viaLink = await readImage(join(dir, 'linked', 'dicom'));
    expect(viaLink.size).toEqual(series.size);
    mkdirSync(join(dir, 'slice-links'));
    for (const file of series.files) symlinkSync(file, join(dir, 'slice-links', basename(file)));
    symlinkSync(join(dir, 'nowhere'), join(dir, 'slice-links', 'dangling')); // ignored, not fatal
    const viaSliceLinks = await readImage(join(dir, 'slice-links'));
    expect(viaSliceLinks.size).toEqual(series.size);
    expect([...viaSliceLinks.data]).toEqual([...viaLink.data]);
  });
});
