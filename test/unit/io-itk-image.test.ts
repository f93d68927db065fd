import { describe, expect, it } from 'vitest';
import type { Image } from 'itk-wasm';
import { fromItkImage, toItkImage } from '../../src/core/io/itk-image';
import { indexToWorld } from '../../src/shared/geometry';
import { describeReadFormats, extensionOf, readFormatOf, writeFormatOf, READ_EXTENSIONS, WRITE_EXTENSIONS } from '../../src/core/io/formats';

function itk(partial: Partial<Image> & { dimension: number; componentType?: string; components?: number; pixelType?: string }): Image {
  const { dimension, componentType = 'int16', components = 1, pixelType = 'Scalar', ...rest } = partial;
  const size = rest.size ?? Array(dimension).fill(2);
  const n = size.reduce((a, b) => a * b, 1) * components;
  return {
    imageType: { dimension, componentType, pixelType, components },
    name: 'x',
    origin: Array(dimension).fill(0),
    spacing: Array(dimension).fill(1),
    direction: Float64Array.from({ length: dimension * dimension }, (_, i) => (i % (dimension + 1) === 0 ? 1 : 0)),
    size,
    metadata: new Map(),
    data: Int16Array.from({ length: n }, (_, i) => i),
    ...rest,
  } as unknown as Image;
}

describe('itk-wasm image conversion', () => {
  it('keeps a 3D direction matrix row-major (column c = axis c) and copies geometry', () => {
    const direction = Float64Array.from([0, -1, 0, 1, 0, 0, 0, 0, 1]);
    const { image } = fromItkImage(itk({ dimension: 3, size: [2, 3, 4], spacing: [0.5, 2, 3], origin: [1, 2, 3], direction }), { photo: false, modality: 'CT' });
    expect(image.direction).toEqual([0, -1, 0, 1, 0, 0, 0, 0, 1]);
    // Index axis i runs along world +y (column 0 = (0, 1, 0)).
    expect(indexToWorld(image, [1, 0, 0])).toEqual([1, 2.5, 3]);
    expect(image.size).toEqual([2, 3, 4]);
    expect(image.data).toBeInstanceOf(Int16Array);
    expect(image.data.length).toBe(24);
  });

  it('embeds a 2D image as one slice and crops a 4D one to its first volume', () => {
    const two = fromItkImage(itk({ dimension: 2, size: [3, 2], spacing: [0.5, 0.7], origin: [4, 5], direction: Float64Array.from([0, 1, 1, 0]) }), { photo: false, modality: 'unknown' }).image;
    expect(two.size).toEqual([3, 2, 1]);
    expect(two.spacing).toEqual([0.5, 0.7, 1]);
    expect(two.origin).toEqual([4, 5, 0]);
    expect(two.direction).toEqual([0, 1, 0, 1, 0, 0, 0, 0, 1]);

    const four = fromItkImage(itk({ dimension: 4, size: [2, 2, 2, 3] }), { photo: false, modality: 'MR' });
    expect(four.image.size).toEqual([2, 2, 2]);
    expect(four.image.data.length).toBe(8);
    expect(Array.from(four.image.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(four.image.direction).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(four.warnings[0]).toMatch(/3 time points/);
  });

  it('makes a negative spacing positive by flipping that axis, keeping every voxel at its world point', () => {
    const source = itk({ dimension: 3, size: [2, 2, 3], spacing: [0.4, 0.4, -10], origin: [1, 2, 3], direction: Float64Array.from([-1, 0, 0, 0, 1, 0, 0, 0, -1]) });
    const { image } = fromItkImage(source, { photo: false, modality: 'CT' });
    expect(image.spacing).toEqual([0.4, 0.4, 10]);
    expect(image.direction).toEqual([-1, 0, 0, 0, 1, 0, 0, 0, 1]);
    // Voxel (0,0,2): itk world z = 3 + (-1)(-10)(2) = 23.
    expect(indexToWorld(image, [0, 0, 2])).toEqual([1, 2, 23]);
  });

  it('photos get spacing 1, origin 0, identity; RGBA drops alpha; gray+alpha keeps gray', () => {
    const rgba = itk({ dimension: 2, size: [2, 1], components: 4, componentType: 'uint8', pixelType: 'RGBA', spacing: [0.3, 0.3], origin: [5, 5], data: Uint8Array.from([1, 2, 3, 255, 4, 5, 6, 128]) });
    const { image } = fromItkImage(rgba, { photo: true, modality: 'OT' });
    expect(image.components).toBe(3);
    expect(Array.from(image.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(image.spacing).toEqual([1, 1, 1]);
    expect(image.origin).toEqual([0, 0, 0]);
    expect(image.modality).toBe('OT');
    const la = itk({ dimension: 2, size: [2, 1], components: 2, componentType: 'uint8', pixelType: 'VariableLengthVector', data: Uint8Array.from([9, 255, 8, 0]) });
    expect(Array.from(fromItkImage(la, { photo: true, modality: 'OT' }).image.data)).toEqual([9, 8]);
  });

  it('converts 64-bit integers to float64 and refuses complex pixels', () => {
    const big = itk({ dimension: 3, size: [1, 1, 2], componentType: 'int64', data: BigInt64Array.from([1n, -2n]) as unknown as Int16Array });
    const { image, warnings } = fromItkImage(big, { photo: false, modality: 'CT' });
    expect(image.pixelType).toBe('float64');
    expect(Array.from(image.data)).toEqual([1, -2]);
    expect(warnings[0]).toMatch(/float64/);
    expect(() => fromItkImage(itk({ dimension: 3, pixelType: 'Complex', componentType: 'float32' }), { photo: false, modality: 'CT' })).toThrow(/Complex/);
  });

  it('refuses pixel data shorter than the size says', () => {
    expect(() => fromItkImage(itk({ dimension: 3, size: [4, 4, 4], data: new Int16Array(10) }), { photo: false, modality: 'CT' })).toThrow(/shorter/);
  });

  it('toItkImage writes the same row-major direction, and a 2D image for PNG', () => {
    const volume = { size: [2, 3, 1] as [number, number, number], spacing: [1, 2, 3] as [number, number, number], origin: [4, 5, 6] as [number, number, number],
      direction: [0, -1, 0, 1, 0, 0, 0, 0, 1], components: 3, pixelType: 'uint8' as const, data: new Uint8Array(18), modality: 'OT' };
    const three = toItkImage(volume);
    expect(Array.from(three.direction as Float64Array)).toEqual(volume.direction);
    expect(three.imageType.pixelType).toBe('RGB');
    const two = toItkImage(volume, 2);
    expect(two.size).toEqual([2, 3]);
    expect(Array.from(two.direction as Float64Array)).toEqual([0, -1, 1, 0]);
  });
});

describe('supported formats', () => {
  it('matches extensions case-insensitively, .nii.gz as one', () => {
    expect(extensionOf('/a/b/CT.NII.GZ')).toBe('.nii.gz');
    expect(extensionOf('/a/b.c/image_12')).toBe('');
    expect(readFormatOf('x.nii.gz')?.format).toBe('nifti');
    expect(readFormatOf('x.JPG')?.format).toBe('jpeg');
    expect(readFormatOf('x.txt')).toBeUndefined();
    expect(writeFormatOf('x.mha')?.format).toBe('meta');
    expect(writeFormatOf('x.mhd')).toBeUndefined();
    expect(WRITE_EXTENSIONS).toEqual(['.nii.gz', '.nii', '.nrrd', '.mha', '.png']);
    expect(READ_EXTENSIONS).toContain('.tiff');
    expect(describeReadFormats()).toMatch(/NIfTI \(\.nii\.gz, \.nii\)/);
  });
});
