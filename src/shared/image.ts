// Plain image data in itk-wasm's shape: the one representation every layer passes around.
// Geometry is LPS, `direction` is row-major (direction[row * dim + col]), columns are axis directions.

export type PixelArray =
  | Uint8Array | Int8Array | Uint16Array | Int16Array
  | Uint32Array | Int32Array | Float32Array | Float64Array;

export type PixelType =
  | 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';

export interface Geometry {
  /** Voxels along i, j, k (a 2D image has k = 1). */
  size: [number, number, number];
  /** Millimetres between voxel centres along i, j, k. */
  spacing: [number, number, number];
  /** World position (LPS, mm) of voxel (0,0,0). */
  origin: [number, number, number];
  /** 3×3 row-major; column c is the world direction of index axis c. */
  direction: number[];
}

export interface VolumeImage extends Geometry {
  /** Interleaved components per voxel (3 for RGB, 1 otherwise). */
  components: number;
  pixelType: PixelType;
  /** Voxel values, i fastest, then j, then k, components interleaved. */
  data: PixelArray;
  /** DICOM modality (CT, MR, …) or 'OT' for photos and unknown. */
  modality: string;
}

export interface ImageInfo extends Geometry {
  components: number;
  pixelType: PixelType;
  modality: string;
}

export function imageInfo(image: VolumeImage): ImageInfo {
  const { size, spacing, origin, direction, components, pixelType, modality } = image;
  return { size, spacing, origin, direction, components, pixelType, modality };
}

export function voxelCount(g: Geometry): number {
  return g.size[0] * g.size[1] * g.size[2];
}

/**
 * How far a read has come: DICOM headers scanned (files of the folder), then the series decoded
 * (files of the chosen series; one step, as the decoder reports nothing on the way); one file for
 * any other image.
 */
export interface ReadProgress {
  phase: 'scanning' | 'decoding';
  done: number;
  total: number;
}

/**
 * A 2D picture rather than a patient slice: one slice, and colour or no modality. A single CT or
 * MR slice keeps its patient geometry (and letters).
 */
export function isPicture(image: { size: readonly number[]; components: number; modality: string }): boolean {
  return image.size[2] === 1 && (image.components > 1 || ['OT', 'XC', 'ES', ''].includes(image.modality.toUpperCase()));
}
