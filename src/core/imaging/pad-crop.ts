// Padding planar [C, H, W] slices at the bottom/right to a size multiple (as the trainer does), and
// cropping the network's output back to the slice.

export type PadMode = 'edge' | 'zero';

/** The smallest multiple of `multiple` that is ≥ n. */
export function roundUpToMultiple(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}

/**
 * Copies [channels, h, w] into the top-left of [channels, outH, outW] (`out`), filling the rest by
 * repeating the last row/column ('edge', PyTorch's 'replicate') or with zeros.
 */
export function padBottomRight(
  src: Float32Array, channels: number, h: number, w: number, outH: number, outW: number, mode: PadMode,
  out: Float32Array = new Float32Array(channels * outH * outW),
): Float32Array {
  for (let c = 0; c < channels; c++) {
    const s = c * h * w;
    const o = c * outH * outW;
    for (let y = 0; y < outH; y++) {
      const row = o + y * outW;
      if (y >= h && mode === 'zero') {
        out.fill(0, row, row + outW);
        continue;
      }
      const sy = s + Math.min(y, h - 1) * w;
      out.set(src.subarray(sy, sy + w), row);
      if (outW > w) out.fill(mode === 'edge' ? src[sy + w - 1] : 0, row + w, row + outW);
    }
  }
  return out;
}

/** The top-left [channels, h, w] of [channels, inH, inW]. */
export function cropTopLeft(
  src: Float32Array, channels: number, inH: number, inW: number, h: number, w: number,
  out: Float32Array = new Float32Array(channels * h * w),
): Float32Array {
  for (let c = 0; c < channels; c++) {
    const s = c * inH * inW;
    const o = c * h * w;
    for (let y = 0; y < h; y++) out.set(src.subarray(s + y * inW, s + y * inW + w), o + y * w);
  }
  return out;
}
