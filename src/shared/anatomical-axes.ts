// Which patient axis each index axis of a volume runs along, from its direction matrix (LPS,
// row-major, columns = index axes). Oblique volumes get the nearest axes, and how far off they are.
// Pure maths: the views use it to draw every volume in the radiological convention.
import type { Vec3 } from './geometry';

/** LPS world axes: 0 = x (right → left), 1 = y (anterior → posterior), 2 = z (inferior → superior). */
export type PatientAxis = 0 | 1 | 2;
export type AxisSign = 1 | -1;

export interface AxisAlignment {
  /** The world axis nearest to each index axis (i, j, k); a permutation of 0, 1, 2. */
  worldAxis: [PatientAxis, PatientAxis, PatientAxis];
  /** +1 when the index axis increases towards the + end of its world axis (L, P, S). */
  sign: [AxisSign, AxisSign, AxisSign];
  /** The largest angle (degrees) between an index axis and its world axis: 0 on the axes. */
  obliqueDegrees: number;
}

const PERMUTATIONS: [PatientAxis, PatientAxis, PatientAxis][] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];

/** World direction (unit vector) of index axis `axis`: column `axis` of the row-major matrix. */
export function indexAxisDirection(direction: readonly number[], axis: number): Vec3 {
  return [direction[axis], direction[3 + axis], direction[6 + axis]];
}

/**
 * The permutation of world axes that best matches the index axes (largest summed |cosine|), so
 * that even a strongly oblique volume maps each index axis to a different world axis.
 */
export function nearestAxes(direction: readonly number[]): AxisAlignment {
  const cos = (axis: number, world: number) => direction[world * 3 + axis];
  let best = PERMUTATIONS[0], bestScore = -Infinity;
  for (const p of PERMUTATIONS) {
    const score = Math.abs(cos(0, p[0])) + Math.abs(cos(1, p[1])) + Math.abs(cos(2, p[2]));
    if (score > bestScore + 1e-12) { best = p; bestScore = score; }
  }
  const sign = best.map((w, a) => (cos(a, w) < 0 ? -1 : 1)) as [AxisSign, AxisSign, AxisSign];
  const worst = Math.min(...best.map((w, a) => {
    const d = indexAxisDirection(direction, a);
    return Math.abs(d[w]) / (Math.hypot(...d) || 1);
  }));
  const obliqueDegrees = (Math.acos(Math.min(1, worst)) * 180) / Math.PI;
  return { worldAxis: [...best], sign, obliqueDegrees: obliqueDegrees < 1e-3 ? 0 : obliqueDegrees };
}

/** Patient letters of each world axis's − and + end (LPS: x runs R→L, y A→P, z I→S). */
const AXIS_LETTERS: readonly (readonly [string, string])[] = [['R', 'L'], ['A', 'P'], ['I', 'S']];

/**
 * The letters a world direction points to, strongest first: "L" on an axis, "LA" when it is
 * turned towards anterior. Components under `minShare` of the vector are left out.
 */
export function directionLetters(vector: readonly number[], minShare = 0.25): string {
  const length = Math.hypot(vector[0], vector[1], vector[2]) || 1;
  return [0, 1, 2]
    .map((axis) => ({ axis, share: vector[axis] / length }))
    .filter((c) => Math.abs(c.share) >= minShare)
    .sort((a, b) => Math.abs(b.share) - Math.abs(a.share))
    .map((c) => AXIS_LETTERS[c.axis][c.share < 0 ? 0 : 1])
    .join('');
}

/** ITK-style orientation code: the letter each index axis points towards ("LPS", "RAS", "PLS"). */
export function orientationCode(direction: readonly number[]): string {
  const { worldAxis, sign } = nearestAxes(direction);
  return worldAxis.map((w, a) => AXIS_LETTERS[w][sign[a] < 0 ? 0 : 1]).join('');
}
