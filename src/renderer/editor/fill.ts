// Region edits on one slice and across slices: polygon/lasso fill, 2D flood fill, and filling the
// slices between two labelled slices by blending their signed distance maps (shape-based
// interpolation). Every function writes through the labelmap (so history records it) and flushes
// one change event when done.
import { signedDistance2D } from './distance-transform';
import { intensityInRange, type IntensityRange, type IntensitySource } from './intensity';
import { Provenance, type Labelmap, type ProvenanceValue } from './labelmap';
import { sliceAxes, type Orientation, type SlicePoint, type SliceView } from './slices';

export interface RegionFillSettings {
  label: number;
  /** Off: only background (and voxels already of `label`) change. */
  overwriteOtherLabels: boolean;
}

const mayPaint = (current: number, settings: RegionFillSettings) =>
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

export interface SliceInterpolationSettings {
  /** Off (default): interpolated voxels go only where there is background. */
  overwriteOtherLabels?: boolean;
  /** Provenance of interpolated voxels; the person asked for them, so human-edited by default. */
  provenance?: ProvenanceValue;
}

export interface SliceInterpolationResult {
  /** Slices (along the orientation's normal) that contained the label before. */
  keySlices: number[];
  /** Slices that received interpolated voxels. */
  filledSlices: number[];
  changed: number;
}

/** Slices along `orientation`'s normal holding at least one voxel of `label`. */
export function slicesWithLabel(labelmap: Labelmap, label: number, orientation: Orientation): number[] {
  const normal = sliceAxes(orientation).normal;
  const [nx, ny] = labelmap.size;
  const has = new Uint8Array(labelmap.size[normal]);
  const labels = labelmap.labels;
  for (let index = 0; index < labels.length; index++) {
    if (labels[index] !== label) continue;
    const i = index % nx, rest = (index - i) / nx, j = rest % ny, k = (rest - j) / ny;
    has[normal === 0 ? i : normal === 1 ? j : k] = 1;
  }
  const slices: number[] = [];
  has.forEach((h, s) => { if (h) slices.push(s); });
  return slices;
}

/**
 * Fills each gap between two slices that contain `label`: slice s between key slices a and b gets
 * the mask { sdf_a·(1−t) + sdf_b·t < 0 }, t = (s−a)/(b−a), with spacing-aware signed distances.
 * The blend is negative only inside one of the two masks, so the work is cropped to their joint
 * bounding box plus a one-pixel ring (which keeps the distances exact).
 */
export function interpolateBetweenSlices(
  labelmap: Labelmap, label: number, orientation: Orientation, settings: SliceInterpolationSettings = {},
): SliceInterpolationResult {
  const keySlices = slicesWithLabel(labelmap, label, orientation);
  const axes = sliceAxes(orientation);
  const spacing: [number, number] = [labelmap.geometry.spacing[axes.u], labelmap.geometry.spacing[axes.v]];
  const provenance = settings.provenance ?? Provenance.Human;
  const fillSettings: RegionFillSettings = { label, overwriteOtherLabels: settings.overwriteOtherLabels ?? false };
  const filledSlices: number[] = [];
  let changed = 0;

  for (let n = 0; n + 1 < keySlices.length; n++) {
    const a = keySlices[n], b = keySlices[n + 1];
    if (b - a < 2) continue;
    const viewA = labelmap.sliceView(orientation, a), viewB = labelmap.sliceView(orientation, b);
    const crop = jointBoundingRect(labelmap, label, [viewA, viewB]);
    const maskA = cropMask(labelmap, viewA, label, crop), maskB = cropMask(labelmap, viewB, label, crop);
    const sdfA = signedDistance2D(maskA, crop.width, crop.height, spacing);
    const sdfB = signedDistance2D(maskB, crop.width, crop.height, spacing);
    for (let s = a + 1; s < b; s++) {
      const t = (s - a) / (b - a);
      const view = labelmap.sliceView(orientation, s);
      let wrote = 0;
      for (let y = 0, p = 0; y < crop.height; y++) {
        for (let x = 0; x < crop.width; x++, p++) {
          if (sdfA[p] * (1 - t) + sdfB[p] * t >= 0) continue;
          const index = view.voxelIndex(crop.u0 + x, crop.v0 + y);
          if (mayPaint(labelmap.labels[index], fillSettings) && labelmap.setAt(index, label, provenance)) wrote++;
        }
      }
      if (wrote > 0) filledSlices.push(s);
      changed += wrote;
    }
  }
  labelmap.flushChanges('edit');
  return { keySlices, filledSlices, changed };
}

interface CropRect {
  u0: number;
  v0: number;
  width: number;
  height: number;
}

function jointBoundingRect(labelmap: Labelmap, label: number, views: SliceView[]): CropRect {
  let u0 = Infinity, v0 = Infinity, u1 = -Infinity, v1 = -Infinity;
  for (const view of views) {
    for (let v = 0; v < view.height; v++) {
      let index = view.origin + v * view.strideV;
      for (let u = 0; u < view.width; u++, index += view.strideU) {
        if (labelmap.labels[index] !== label) continue;
        if (u < u0) u0 = u; if (u > u1) u1 = u;
        if (v < v0) v0 = v; if (v > v1) v1 = v;
      }
    }
  }
  const { width, height } = views[0];
  u0 = Math.max(0, u0 - 1); v0 = Math.max(0, v0 - 1);
  u1 = Math.min(width - 1, u1 + 1); v1 = Math.min(height - 1, v1 + 1);
  return { u0, v0, width: u1 - u0 + 1, height: v1 - v0 + 1 };
}

function cropMask(labelmap: Labelmap, view: SliceView, label: number, crop: CropRect): Uint8Array {
  const mask = new Uint8Array(crop.width * crop.height);
  for (let y = 0, p = 0; y < crop.height; y++) {
    let index = view.voxelIndex(crop.u0, crop.v0 + y);
    for (let x = 0; x < crop.width; x++, p++, index += view.strideU) mask[p] = labelmap.labels[index] === label ? 1 : 0;
  }
  return mask;
}
