// RECIST-style diameters of one label, measured as a radiologist reads them: in the axial plane,
// in millimetres, edge to edge across the label's footprint (each voxel a rectangle of its spacing).
// "Axial" is the index axis the axial view steps through (shared/anatomical-axes), so a sagittally
// acquired volume is measured in the planes the axial view shows.
import type { Geometry } from './image';
import { indexToWorld, type Vec3 } from './geometry';
import { nearestAxes } from './anatomical-axes';

export type Axis = 0 | 1 | 2;

export interface AxialDiameters {
  /** Longest distance across the footprint in any axial slice. */
  maxDiameterMm: number;
  /** On that slice, the longest chord perpendicular to it (outermost crossings of the outline). */
  perpendicularDiameterMm: number;
  /** Index along `axialAxis` of the slice both were measured on. */
  slice: number;
  axialAxis: Axis;
  /** End points of both diameters in world coordinates (LPS, mm), for drawing and checking. */
  maxDiameterLine: [Vec3, Vec3];
  perpendicularLine: [Vec3, Vec3];
}

/** The index axis the axial view steps through: the one matched to the patient's S axis. */
export function axialAxisOf(direction: number[]): Axis {
  return nearestAxes(direction).worldAxis.indexOf(2) as Axis;
}

/** The two in-plane axes of slices normal to `axis`, in index order. */
export function inPlaneAxes(axis: Axis): [Axis, Axis] {
  return axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
}

/** Boundary pixels of one slice of a label: centres in the slice's mm frame (x along axis p, y along q). */
export interface SliceOutline {
  slice: number;
  x: number[];
  y: number[];
}

const EPS = 1e-9;

/** Andrew's monotone chain over points (x, y); returns hull vertex indices, counter-clockwise. */
function convexHull(px: Float64Array, py: Float64Array): number[] {
  const order = Array.from(px.keys()).sort((a, b) => px[a] - px[b] || py[a] - py[b]);
  const cross = (o: number, a: number, b: number) => (px[a] - px[o]) * (py[b] - py[o]) - (py[a] - py[o]) * (px[b] - px[o]);
  const lower: number[] = [];
  for (const i of order) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], i) <= 0) lower.pop();
    lower.push(i);
  }
  const upper: number[] = [];
  for (let n = order.length - 1; n >= 0; n--) {
    const i = order[n];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], i) <= 0) upper.pop();
    upper.push(i);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

interface Footprint { px: Float64Array; py: Float64Array }

/** The corners of every boundary pixel: the footprint's extreme points are among them. */
function corners(outline: SliceOutline, hx: number, hy: number): Footprint {
  const n = outline.x.length;
  const px = new Float64Array(4 * n);
  const py = new Float64Array(4 * n);
  for (let m = 0; m < n; m++) {
    for (let c = 0; c < 4; c++) {
      px[4 * m + c] = outline.x[m] + (c & 1 ? hx : -hx);
      py[4 * m + c] = outline.y[m] + (c & 2 ? hy : -hy);
    }
  }
  return { px, py };
}

/** Longest distance between two footprint points (a pair of hull vertices). */
function farthestPair({ px, py }: Footprint): { length: number; a: number; b: number } {
  const hull = convexHull(px, py);
  let best = { length: 0, a: hull[0] ?? 0, b: hull[0] ?? 0 };
  for (let m = 0; m < hull.length; m++) {
    for (let n = m + 1; n < hull.length; n++) {
      const d = Math.hypot(px[hull[m]] - px[hull[n]], py[hull[m]] - py[hull[n]]);
      if (d > best.length) best = { length: d, a: hull[m], b: hull[n] };
    }
  }
  return best;
}

const NONE: [number, number] = [Infinity, -Infinity];
const ALL: [number, number] = [-Infinity, Infinity];

/** The s for which c − h ≤ t·u + s·v ≤ c + h: one coordinate's slab of a pixel along the line. */
function slab(c: number, h: number, u: number, v: number, t: number): [number, number] {
  if (Math.abs(v) <= EPS) return t * u < c - h - EPS || t * u > c + h + EPS ? NONE : ALL;
  const a = (c - h - t * u) / v, b = (c + h - t * u) / v;
  return a < b ? [a, b] : [b, a];
}

/**
 * Longest chord perpendicular to the unit direction (ux, uy): over lines x·u = t, the distance
 * between the first and last crossing of the footprint. The length is piecewise linear in t with
 * its concave kinks where the line passes a pixel corner, so trying every corner's t is exact.
 */
function perpendicularChord(outline: SliceOutline, hx: number, hy: number, ux: number, uy: number, footprint: Footprint) {
  const vx = -uy, vy = ux;
  const n = outline.x.length;
  const reach = hx * Math.abs(ux) + hy * Math.abs(uy); // a pixel spans t ± reach
  const centreT = outline.x.map((x, m) => x * ux + outline.y[m] * uy);
  const candidates = Float64Array.from(footprint.px, (x, c) => x * ux + footprint.py[c] * uy).sort();
  let best = { length: 0, t: candidates[0] ?? 0, lo: 0, hi: 0 };
  let previous = NaN;
  for (const t of candidates) {
    if (Math.abs(t - previous) < EPS) continue;
    previous = t;
    let lo = Infinity, hi = -Infinity;
    for (let m = 0; m < n; m++) {
      if (Math.abs(centreT[m] - t) > reach + EPS) continue;
      // Where the line t·u + s·v lies inside pixel m's rectangle, as an interval of s.
      const x = slab(outline.x[m], hx, ux, vx, t), y = slab(outline.y[m], hy, uy, vy, t);
      const sLo = Math.max(x[0], y[0]), sHi = Math.min(x[1], y[1]);
      if (sLo > sHi + EPS) continue;
      lo = Math.min(lo, sLo);
      hi = Math.max(hi, sHi);
    }
    if (hi - lo > best.length) best = { length: hi - lo, t, lo, hi };
  }
  const point = (s: number): [number, number] => [best.t * ux + s * vx, best.t * uy + s * vy];
  return { length: best.length, ends: [point(best.lo), point(best.hi)] as [[number, number], [number, number]] };
}

/**
 * Diameters from the outlines of a label's slices (as `labelOutlines` collects them). Among slices
 * tied for the longest diameter, the one with the longest perpendicular wins.
 */
export function axialDiameters(outlines: SliceOutline[], geometry: Geometry): AxialDiameters | null {
  const axis = axialAxisOf(geometry.direction);
  const [p, q] = inPlaneAxes(axis);
  const hx = geometry.spacing[p] / 2, hy = geometry.spacing[q] / 2;
  const measured = outlines.filter((o) => o.x.length > 0).map((outline) => {
    const footprint = corners(outline, hx, hy);
    return { outline, footprint, ...farthestPair(footprint) };
  });
  if (measured.length === 0) return null;
  const longest = Math.max(...measured.map((m) => m.length));
  let best: { m: (typeof measured)[number]; chord: ReturnType<typeof perpendicularChord> } | null = null;
  for (const m of measured) {
    if (m.length < longest - 1e-6) continue;
    const { px, py } = m.footprint;
    const ux = (px[m.b] - px[m.a]) / m.length, uy = (py[m.b] - py[m.a]) / m.length;
    const chord = perpendicularChord(m.outline, hx, hy, ux, uy, m.footprint);
    if (!best || chord.length > best.chord.length) best = { m, chord };
  }
  const { m, chord } = best!;
  const world = ([x, y]: [number, number]): Vec3 => {
    const index: Vec3 = [0, 0, 0];
    index[axis] = m.outline.slice;
    index[p] = x / geometry.spacing[p];
    index[q] = y / geometry.spacing[q];
    return indexToWorld(geometry, index);
  };
  const { px, py } = m.footprint;
  return {
    maxDiameterMm: m.length,
    perpendicularDiameterMm: chord.length,
    slice: m.outline.slice,
    axialAxis: axis,
    maxDiameterLine: [world([px[m.a], py[m.a]]), world([px[m.b], py[m.b]])],
    perpendicularLine: [world(chord.ends[0]), world(chord.ends[1])],
  };
}
