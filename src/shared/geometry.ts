// World↔index maths on plain geometry (LPS, row-major direction). Pure functions only.
import type { Geometry } from './image';

export type Vec3 = [number, number, number];

/** World (LPS, mm) position of a continuous index. */
export function indexToWorld(g: Geometry, index: Vec3): Vec3 {
  const d = g.direction;
  const s = [index[0] * g.spacing[0], index[1] * g.spacing[1], index[2] * g.spacing[2]];
  return [
    g.origin[0] + d[0] * s[0] + d[1] * s[1] + d[2] * s[2],
    g.origin[1] + d[3] * s[0] + d[4] * s[1] + d[5] * s[2],
    g.origin[2] + d[6] * s[0] + d[7] * s[1] + d[8] * s[2],
  ];
}

/** Continuous index of a world position; the direction matrix is orthonormal, so its inverse is its transpose. */
export function worldToIndex(g: Geometry, world: Vec3): Vec3 {
  const d = g.direction;
  const p = [world[0] - g.origin[0], world[1] - g.origin[1], world[2] - g.origin[2]];
  return [
    (d[0] * p[0] + d[3] * p[1] + d[6] * p[2]) / g.spacing[0],
    (d[1] * p[0] + d[4] * p[1] + d[7] * p[2]) / g.spacing[1],
    (d[2] * p[0] + d[5] * p[1] + d[8] * p[2]) / g.spacing[2],
  ];
}

/** Largest difference between two geometries' fields, or Infinity when sizes differ. */
export function geometryDifference(a: Geometry, b: Geometry): number {
  if (a.size.some((n, i) => n !== b.size[i])) return Infinity;
  let worst = 0;
  const pairs: [number[], number[]][] = [[a.spacing, b.spacing], [a.origin, b.origin], [a.direction, b.direction]];
  for (const [x, y] of pairs) for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  return worst;
}

/**
 * NIfTI stores spacing and the affine as float32, so a round trip moves values by ~1e-7 relative:
 * compare with a tolerance scaled to the value's magnitude.
 */
export function sameGeometry(a: Geometry, b: Geometry, tolerance = 1e-5): boolean {
  if (a.size.some((n, i) => n !== b.size[i])) return false;
  const pairs: [number[], number[]][] = [[a.spacing, b.spacing], [a.origin, b.origin], [a.direction, b.direction]];
  return pairs.every(([x, y]) => x.every((v, i) => Math.abs(v - y[i]) <= tolerance * Math.max(1, Math.abs(v))));
}

/**
 * Whether two grids hold the same voxel centres, in any axis order or direction (a RAS-ordered
 * NIfTI of an LPS DICOM series): then nearest-neighbour resampling between them is exact.
 */
export function sameVoxelCentres(a: Geometry, b: Geometry, tolerance = 1e-3): boolean {
  const near = (x: number, y: number) => Math.abs(x - y) <= tolerance;
  const origin = worldToIndex(a, indexToWorld(b, [0, 0, 0]));
  const used = new Set<number>();
  for (let c = 0; c < 3; c++) {
    const unit: Vec3 = [0, 0, 0];
    unit[c] = 1;
    const p = worldToIndex(a, indexToWorld(b, unit));
    const step = [p[0] - origin[0], p[1] - origin[1], p[2] - origin[2]];
    // One step along b's axis c must be one step (either way) along exactly one of a's axes.
    const axis = step.findIndex((s) => near(Math.abs(s), 1));
    if (axis < 0 || used.has(axis) || step.some((s, i) => i !== axis && !near(s, 0)) || a.size[axis] !== b.size[c]) return false;
    used.add(axis);
    const start = origin[axis];
    const end = start + step[axis] * (b.size[c] - 1);
    if (!near(Math.min(start, end), 0) || !near(Math.max(start, end), a.size[axis] - 1)) return false;
  }
  return origin.every((o) => near(o, Math.round(o)));
}
