// Bilinear resize of planar float32 [C, H, W] images with PyTorch's F.interpolate(mode='bilinear',
// align_corners=False) semantics (half-pixel centres, source clamped at the edges, no antialiasing),
// so the engine resizes slices and probabilities exactly as the trainer does.

interface AxisTaps {
  i0: Int32Array;
  i1: Int32Array;
  w1: Float32Array;
}

function axisTaps(inSize: number, outSize: number): AxisTaps {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w1 = new Float32Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    let src = (o + 0.5) * scale - 0.5;
    if (src < 0) src = 0;
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[o] = lo;
    i1[o] = Math.min(lo + 1, inSize - 1);
    w1[o] = src - lo;
  }
  return { i0, i1, w1 };
}

/** Resizes each of `channels` planes from inH × inW to outH × outW; writes into `out` when given. */
export function resizeBilinear(
  src: Float32Array, channels: number, inH: number, inW: number, outH: number, outW: number,
  out: Float32Array = new Float32Array(channels * outH * outW),
): Float32Array {
  if (inH === outH && inW === outW) {
    out.set(src.subarray(0, channels * inH * inW));
    return out;
  }
  const ys = axisTaps(inH, outH);
  const xs = axisTaps(inW, outW);
  const inPlane = inH * inW;
  const outPlane = outH * outW;
  for (let c = 0; c < channels; c++) {
    const s = c * inPlane;
    let o = c * outPlane;
    for (let y = 0; y < outH; y++) {
      const r0 = s + ys.i0[y] * inW;
      const r1 = s + ys.i1[y] * inW;
      const wy = ys.w1[y];
      for (let x = 0; x < outW; x++, o++) {
        const x0 = xs.i0[x];
        const x1 = xs.i1[x];
        const wx = xs.w1[x];
        const top = src[r0 + x0] + (src[r0 + x1] - src[r0 + x0]) * wx;
        const bottom = src[r1 + x0] + (src[r1 + x1] - src[r1 + x0]) * wx;
        out[o] = top + (bottom - top) * wy;
      }
    }
  }
  return out;
}
