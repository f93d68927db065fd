// Display windows (centre and width, as the manifest's CT window): presets, the automatic
// 1st–99th percentile window, the window a new image opens with, and right-drag windowing.
import type { PixelArray, VolumeImage } from '../../shared/image';
import { looksLikeHounsfield } from '../../shared/hounsfield';

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
