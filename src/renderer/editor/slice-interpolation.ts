// Filling the slices between two labelled slices by blending their signed distance maps
// (shape-based interpolation). Writes through the labelmap (so history records it) and flushes one
// change event when done.
import { signedDistance2D } from '../../shared/distance-transform';
import { Provenance, type Labelmap, type ProvenanceValue } from './labelmap';
import { mayPaint, type RegionFillSettings } from './region-fill';
import { sliceAxes, type Orientation, type SliceView } from './slices';

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
