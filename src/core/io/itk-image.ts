// Conversion between itk-wasm's Image and our VolumeImage. Pure functions (no WASM), unit-tested.
//
// itk-wasm quirks handled here (checked against nibabel and DICOM IOP in the io tests):
// - `direction` is a dim×dim matrix in ROW-major order (direction[row * dim + col]; column c is the
//   world direction of index axis c): the same convention as shared/image.ts, so it is copied, not
//   transposed. 2D images have a 2×2 matrix and 4D NIfTI a 4×4 one: we embed/crop to 3×3.
// - GDCM reports some enhanced multi-frame files with a negative slice spacing: we make spacing
//   positive and flip that axis's direction column (the same voxels land at the same world points).
// - Spacing read from NIfTI/GDCM is float32-rounded (0.57 → 0.569999992847443); it is kept as is.
import type { Image } from 'itk-wasm';
import type { PixelArray, PixelType, VolumeImage } from '../../shared/image';

export interface Converted {
  image: VolumeImage;
  warnings: string[];
}

const TYPED: Record<PixelType, new (n: number) => PixelArray> = {
  uint8: Uint8Array, int8: Int8Array, uint16: Uint16Array, int16: Int16Array,
  uint32: Uint32Array, int32: Int32Array, float32: Float32Array, float64: Float64Array,
};

export function pixelArrayOf(type: PixelType, n: number): PixelArray {
  return new TYPED[type](n);
}

/**
 * An itk-wasm Image as a VolumeImage: always 3D, 1 or 3 components, its own ArrayBuffer (so it can be
 * transferred). `photo` images (PNG/JPEG/TIFF/BMP) get spacing 1, origin 0, identity direction.
 */
export function fromItkImage(itk: Image, options: { photo: boolean; modality: string }): Converted {
  const warnings: string[] = [];
  const dim = itk.imageType.dimension;
  if (dim < 2 || dim > 4) throw new Error(`a ${dim}-dimensional image cannot be shown (2D or 3D images only)`);
  if (itk.imageType.pixelType === 'Complex' || itk.imageType.pixelType === 'SymmetricSecondRankTensor') {
    throw new Error(`images with ${itk.imageType.pixelType} pixels are not supported`);
  }
  const at = (a: ArrayLike<number>, i: number, fallback: number) => (i < a.length ? Number(a[i]) : fallback);
  const size: [number, number, number] = [at(itk.size, 0, 1), at(itk.size, 1, 1), at(itk.size, 2, 1)];
  const spacing: [number, number, number] = [at(itk.spacing, 0, 1), at(itk.spacing, 1, 1), at(itk.spacing, 2, 1)];
  const origin: [number, number, number] = [at(itk.origin, 0, 0), at(itk.origin, 1, 0), at(itk.origin, 2, 0)];
  const direction: number[] = [];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) direction.push(r < dim && c < dim ? Number(itk.direction[r * dim + c]) : r === c ? 1 : 0);
  }
  if (dim === 4 && itk.size[3] > 1) warnings.push(`the image has ${itk.size[3]} time points; only the first is shown`);

  const voxels = size[0] * size[1] * size[2];
  const inComponents = itk.imageType.components;
  const { pixelType, convert } = pixelTypeFromItk(itk.imageType.componentType);
  if (convert) warnings.push(`${itk.imageType.componentType} voxels were converted to float64`);
  const source = itk.data;
  if (!source) throw new Error('the image has no pixel data');
  if (source.length < voxels * inComponents) throw new Error('the pixel data is shorter than the image size says');

  // Components: keep 1 and 3 (RGB); drop alpha from 2 (gray+alpha) and 4 (RGBA); else keep the first.
  let outComponents = inComponents;
  if (inComponents === 2) outComponents = 1;
  else if (inComponents === 4) outComponents = 3;
  else if (inComponents > 4) {
    outComponents = 1;
    warnings.push(`the image has ${inComponents} components per voxel; only the first is shown`);
  }
  const n = voxels * outComponents;
  let data: PixelArray;
  if (outComponents === inComponents && !convert) {
    // Own buffer, exactly n elements (itk-wasm may hand back a view, or a 4D image's larger buffer).
    const typed = source as unknown as PixelArray;
    data = typed.byteOffset === 0 && typed.length === n && typed.buffer.byteLength === typed.byteLength && !(typed.buffer instanceof SharedArrayBuffer)
      ? typed
      : (typed.slice(0, n) as PixelArray);
  } else {
    data = pixelArrayOf(pixelType, n);
    for (let v = 0; v < voxels; v++) {
      for (let c = 0; c < outComponents; c++) data[v * outComponents + c] = Number(source[v * inComponents + c]);
    }
  }

  if (options.photo) {
    return {
      image: {
        size, spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
        components: outComponents, pixelType, data, modality: options.modality,
      },
      warnings,
    };
  }
  for (let c = 0; c < 3; c++) {
    if (!Number.isFinite(spacing[c]) || spacing[c] === 0) {
      warnings.push(noSpacingWarning(c));
      spacing[c] = 1;
    } else if (spacing[c] < 0) {
      spacing[c] = -spacing[c];
      for (let r = 0; r < 3; r++) direction[r * 3 + c] = -direction[r * 3 + c] || 0;
    }
  }
  if (!origin.every(Number.isFinite) || !direction.every(Number.isFinite)) {
    throw new Error('the file\'s position or orientation is not a number');
  }
  return {
    image: { size, spacing, origin, direction, components: outComponents, pixelType, data, modality: options.modality },
    warnings,
  };
}

/** The one wording for a spacing the file does not give (ITK or our own header checks found it). */
export function noSpacingWarning(axis: number): string {
  return `the file has no valid spacing along axis ${'ijk'[axis]}; 1 mm is assumed`;
}

function pixelTypeFromItk(componentType: string): { pixelType: PixelType; convert: boolean } {
  switch (componentType) {
    case 'uint8': case 'int8': case 'uint16': case 'int16': case 'uint32': case 'int32': case 'float32': case 'float64':
      return { pixelType: componentType, convert: false };
    case 'uint64': case 'int64':
      return { pixelType: 'float64', convert: true };
    default:
      throw new Error(`voxels of type ${componentType} are not supported`);
  }
}

/**
 * A VolumeImage as an itk-wasm Image; `dimension` 2 drops k (for PNG, which needs k = 1). `fields`
 * become the file's key/value metadata where the format keeps it (NRRD "key:=value" lines).
 */
export function toItkImage(image: VolumeImage, dimension: 2 | 3 = 3, fields: Record<string, string> = {}): Image {
  const pixelType = image.components === 1 ? 'Scalar' : image.components === 3 ? 'RGB' : image.components === 4 ? 'RGBA' : 'VariableLengthVector';
  const direction = new Float64Array(dimension * dimension);
  for (let r = 0; r < dimension; r++) for (let c = 0; c < dimension; c++) direction[r * dimension + c] = image.direction[r * 3 + c];
  return {
    imageType: { dimension, componentType: image.pixelType, pixelType, components: image.components },
    name: 'image',
    origin: image.origin.slice(0, dimension),
    spacing: image.spacing.slice(0, dimension),
    direction,
    size: image.size.slice(0, dimension),
    metadata: new Map(Object.entries(fields)),
    data: image.data,
  } as unknown as Image;
}
