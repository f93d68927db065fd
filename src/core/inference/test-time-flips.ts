// Test-time flip averaging (manifest `output.testTimeFlips`): the network also sees the slice
// mirrored, and its probabilities, mirrored back, are averaged with the plain run's. Only for
// models trained with flips (photographs, microscopy): a model trained in a canonical orientation
// without flips knows left from right, and a mirrored slice is not what it learned.
import type { TestTimeFlip } from '../../shared/manifest';

export interface FlipVariant { flipH: boolean; flipW: boolean }

/** The identity plus every combination of the listed flips (1, 2 or 4 variants). */
export function flipVariants(flips: readonly TestTimeFlip[] | undefined): FlipVariant[] {
  const w = flips?.includes('horizontal') ?? false;
  const h = flips?.includes('vertical') ?? false;
  const variants: FlipVariant[] = [{ flipH: false, flipW: false }];
  if (w) variants.push({ flipH: false, flipW: true });
  if (h) variants.push({ flipH: true, flipW: false });
  if (w && h) variants.push({ flipH: true, flipW: true });
  return variants;
}

/** A copy of `planes` planes of height × width, each mirrored as `variant` says (its own inverse). */
export function flipPlanes(data: Float32Array, planes: number, height: number, width: number, variant: FlipVariant): Float32Array {
  const out = new Float32Array(data.length);
  const plane = height * width;
  for (let p = 0; p < planes; p++) {
    const base = p * plane;
    for (let y = 0; y < height; y++) {
      const src = base + (variant.flipH ? height - 1 - y : y) * width;
      const dst = base + y * width;
      if (variant.flipW) for (let x = 0; x < width; x++) out[dst + x] = data[src + width - 1 - x];
      else out.set(data.subarray(src, src + width), dst);
    }
  }
  return out;
}
