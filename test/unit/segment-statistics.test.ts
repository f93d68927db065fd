// Segment statistics against brute force written differently from the module: intensities from a
// plain filter over all voxels, the longest diameter from every pair of every voxel corner, the
// perpendicular diameter by sampling lines densely, on anisotropic grids and permuted axes.
import { describe, expect, it } from 'vitest';
import type { Geometry } from '../../src/shared/image';
import { indexToWorld } from '../../src/shared/geometry';
import { segmentStatistics } from '../../src/shared/segment-statistics';

type Vec3 = [number, number, number];

function grid(size: Vec3, spacing: Vec3, direction = [1, 0, 0, 0, 1, 0, 0, 0, 1]): Geometry {
  return { size, spacing, origin: [-20, 15, 40], direction };
}

function fill(g: Geometry, inside: (i: number, j: number, k: number) => number): Uint8Array {
  const [nx, ny, nz] = g.size;
  const out = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) out[i + nx * (j + ny * k)] = inside(i, j, k);
  return out;
}

/** Pixels of `value` in slice `s` of `axis`, as in-plane (u, v) indices with their spacings. */
function slicePixels(labels: Uint8Array, g: Geometry, value: number, axis: number, s: number) {
  const [p, q] = [0, 1, 2].filter((a) => a !== axis);
  const out: [number, number][] = [];
  const [nx, ny] = g.size;
  for (let v = 0; v < g.size[q]; v++) {
    for (let u = 0; u < g.size[p]; u++) {
      const idx: Vec3 = [0, 0, 0];
      idx[axis] = s; idx[p] = u; idx[q] = v;
      if (labels[idx[0] + nx * (idx[1] + ny * idx[2])] === value) out.push([u, v]);
    }
  }
  return { pixels: out, sp: g.spacing[p], sq: g.spacing[q] };
}

/** Every pair of every corner of every pixel: no hull, no boundary shortcut. */
function bruteLongest(pixels: [number, number][], sp: number, sq: number): { length: number; u: [number, number] } {
  const pts = pixels.flatMap(([u, v]) => [[-0.5, -0.5], [0.5, -0.5], [-0.5, 0.5], [0.5, 0.5]].map(([a, b]) => [(u + a) * sp, (v + b) * sq]));
  let best = { length: 0, u: [1, 0] as [number, number] };
  for (let m = 0; m < pts.length; m++) {
    for (let n = m + 1; n < pts.length; n++) {
      const d = Math.hypot(pts[m][0] - pts[n][0], pts[m][1] - pts[n][1]);
      if (d > best.length + 1e-9) best = { length: d, u: [(pts[n][0] - pts[m][0]) / d, (pts[n][1] - pts[m][1]) / d] };
    }
  }
  return best;
}

/** Lines perpendicular to u every `step` mm, sampled every `step` mm: the widest first-to-last crossing. */
function sampledPerpendicular(pixels: [number, number][], sp: number, sq: number, u: [number, number], step: number): number {
  const inside = new Set(pixels.map(([a, b]) => `${a},${b}`));
  const v = [-u[1], u[0]];
  const radius = Math.max(...pixels.map(([a, b]) => Math.hypot((a + 1) * sp, (b + 1) * sq))) + 1;
  let best = 0;
  for (let t = -radius; t <= radius; t += step) {
    let lo = Infinity, hi = -Infinity;
    for (let s = -radius; s <= radius; s += step) {
      const x = t * u[0] + s * v[0], y = t * u[1] + s * v[1];
      if (inside.has(`${Math.round(x / sp)},${Math.round(y / sq)}`)) { lo = Math.min(lo, s); hi = Math.max(hi, s); }
    }
    if (hi >= lo) best = Math.max(best, hi - lo + step);
  }
  return best;
}

describe('segment statistics', () => {
  it('counts, volume, intensities and bounding box match a brute-force pass', () => {
    const g = grid([13, 11, 7], [0.7, 1.3, 2.5]);
    const labels = fill(g, (i, j, k) => ((i - 6) ** 2 + (j - 5) ** 2 < 16 && k > 0 && k < 6 ? 1 : i > 10 && j < 3 ? 3 : 0));
    const data = new Int16Array(labels.length).map((_, n) => ((n * 7919) % 2001) - 1000);
    const stats = segmentStatistics({ labels, geometry: g, image: { data, components: 1 }, definitions: [{ value: 1, name: 'liver', color: '#f00' }] });
    expect(stats.map((s) => [s.value, s.name])).toEqual([[1, 'liver'], [3, 'label 3']]);
    for (const s of stats) {
      const where = [...labels.keys()].filter((n) => labels[n] === s.value);
      const values = where.map((n) => data[n]);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
      expect(s.voxels).toBe(where.length);
      expect(s.volumeMl).toBeCloseTo((where.length * 0.7 * 1.3 * 2.5) / 1000, 12);
      expect(s.mean).toBeCloseTo(mean, 9);
      expect(s.sd).toBeCloseTo(sd, 9);
      expect(s.min).toBe(Math.min(...values));
      expect(s.max).toBe(Math.max(...values));
      const ijk = where.map((n) => [n % 13, Math.floor(n / 13) % 11, Math.floor(n / 143)]);
      for (const a of [0, 1, 2]) {
        expect(s.boundingBox.min[a]).toBe(Math.min(...ijk.map((x) => x[a])));
        expect(s.boundingBox.max[a]).toBe(Math.max(...ijk.map((x) => x[a])));
      }
      const centre = [0, 1, 2].map((a) => ijk.reduce((sum, x) => sum + x[a], 0) / ijk.length) as Vec3;
      indexToWorld(g, centre).forEach((c, a) => expect(s.centroidLps[a]).toBeCloseTo(c, 9));
    }
  });

  it('a single voxel: its diagonal, and the chord across it perpendicular to that; no image, no intensities', () => {
    const g = grid([3, 3, 3], [0.6, 1.6, 3]);
    const [s] = segmentStatistics({ labels: fill(g, (i, j, k) => (i === 1 && j === 1 && k === 1 ? 2 : 0)), geometry: g });
    expect(s.maxDiameterMm).toBeCloseTo(Math.hypot(0.6, 1.6), 12);
    // Perpendicular to the diagonal, every chord in the middle band runs side to side: short × diagonal / long.
    expect(s.perpendicularDiameterMm).toBeCloseTo((0.6 * Math.hypot(0.6, 1.6)) / 1.6, 12);
    expect([s.mean, s.sd, s.min, s.max]).toEqual([null, null, null, null]);
  });

  const shapes: [string, (i: number, j: number) => boolean][] = [
    ['an ellipse', (i, j) => ((i - 12) / 9.5) ** 2 + ((j - 9) / 5.2) ** 2 <= 1],
    ['a tilted bar', (i, j) => Math.abs((i - 12) * 0.8 - (j - 9) * 0.6) < 2.2 && Math.abs((i - 12) * 0.6 + (j - 9) * 0.8) < 8],
    ['an L (not convex)', (i, j) => (i >= 3 && i <= 6 && j >= 2 && j <= 16) || (i >= 3 && i <= 20 && j >= 13 && j <= 16)],
  ];
  for (const [name, shape] of shapes) {
    it(`diameters of ${name} on an anisotropic grid match every-pair and dense-sampling brute force`, () => {
      const g = grid([25, 19, 5], [0.62, 1.1, 3]);
      // The largest cross-section on slice 2, smaller ones around it.
      const labels = fill(g, (i, j, k) => (k === 2 ? shape(i, j) : (k === 1 || k === 3) && shape(i, j) && shape(i + 2, j) && shape(i - 2, j)) ? 1 : 0);
      const [s] = segmentStatistics({ labels, geometry: g });
      const { pixels, sp, sq } = slicePixels(labels, g, 1, 2, 2);
      const longest = bruteLongest(pixels, sp, sq);
      expect(s.diameters.slice).toBe(2);
      expect(s.diameters.axialAxis).toBe(2);
      expect(s.maxDiameterMm).toBeCloseTo(longest.length, 9);
      const [a, b] = s.diameters.maxDiameterLine;
      expect(Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2])).toBeCloseTo(s.maxDiameterMm, 9);
      const [c, d] = s.diameters.perpendicularLine;
      expect(Math.hypot(c[0] - d[0], c[1] - d[1], c[2] - d[2])).toBeCloseTo(s.perpendicularDiameterMm, 9);
      const dot = (b[0] - a[0]) * (d[0] - c[0]) + (b[1] - a[1]) * (d[1] - c[1]) + (b[2] - a[2]) * (d[2] - c[2]);
      expect(Math.abs(dot) / (s.maxDiameterMm * s.perpendicularDiameterMm)).toBeLessThan(1e-9);
      const sampled = sampledPerpendicular(pixels, sp, sq, longest.u, 0.02);
      expect(Math.abs(s.perpendicularDiameterMm - sampled)).toBeLessThan(0.08);
    });
  }

  it('measures in the axial plane when the volume is stored sagittally (k runs left–right)', () => {
    // Columns: i → posterior, j → inferior, k → left (LPS).
    const direction = [0, 0, 1, 1, 0, 0, 0, -1, 0];
    const g = grid([16, 9, 14], [0.8, 2.0, 0.5], direction);
    const labels = fill(g, (i, j, k) => (((i - 8) / 6) ** 2 + ((k - 7) / 6) ** 2 <= 1 && j >= 2 && j <= 6 ? 1 : 0));
    const [s] = segmentStatistics({ labels, geometry: g });
    expect(s.diameters.axialAxis).toBe(1);
    const { pixels, sp, sq } = slicePixels(labels, g, 1, 1, s.diameters.slice);
    expect(sp).toBe(0.8);
    expect(sq).toBe(0.5);
    const longest = bruteLongest(pixels, sp, sq);
    expect(s.maxDiameterMm).toBeCloseTo(longest.length, 9);
    // Both lines lie in one axial plane: constant superior coordinate.
    const zs = [...s.diameters.maxDiameterLine, ...s.diameters.perpendicularLine].map((p) => p[2]);
    for (const z of zs) expect(z).toBeCloseTo(zs[0], 9);
  });
});
