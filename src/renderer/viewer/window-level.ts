// Display windows (centre and width, as the manifest's CT window): presets, the automatic 1st–99th percentile window, and the slice renderer that turns
// image voxels into RGBA pixels through a look-up table (no DOM, so it runs and is tested in Node).
import type { PixelArray, VolumeImage } from '../../shared/image';
import { sliceView, type Orientation } from '../editor/slices';

export interface DisplayWindow {
  width: number;
  center: number;
}

export interface WindowPreset extends DisplayWindow {
  id: string;
  name: string;
}

/** Standard CT windows (Hounsfield units). "auto" is computed per image. */
export const WINDOW_PRESETS: readonly WindowPreset[] = [
  { id: 'abdomen', name: 'Abdomen', width: 400, center: 40 },
  { id: 'liver', name: 'Liver', width: 150, center: 30 },
  { id: 'lung', name: 'Lung', width: 1500, center: -600 },
  { id: 'bone', name: 'Bone', width: 1800, center: 400 },
  { id: 'brain', name: 'Brain', width: 80, center: 40 },
];

/** Voxels sampled for the percentile window: enough for stable percentiles, cheap on big volumes. */
const AUTO_SAMPLES = 1 << 20;

/** The `lo`–`hi` percentile window of the image's values (all channels), from an even sample. */
export function autoWindow(data: PixelArray, loPercent = 1, hiPercent = 99): DisplayWindow {
  const n = data.length;
  if (n === 0) return { width: 1, center: 0.5 };
  const step = Math.max(1, Math.floor(n / AUTO_SAMPLES));
  const sample = new Float64Array(Math.ceil(n / step));
  let m = 0;
  for (let i = 0; i < n; i += step) {
    const x = data[i];
    if (Number.isFinite(x)) sample[m++] = x;
  }
  if (m === 0) return { width: 1, center: 0.5 };
  const sorted = sample.subarray(0, m).sort();
  const at = (p: number) => sorted[Math.min(m - 1, Math.max(0, Math.round((p / 100) * (m - 1))))];
  const lo = at(loPercent), hi = at(hiPercent);
  if (hi > lo) return { width: hi - lo, center: (hi + lo) / 2 };
  // A (nearly) constant image: a unit window around its value shows it mid-grey rather than black.
  return { width: Math.max(1, Math.abs(lo) * 0.1), center: lo };
}

/**
 * Whether an image of unknown modality (NIfTI, NRRD and MHA do not say) holds Hounsfield units:
 * air near −1000 and something denser than water. Sampled, so it costs little on big volumes.
 */
function looksLikeHounsfield(data: VolumeImage['data']): boolean {
  const step = Math.max(1, Math.floor(data.length / 200_000));
  let lo = Infinity, hi = -Infinity;
  for (let n = 0; n < data.length; n += step) {
    const v = Number(data[n]);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= -900 && lo >= -3100 && hi >= 100;
}

/** The window a newly opened image starts with: abdomen for CT (or HU data), auto for MR, photos and unknown. */
export function defaultWindow(image: Pick<VolumeImage, 'modality' | 'data' | 'components'>): { preset: string; window: DisplayWindow } {
  const modality = image.modality.toUpperCase();
  const ct = modality === 'CT' || (!['MR', 'OT', 'SEG'].includes(modality) && looksLikeHounsfield(image.data));
  if (ct && image.components === 1) {
    const abdomen = WINDOW_PRESETS[0];
    return { preset: abdomen.id, window: { width: abdomen.width, center: abdomen.center } };
  }
  return { preset: 'auto', window: autoWindow(image.data) };
}

/** The window after a right-drag of (dx, dy) screen pixels: right widens, down raises the centre. */
export function dragWindow(start: DisplayWindow, dx: number, dy: number, sensitivity = Math.max(1, start.width) / 256): DisplayWindow {
  return { width: Math.max(1, start.width + dx * sensitivity), center: start.center + dy * sensitivity };
}

/** Grey value (0..255) of intensity `x` under the window: linear from centre−width/2 to centre+width/2. */
export function windowGrey(x: number, w: DisplayWindow): number {
  const lo = w.center - w.width / 2;
  const g = ((x - lo) / Math.max(1e-12, w.width)) * 255;
  return g <= 0 ? 0 : g >= 255 ? 255 : Math.round(g);
}

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
 * Fills `target` (RGBA, width*height*4) with slice `index` of `image` under window `w`. Single-channel
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
): void {
  const view = sliceView(image.size, orientation, index);
  const { width, height, strideU, strideV, origin } = view;
  if (target.length !== width * height * 4) {
    throw new RangeError(`RGBA target holds ${target.length} bytes; a ${width}x${height} ${orientation} slice needs ${width * height * 4}`);
  }
  const data = image.data;
  const components = image.components;
  if (components === 1 && target.byteOffset % 4 === 0) {
    const pixels = new Uint32Array(target.buffer, target.byteOffset, width * height);
    if (lut) {
      const { table, offset } = lut;
      for (let v = 0, p = 0; v < height; v++) {
        let voxel = origin + v * strideV;
        for (let u = 0; u < width; u++, voxel += strideU) pixels[p++] = GREY_WORDS[table[data[voxel] + offset]];
      }
    } else {
      const lo = w.center - w.width / 2;
      const scale = 255 / Math.max(1e-12, w.width);
      for (let v = 0, p = 0; v < height; v++) {
        let voxel = origin + v * strideV;
        for (let u = 0; u < width; u++, voxel += strideU) {
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
  for (let v = 0, p = 0; v < height; v++) {
    let voxel = origin + v * strideV;
    for (let u = 0; u < width; u++, voxel += strideU, p += 4) {
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
