// Exact 2D Euclidean distance transform (Felzenszwalb & Huttenlocher, 2012): two passes of the 1D
// lower envelope of parabolas, linear in the pixel count. Spacing-aware, so distances are in mm on
// anisotropic pixels. Used for shape-based interpolation between slices (editor) and by the simulated
// clicker of the interactive protocol (engine).

/**
 * 1D squared distance transform of `f` (stride `stride` from `offset`, `n` samples `step` apart):
 * d(p) = min_q ((p-q)·step)² + f(q). Infinite samples are no parabola at all, which keeps the
 * envelope arithmetic exact (no 1e20 stand-ins cancelling out).
 */
function squaredDistance1D(
  f: Float64Array, offset: number, stride: number, n: number, step: number,
  out: Float64Array, vertices: Int32Array, bounds: Float64Array,
): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    const fq = f[offset + q * stride];
    if (fq === Infinity) continue;
    const xq = q * step;
    let s = -Infinity;
    while (k >= 0) {
      const p = vertices[k];
      const xp = p * step;
      s = (fq + xq * xq - (f[offset + p * stride] + xp * xp)) / (2 * (xq - xp));
      if (s > bounds[k]) break;
      k--;
    }
    k++;
    vertices[k] = q;
    bounds[k] = k === 0 ? -Infinity : s;
    bounds[k + 1] = Infinity;
  }
  if (k < 0) {
    for (let q = 0; q < n; q++) out[offset + q * stride] = Infinity;
    return;
  }
  let j = 0;
  for (let q = 0; q < n; q++) {
    const x = q * step;
    while (bounds[j + 1] < x) j++;
    const dx = (q - vertices[j]) * step;
    out[offset + q * stride] = dx * dx + f[offset + vertices[j] * stride];
  }
}

/**
 * Squared distance from each pixel to the nearest pixel where `isForeground` holds (0 on those,
 * Infinity when there are none). Row-major, `width` x `height`, spacing [along width, along height].
 */
export function squaredDistanceTransform2D(
  width: number, height: number, isForeground: (p: number) => boolean, spacing: readonly [number, number] = [1, 1],
): Float64Array {
  const grid = new Float64Array(width * height);
  for (let p = 0; p < grid.length; p++) grid[p] = isForeground(p) ? 0 : Infinity;
  const longest = Math.max(width, height);
  const vertices = new Int32Array(longest);
  const bounds = new Float64Array(longest + 1);
  const columns = new Float64Array(width * height);
  for (let u = 0; u < width; u++) squaredDistance1D(grid, u, width, height, spacing[1], columns, vertices, bounds);
  for (let v = 0; v < height; v++) squaredDistance1D(columns, v * width, 1, width, spacing[0], grid, vertices, bounds);
  return grid;
}

/** Euclidean distance to the nearest non-zero pixel of `mask`. */
export function distanceTransform2D(mask: Uint8Array, width: number, height: number, spacing: readonly [number, number] = [1, 1]): Float64Array {
  const d = squaredDistanceTransform2D(width, height, (p) => mask[p] !== 0, spacing);
  for (let p = 0; p < d.length; p++) d[p] = Math.sqrt(d[p]);
  return d;
}

/**
 * Signed distance of a mask: negative inside, positive outside, zero half a pixel beyond the
 * boundary pixels so that a mask and its complement share one zero level.
 */
export function signedDistance2D(mask: Uint8Array, width: number, height: number, spacing: readonly [number, number] = [1, 1]): Float64Array {
  const outside = squaredDistanceTransform2D(width, height, (p) => mask[p] !== 0, spacing);
  const inside = squaredDistanceTransform2D(width, height, (p) => mask[p] === 0, spacing);
  const half = 0.5 * Math.min(spacing[0], spacing[1]);
  const sdf = new Float64Array(width * height);
  for (let p = 0; p < sdf.length; p++) {
    sdf[p] = mask[p] !== 0 ? half - Math.sqrt(inside[p]) : Math.sqrt(outside[p]) - half;
  }
  return sdf;
}
