// Reading image intensities for intensity-limited edits (threshold brush, bounded flood fill).
// Takes the image's typed array as is, so a VolumeImage can be passed without copying.
import type { PixelArray } from '../../shared/image';

/** An image on the labelmap's grid; RGB voxels (components = 3) read as the mean of their channels. */
export interface IntensitySource {
  data: PixelArray;
  components?: number;
}

/** Inclusive intensity range. */
export interface IntensityRange {
  lo: number;
  hi: number;
}

/** Intensity of voxel `index`, the channel mean for multi-component images. */
function intensityAt(image: IntensitySource, index: number): number {
  const components = image.components ?? 1;
  if (components === 1) return image.data[index];
  let sum = 0;
  const base = index * components;
  for (let c = 0; c < components; c++) sum += image.data[base + c];
  return sum / components;
}

/** A predicate "voxel intensity is in [lo, hi]", specialised for single-channel images. */
export function intensityInRange(image: IntensitySource, range: IntensityRange): (index: number) => boolean {
  const { lo, hi } = range;
  const data = image.data;
  if ((image.components ?? 1) === 1) {
    return (index) => {
      const x = data[index];
      return x >= lo && x <= hi;
    };
  }
  return (index) => {
    const x = intensityAt(image, index);
    return x >= lo && x <= hi;
  };
}
