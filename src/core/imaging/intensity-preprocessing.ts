// Slice extraction and the manifest's intensity preprocessing, on planar float32 [C, H, W] slices.
// Axial slice k of a VolumeImage is H = j rows by W = i columns, which is exactly its memory order
// (i fastest), i.e. nibabel's arr[:, :, k].T as the trainer reads it.
import type { PixelArray } from '../../shared/image';

export interface IntensityPreprocessing {
  window?: { center: number; width: number };
  scale: number;
  mean: number[];
  std: number[];
}

/** How image components become network channels. */
export type ChannelMapping = 'direct' | 'luminance' | 'repeat' | 'drop-alpha';

/** Luma weights of ITU-R BT.601 (what Pillow's convert('L') uses). */
const LUMA = [0.299, 0.587, 0.114] as const;

/** How `components` per voxel map to `channels` network inputs; null when they cannot. */
export function channelMapping(components: number, channels: number): ChannelMapping | null {
  if (components === channels) return 'direct';
  if (channels === 1 && (components === 3 || components === 4)) return 'luminance';
  if (channels === 3 && components === 1) return 'repeat';
  if (channels === 3 && components === 4) return 'drop-alpha';
  return null;
}

/**
 * Slice k of an interleaved volume as planar float32 [channels, H, W] (written into `out`, which must
 * hold channels × W × H values).
 */
export function extractSliceChannels(
  data: PixelArray, size: readonly [number, number, number], components: number, k: number,
  channels: number, mapping: ChannelMapping, out: Float32Array,
): Float32Array {
  const plane = size[0] * size[1];
  const base = k * plane * components;
  if (mapping === 'direct' || mapping === 'drop-alpha') {
    if (components === 1) {
      for (let p = 0; p < plane; p++) out[p] = data[base + p];
    } else {
      for (let c = 0; c < channels; c++) {
        const o = c * plane;
        for (let p = 0, s = base + c; p < plane; p++, s += components) out[o + p] = data[s];
      }
    }
  } else if (mapping === 'luminance') {
    for (let p = 0, s = base; p < plane; p++, s += components) {
      out[p] = LUMA[0] * data[s] + LUMA[1] * data[s + 1] + LUMA[2] * data[s + 2];
    }
  } else {
    for (let p = 0; p < plane; p++) out[p] = data[base + p];
    for (let c = 1; c < channels; c++) out.copyWithin(c * plane, 0, plane);
  }
  return out;
}

/**
 * In place on planar [channels, pixels]: CT window to [0, 1] (clip((x - (center - width/2)) / width, 0, 1))
 * when given, then x * scale, then (x - mean[c]) / std[c].
 */
export function applyIntensityPreprocessing(planes: Float32Array, channels: number, pre: IntensityPreprocessing): Float32Array {
  const pixels = planes.length / channels;
  const low = pre.window ? pre.window.center - pre.window.width / 2 : 0;
  const width = pre.window ? pre.window.width : 1;
  const windowed = pre.window !== undefined;
  for (let c = 0; c < channels; c++) {
    const mean = pre.mean[c] ?? 0;
    const std = pre.std[c] ?? 1;
    const scale = pre.scale;
    const start = c * pixels;
    const end = start + pixels;
    for (let p = start; p < end; p++) {
      let x = planes[p];
      if (windowed) {
        x = (x - low) / width;
        x = x < 0 ? 0 : x > 1 ? 1 : x;
      }
      planes[p] = (x * scale - mean) / std;
    }
  }
  return planes;
}
