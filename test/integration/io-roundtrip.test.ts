// Write → read back through the I/O worker for every writable format; 2D photo formats; atomic saves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bmpWriteImageNode, jpegWriteImageNode, tiffWriteImageNode } from '@itk-wasm/image-io';
import { closeImageIo, readImage, writeImage, writeLabelmap } from '../../src/core/io';
import { toItkImage } from '../../src/core/io/itk-image';
import { sameGeometry } from '../../src/shared/geometry';
import { isUserError } from '../../src/shared/errors';
import { obliqueVolume, photo } from '../fixtures/volumes';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'medseg-io-rt-')); });
afterAll(async () => {
  await closeImageIo();
  rmSync(dir, { recursive: true, force: true });
});

const visible = () => readdirSync(dir).filter((f) => !f.startsWith('.')).sort();
const hidden = () => readdirSync(dir).filter((f) => f.startsWith('.'));

describe('write then read', () => {
  for (const ext of ['.nii.gz', '.nii', '.nrrd', '.mha']) {
    it(`keeps an oblique int16 volume exactly (${ext})`, async () => {
      const source = obliqueVolume();
      const path = join(dir, `oblique${ext}`);
      const { out, warnings } = await writeImage(path, source);
      expect(out).toBe(path);
      expect(warnings).toEqual([]);
      const back = await readImage(path);
      expect(sameGeometry(source, back, 1e-5)).toBe(true);
      expect(back.pixelType).toBe('int16');
      expect(Array.from(back.data)).toEqual(Array.from(source.data));
      expect(back.modality).toBe('unknown');
      expect(hidden()).toEqual([]); // no temp file left behind
    });
  }

  it('keeps float32 values and RGB components (.nrrd, .nii.gz)', async () => {
    const f = obliqueVolume({ pixelType: 'float32' });
    await writeImage(join(dir, 'float.nrrd'), f);
    const back = await readImage(join(dir, 'float.nrrd'));
    expect(back.pixelType).toBe('float32');
    expect(Array.from(back.data)).toEqual(Array.from(f.data));
    const rgb = obliqueVolume({ pixelType: 'uint8', components: 3 });
    await writeImage(join(dir, 'rgb.nii.gz'), rgb);
    const rgbBack = await readImage(join(dir, 'rgb.nii.gz'));
    expect(rgbBack.components).toBe(3);
    expect(Array.from(rgbBack.data)).toEqual(Array.from(rgb.data));
  });

  it('writes a labelmap on the image grid and reads the same labels back', async () => {
    const grid = obliqueVolume({ size: [9, 8, 3] });
    const labels = Uint8Array.from({ length: 9 * 8 * 3 }, (_, i) => (i % 5 === 0 ? 2 : i % 3 === 0 ? 1 : 0));
    const { out } = await writeLabelmap(join(dir, 'mask.nii.gz'), labels, grid);
    const back = await readImage(out);
    expect(back.pixelType).toBe('uint8');
    expect(sameGeometry(grid, back)).toBe(true);
    expect(Array.from(back.data)).toEqual(Array.from(labels));
  });

  it('writes a single-slice labelmap or photo as PNG', async () => {
    const rgb = photo(6, 4, 3);
    expect((await writeImage(join(dir, 'rgb.png'), rgb)).warnings).toEqual([]);
    const back = await readImage(join(dir, 'rgb.png'));
    expect(back.size).toEqual([6, 4, 1]);
    expect(back.components).toBe(3);
    expect(back.modality).toBe('OT');
    expect(Array.from(back.data)).toEqual(Array.from(rgb.data));

    const deep = photo(5, 3, 1, 'uint16');
    deep.data[0] = 65535;
    await writeImage(join(dir, 'deep.png'), deep);
    const deepBack = await readImage(join(dir, 'deep.png'));
    expect(deepBack.pixelType).toBe('uint16');
    expect(Array.from(deepBack.data)).toEqual(Array.from(deep.data));

    const grid = { ...obliqueVolume({ size: [5, 4, 1] }) };
    const labels = Uint8Array.from({ length: 20 }, (_, i) => i % 3);
    const result = await writeLabelmap(join(dir, 'mask.png'), labels, grid);
    expect(result.warnings[0]).toMatch(/PNG keeps no spacing/);
    expect(Array.from((await readImage(result.out)).data)).toEqual(Array.from(labels));
  });

  it('refuses what a format cannot hold, writing nothing', async () => {
    const before = visible();
    await expect(writeImage(join(dir, 'vol.png'), obliqueVolume())).rejects.toThrow(/PNG holds one slice/);
    await expect(writeImage(join(dir, 'f.png'), { ...photo(4, 4, 1), pixelType: 'float32', data: new Float32Array(16) })).rejects.toThrow(/8- or 16-bit/);
    await expect(writeImage(join(dir, 'x.jpg'), photo(4, 4, 1))).rejects.toThrow(/unsupported file type '.jpg'.*\.nii\.gz/);
    await expect(writeImage(join(dir, 'nofolder', 'x.nii.gz'), obliqueVolume())).rejects.toThrow(/does not exist/);
    await expect(writeLabelmap(join(dir, 'short.nii.gz'), new Uint8Array(3), obliqueVolume())).rejects.toThrow(/3 voxels but the image grid has 140/);
    await expect(writeImage(join(dir, 'bad.nii.gz'), { ...obliqueVolume(), spacing: [1, 0, 1] })).rejects.toThrow(/invalid/);
    expect(visible()).toEqual(before);
    expect(hidden()).toEqual([]);
  });

  it('fails the read-back check for a geometry the format cannot keep, leaving the old file untouched', async () => {
    // A sheared (non-orthonormal) direction: NIfTI/ITK cannot store it as given.
    const target = join(dir, 'keep.nii.gz');
    await writeImage(target, obliqueVolume());
    const original = readFileSync(target);
    const sheared = { ...obliqueVolume(), direction: [1, 0.5, 0, 0, 1, 0, 0, 0, 1] };
    const error = await writeImage(target, sheared).catch((e: unknown) => e);
    expect(isUserError(error)).toBe(true);
    expect((error as Error).message).toMatch(/failed its check|Could not write/);
    expect(readFileSync(target).equals(original)).toBe(true);
    expect(hidden()).toEqual([]);
  });

  it('overwrites an existing file atomically', async () => {
    const target = join(dir, 'over.mha');
    writeFileSync(target, 'old');
    await writeImage(target, obliqueVolume());
    expect((await readImage(target)).size).toEqual([7, 5, 4]);
  });
});

describe('2D photo formats', () => {
  it('reads PNG/JPEG/TIFF/BMP as one-slice images with photo geometry; RGBA loses alpha', async () => {
    const rgba = photo(5, 3, 4);
    await writeImage(join(dir, 'rgba.png'), rgba);
    const back = await readImage(join(dir, 'rgba.png'));
    expect(back.components).toBe(3);
    expect(Array.from(back.data.slice(0, 6))).toEqual([rgba.data[0], rgba.data[1], rgba.data[2], rgba.data[4], rgba.data[5], rgba.data[6]]);

    const gray = photo(8, 6, 1);
    const itkGray = toItkImage(gray, 2);
    await jpegWriteImageNode(itkGray, join(dir, 'g.jpg'));
    await tiffWriteImageNode(itkGray, join(dir, 'g.tif'));
    await bmpWriteImageNode(toItkImage(photo(8, 6, 3), 2), join(dir, 'c.bmp'));
    for (const [name, components] of [['g.jpg', 1], ['g.tif', 1], ['c.bmp', 3]] as const) {
      const image = await readImage(join(dir, name));
      expect(image.size, name).toEqual([8, 6, 1]);
      expect(image.components, name).toBe(components);
      expect(image.spacing).toEqual([1, 1, 1]);
      expect(image.origin).toEqual([0, 0, 0]);
      expect(image.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
      expect(image.modality).toBe('OT');
    }
    expect(Array.from((await readImage(join(dir, 'g.tif'))).data)).toEqual(Array.from(gray.data));
    expect(existsSync(join(dir, 'g.jpg'))).toBe(true);
  });
});
