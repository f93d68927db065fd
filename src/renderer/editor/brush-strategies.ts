// Brush strategies in the spirit of Cornerstone3D: a strategy is a footprint (circle in the slice,
// or a sphere through neighbouring slices) combined with a voxel rule (paint, erase, threshold-limited).
//
// A stroke segment paints every voxel whose distance to the segment between two successive pointer
// positions is within the radius (a capsule), so fast strokes have no gaps and a segment of zero
// length is exactly one stamp. Distances are measured in voxels or in millimetres (spacing-scaled),
// so an mm brush is round on anisotropic pixels. Endpoints snap to voxel centres so a stamp's shape
// does not jitter with sub-pixel pointer motion.
import { intensityInRange, type IntensityRange, type IntensitySource } from './intensity';
import { Provenance, type Labelmap } from './labelmap';
import { sliceAxes, type Orientation, type SlicePoint } from './slices';

export type RadiusUnit = 'voxels' | 'mm';
export type BrushShape = 'circle' | 'sphere';
export type BrushOperation = 'paint' | 'erase';

export interface ThresholdLimit {
  image: IntensitySource;
  range: IntensityRange;
}

export interface BrushSettings {
  operation: BrushOperation;
  /** Label painted, or (eraser without `eraseAnyLabel`) the only label erased. */
  label: number;
  radius: number;
  radiusUnit: RadiusUnit;
  /** 'sphere' reaches into neighbouring slices (an ellipsoid in voxels when the spacing is anisotropic). */
  shape: BrushShape;
  /** Off: painting changes only background (and voxels already of `label`), never another structure. */
  overwriteOtherLabels: boolean;
  /** Eraser clears every label, not only `label`. */
  eraseAnyLabel: boolean;
  /** Threshold brush: only voxels whose image intensity lies in the range change. */
  threshold?: ThresholdLimit | null;
}

/** What a covered voxel becomes: a label, or -1 to leave it. */
type VoxelRule = (index: number, current: number) => number;

export interface BrushStrategy {
  /** Paints the segment from `from` to `to` (slice pixels) on one slice; returns the voxels changed. */
  stroke(labelmap: Labelmap, orientation: Orientation, sliceIndex: number, from: SlicePoint, to: SlicePoint): number;
}

/** Radii of the brush in voxels along the slice's u, v and normal axes (for footprints and the cursor overlay). */
export interface BrushRadii {
  u: number;
  v: number;
  normal: number;
}

/** Per-axis length of one voxel step in the brush's distance unit: 1 for voxels, the spacing for mm. */
function axisScales(spacing: readonly number[], orientation: Orientation, unit: RadiusUnit): [number, number, number] {
  if (unit === 'voxels') return [1, 1, 1];
  const axes = sliceAxes(orientation);
  return [spacing[axes.u], spacing[axes.v], spacing[axes.normal]];
}

export function brushRadii(spacing: readonly number[], orientation: Orientation, settings: Pick<BrushSettings, 'radius' | 'radiusUnit' | 'shape'>): BrushRadii {
  const [su, sv, sn] = axisScales(spacing, orientation, settings.radiusUnit);
  const r = Math.max(0, settings.radius);
  return { u: r / su, v: r / sv, normal: settings.shape === 'sphere' ? r / sn : 0 };
}

function voxelRule(settings: BrushSettings): VoxelRule {
  const { label } = settings;
  let rule: VoxelRule;
  if (settings.operation === 'erase') {
    rule = settings.eraseAnyLabel
      ? (_index, current) => (current !== 0 ? 0 : -1)
      : (_index, current) => (current === label ? 0 : -1);
  } else {
    rule = settings.overwriteOtherLabels
      ? () => label
      : (_index, current) => (current === 0 || current === label ? label : -1);
  }
  const threshold = settings.threshold;
  if (!threshold) return rule;
  const inRange = intensityInRange(threshold.image, threshold.range);
  const base = rule;
  return (index, current) => (inRange(index) ? base(index, current) : -1);
}

export function createBrushStrategy(settings: BrushSettings): BrushStrategy {
  const rule = voxelRule(settings);
  return {
    stroke(labelmap, orientation, sliceIndex, from, to) {
      let changed = 0;
      const apply = (index: number) => {
        const next = rule(index, labelmap.labels[index]);
        if (next >= 0 && labelmap.setAt(index, next, Provenance.Human)) changed++;
      };
      forEachVoxelInCapsule(labelmap, orientation, sliceIndex, from, to, settings, apply);
      labelmap.flushChanges('edit');
      return changed;
    },
  };
}

/** One stroke segment with `settings`. */
export function paintStroke(labelmap: Labelmap, orientation: Orientation, sliceIndex: number, from: SlicePoint, to: SlicePoint, settings: BrushSettings): number {
  return createBrushStrategy(settings).stroke(labelmap, orientation, sliceIndex, from, to);
}

/** One stamp at `at`. */
export function stampBrush(labelmap: Labelmap, orientation: Orientation, sliceIndex: number, at: SlicePoint, settings: BrushSettings): number {
  return paintStroke(labelmap, orientation, sliceIndex, at, at, settings);
}

/**
 * Visits every voxel within the brush radius of the segment a→b (snapped to voxel centres), on
 * slice `sliceIndex` and, for a sphere, the slices the radius reaches. Voxels may be visited twice.
 */
function forEachVoxelInCapsule(
  labelmap: Labelmap,
  orientation: Orientation,
  sliceIndex: number,
  from: SlicePoint,
  to: SlicePoint,
  settings: Pick<BrushSettings, 'radius' | 'radiusUnit' | 'shape'>,
  visit: (index: number) => void,
): void {
  const view = labelmap.sliceView(orientation, sliceIndex);
  const [su, sv, sn] = axisScales(labelmap.geometry.spacing, orientation, settings.radiusUnit);
  const radii = brushRadii(labelmap.geometry.spacing, orientation, settings);
  const r = Math.max(0, settings.radius);
  const r2 = r * r * (1 + 1e-9) + 1e-12; // voxels exactly on the rim count despite rounding in mm units
  const au = Math.round(from.u), av = Math.round(from.v), bu = Math.round(to.u), bv = Math.round(to.v);
  const du = (bu - au) * su, dv = (bv - av) * sv;
  const length2 = du * du + dv * dv;

  const u0 = Math.max(0, Math.min(au, bu) - Math.floor(radii.u)), u1 = Math.min(view.width - 1, Math.max(au, bu) + Math.floor(radii.u));
  const v0 = Math.max(0, Math.min(av, bv) - Math.floor(radii.v)), v1 = Math.min(view.height - 1, Math.max(av, bv) + Math.floor(radii.v));
  const slices = labelmap.sliceCount(orientation);
  const reach = Math.floor(radii.normal);
  const w0 = Math.max(0, sliceIndex - reach), w1 = Math.min(slices - 1, sliceIndex + reach);

  for (let w = w0; w <= w1; w++) {
    const dn = (w - sliceIndex) * sn;
    const rest2 = r2 - dn * dn;
    if (rest2 < 0) continue;
    const sliceOrigin = view.origin + (w - sliceIndex) * view.strideNormal;
    for (let v = v0; v <= v1; v++) {
      const pv = (v - av) * sv;
      let index = sliceOrigin + v * view.strideV + u0 * view.strideU;
      for (let u = u0; u <= u1; u++, index += view.strideU) {
        const pu = (u - au) * su;
        let t = length2 > 0 ? (pu * du + pv * dv) / length2 : 0;
        if (t < 0) t = 0; else if (t > 1) t = 1;
        const eu = pu - t * du, ev = pv - t * dv;
        if (eu * eu + ev * ev <= rest2) visit(index);
      }
    }
  }

  // Below one voxel the capsule can miss voxel centres along a diagonal: add the Bresenham line.
  if (radii.u < 1 || radii.v < 1) {
    forEachPixelOnLine(au, av, bu, bv, (u, v) => {
      if (u >= 0 && v >= 0 && u < view.width && v < view.height) visit(view.voxelIndex(u, v));
    });
  }
}

/** Bresenham: the 8-connected pixels from (u0, v0) to (u1, v1), both included. */
function forEachPixelOnLine(u0: number, v0: number, u1: number, v1: number, visit: (u: number, v: number) => void): void {
  const du = Math.abs(u1 - u0), dv = -Math.abs(v1 - v0);
  const stepU = u0 < u1 ? 1 : -1, stepV = v0 < v1 ? 1 : -1;
  let error = du + dv;
  let u = u0, v = v0;
  for (;;) {
    visit(u, v);
    if (u === u1 && v === v1) return;
    const e2 = 2 * error;
    if (e2 >= dv) { error += dv; u += stepU; }
    if (e2 <= du) { error += du; v += stepV; }
  }
}
