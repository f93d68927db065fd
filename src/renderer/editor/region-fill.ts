// Region edits on one slice: polygon/lasso fill and 2D flood fill. Both write through the
// labelmap (so history records them) and flush one change event when done.
import { intensityInRange, type IntensityRange, type IntensitySource } from './intensity';
import { Provenance, type Labelmap } from './labelmap';
import type { Orientation, SlicePoint } from './slices';

export interface RegionFillSettings {
  label: number;
  /** Off: only background (and voxels already of `label`) change. */
  overwriteOtherLabels: boolean;
}

export const mayPaint = (current: number, settings: RegionFillSettings) =>
  settings.overwriteOtherLabels || current === 0 || current === settings.label;

/**
 * Fills the pixels whose centres lie inside the polygon (even-odd rule; vertices in slice pixel
 * coordinates, integers being pixel centres). Half-open scanlines (top-left rule) make the count
 * match the area for integer vertices: the square (10,10)-(20,20) fills exactly 10x10 pixels.
 */
export function fillPolygon(
  labelmap: Labelmap, orientation: Orientation, sliceIndex: number, vertices: readonly SlicePoint[], settings: RegionFillSettings,
): number {
  const view = labelmap.sliceView(orientation, sliceIndex);
  if (vertices.length < 3) return 0;
  let minV = Infinity, maxV = -Infinity;
  for (const p of vertices) { minV = Math.min(minV, p.v); maxV = Math.max(maxV, p.v); }
  const crossings: number[] = [];
  let changed = 0;
  for (let v = Math.max(0, Math.ceil(minV)); v <= Math.min(view.height - 1, Math.floor(maxV)); v++) {
    crossings.length = 0;
    for (let n = 0; n < vertices.length; n++) {
      const a = vertices[n], b = vertices[(n + 1) % vertices.length];
      if ((a.v <= v && v < b.v) || (b.v <= v && v < a.v)) {
        crossings.push(a.u + ((v - a.v) * (b.u - a.u)) / (b.v - a.v));
      }
    }
    crossings.sort((x, y) => x - y);
    for (let c = 0; c + 1 < crossings.length; c += 2) {
      const u0 = Math.max(0, Math.ceil(crossings[c]));
      const u1 = Math.min(view.width - 1, Math.ceil(crossings[c + 1]) - 1);
      let index = view.voxelIndex(u0, v);
      for (let u = u0; u <= u1; u++, index += view.strideU) {
        if (mayPaint(labelmap.labels[index], settings) && labelmap.setAt(index, settings.label, Provenance.Human)) changed++;
      }
    }
  }
  labelmap.flushChanges('edit');
  return changed;
}

export interface FloodFillSettings {
  label: number;
  /** Further bound the region to voxels whose image intensity lies in the range. */
  intensity?: { image: IntensitySource; range: IntensityRange } | null;
}

/**
 * Fills the 4-connected region around `seed` of voxels sharing the seed's label (and, when given,
 * an intensity in range). Other labels and out-of-range voxels bound it. Returns voxels changed.
 */
export function floodFillSlice(
  labelmap: Labelmap, orientation: Orientation, sliceIndex: number, seed: SlicePoint, settings: FloodFillSettings,
): number {
  const view = labelmap.sliceView(orientation, sliceIndex);
  const { width, height } = view;
  const su = Math.round(seed.u), sv = Math.round(seed.v);
  if (su < 0 || sv < 0 || su >= width || sv >= height) return 0;
  const labels = labelmap.labels;
  const regionLabel = labels[view.voxelIndex(su, sv)];
  const inRange = settings.intensity ? intensityInRange(settings.intensity.image, settings.intensity.range) : null;
  const belongs = (u: number, v: number) => {
    const index = view.voxelIndex(u, v);
    return labels[index] === regionLabel && (!inRange || inRange(index));
  };
  if (!belongs(su, sv)) return 0;

  // Pixels are marked when pushed, so each enters the stack once and the stack never outgrows the slice.
  const seen = new Uint8Array(width * height);
  const stack = new Int32Array(width * height);
  let top = 0;
  seen[sv * width + su] = 1;
  stack[top++] = sv * width + su;
  let changed = 0;
  while (top > 0) {
    const p = stack[--top];
    const u = p % width, v = (p - u) / width;
    if (labelmap.setAt(view.voxelIndex(u, v), settings.label, Provenance.Human)) changed++;
    if (u > 0 && !seen[p - 1] && belongs(u - 1, v)) { seen[p - 1] = 1; stack[top++] = p - 1; }
    if (u < width - 1 && !seen[p + 1] && belongs(u + 1, v)) { seen[p + 1] = 1; stack[top++] = p + 1; }
    if (v > 0 && !seen[p - width] && belongs(u, v - 1)) { seen[p - width] = 1; stack[top++] = p - width; }
    if (v < height - 1 && !seen[p + width] && belongs(u, v + 1)) { seen[p + width] = 1; stack[top++] = p + width; }
  }
  labelmap.flushChanges('edit');
  return changed;
}
