// The image layer's pixels: a slice of the image turned into RGBA through the display window,
// laid out as the view shows it (anatomical orientation), with a look-up table for 8/16-bit data.
// No DOM, so it runs and is tested in Node.
import type { PixelArray } from '../../shared/image';
import { sliceRaster, sliceView, type Orientation, type SliceLayout } from '../editor/slices';
import { windowGrey, type DisplayWindow } from './display-window';

/** For integer pixel types with a small range: grey value per possible intensity (value − offset). */
export interface GreyLut {
  offset: number;
  table: Uint8Array;
}

function integerRange(data: PixelArray): [number, number] | null {
  if (data instanceof Uint8Array) return [0, 255];
  if (data instanceof Int8Array) return [-128, 127];
  if (data instanceof Uint16Array) return [0, 65535];
  if (data instanceof Int16Array) return [-32768, 32767];
  return null;
}

/** A table for 8/16-bit data (one lookup per voxel in the hot loop), or null for 32-bit and float data. */
export function greyLut(data: PixelArray, w: DisplayWindow): GreyLut | null {
  const range = integerRange(data);
  if (!range) return null;
  const [min, max] = range;
  const table = new Uint8Array(max - min + 1);
  for (let v = min; v <= max; v++) table[v - min] = windowGrey(v, w);
  return { offset: -min, table };
}

/** Little-endian RGBA words for grey levels 0..255 (opaque); built through bytes so endianness is right. */
const GREY_WORDS = (() => {
  const words = new Uint32Array(256);
  const bytes = new Uint8Array(words.buffer);
  for (let g = 0; g < 256; g++) bytes.set([g, g, g, 255], g * 4);
  return words;
})();

export interface ImageSliceSource {
  size: readonly [number, number, number];
  components: number;
  data: PixelArray;
}

/**
 * Fills `target` (RGBA, width*height*4) with slice `index` of `image` under window `w`, laid out by
 * `layout`. Single-channel
 * images are grey; 3- and 4-channel images show their first three channels as colour, each windowed.
 * Pass `lut` (from greyLut) to reuse one table across slices.
 */
export function renderImageSliceRGBA(
  image: ImageSliceSource,
  orientation: Orientation,
  index: number,
  w: DisplayWindow,
  target: Uint8ClampedArray,
  lut: GreyLut | null = greyLut(image.data, w),
  layout?: SliceLayout,
): void {
  const { width, height, strideX, strideY, origin } = sliceRaster(sliceView(image.size, orientation, index), layout);
  if (target.length !== width * height * 4) {
    throw new RangeError(`RGBA target holds ${target.length} bytes; a ${width}x${height} ${orientation} slice needs ${width * height * 4}`);
  }
  const data = image.data;
  const components = image.components;
  if (components === 1 && target.byteOffset % 4 === 0) {
    const pixels = new Uint32Array(target.buffer, target.byteOffset, width * height);
    if (lut) {
      const { table, offset } = lut;
      for (let y = 0, p = 0; y < height; y++) {
        let voxel = origin + y * strideY;
        for (let x = 0; x < width; x++, voxel += strideX) pixels[p++] = GREY_WORDS[table[data[voxel] + offset]];
      }
    } else {
      const lo = w.center - w.width / 2;
      const scale = 255 / Math.max(1e-12, w.width);
      for (let y = 0, p = 0; y < height; y++) {
        let voxel = origin + y * strideY;
        for (let x = 0; x < width; x++, voxel += strideX) {
          const g = (data[voxel] - lo) * scale;
          // NaN fails both tests and shows black.
          pixels[p++] = GREY_WORDS[g > 0 ? (g < 255 ? (g + 0.5) | 0 : 255) : 0];
        }
      }
    }
    return;
  }
  const grey = lut
    ? (x: number) => lut.table[x + lut.offset]
    : (x: number) => windowGrey(x, w);
  for (let y = 0, p = 0; y < height; y++) {
    let voxel = origin + y * strideY;
    for (let x = 0; x < width; x++, voxel += strideX, p += 4) {
      const base = voxel * components;
      if (components >= 3) {
        target[p] = grey(data[base]);
        target[p + 1] = grey(data[base + 1]);
        target[p + 2] = grey(data[base + 2]);
      } else {
        const g = grey(data[base]);
        target[p] = g; target[p + 1] = g; target[p + 2] = g;
      }
      target[p + 3] = 255;
    }
  }
}
