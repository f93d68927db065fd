// Surface nets over a labelmap, block by block, so an edit re-meshes only the blocks it touched.
// One vertex per cell (8 voxel centres) that the label's boundary crosses, one quad per crossed
// voxel edge. Topology follows the exact labels; vertex positions and normals follow a 3×3×3 box
// blur of the label, which rounds the voxel staircase into a smooth surface without shrinking thin
// structures away. Every block reads a 2-voxel margin, so blocks agree on shared vertices.
// Vertices come out in world coordinates (LPS, mm), the frame the slice views share.
import type { Geometry } from '../../shared/image';

/** Cells per block edge. */
export const BLOCK = 32;

export interface BlockMesh {
  label: number;
  block: number;
  positions: Float32Array;
  normals: Float32Array;
  indices: Uint32Array;
}

/** Blocks per axis: cells run from −1 to n − 1 (n + 1 of them), so surfaces close at the volume's faces. */
export function blockGrid(size: readonly number[]): [number, number, number] {
  return [0, 1, 2].map((a) => Math.ceil((size[a] + 1) / BLOCK)) as [number, number, number];
}

const R = BLOCK + 4; // binary region: cells [c0 − 1, c1] need voxels [c0 − 1, c1 + 1], the blur one more
const F = BLOCK + 2; // blurred region: voxels [c0 − 1, c1 + 1]
const C = BLOCK + 1; // cells with a vertex: [c0 − 1, c1]
const ISO = 13.5; // half of 27: the blurred field's level between inside and outside

// The 12 cell edges as pairs of corner numbers (corner bit 0: +x, 1: +y, 2: +z).
const EDGES = [[0, 1], [2, 3], [4, 5], [6, 7], [0, 2], [1, 3], [4, 6], [5, 7], [0, 4], [1, 5], [2, 6], [3, 7]];

interface Scratch { bin: Uint8Array; sum1: Uint8Array; sum2: Uint8Array; field: Uint8Array; vertex: Int32Array }
// One set per thread, reused by every block (a block is meshed start to finish without yielding).
let scratch: Scratch | null = null;
function buffers(): Scratch {
  return (scratch ??= {
    bin: new Uint8Array(R * R * R), sum1: new Uint8Array(R * R * R), sum2: new Uint8Array(R * R * R),
    field: new Uint8Array(F * F * F), vertex: new Int32Array(C * C * C),
  });
}

/** Index → world: origin + direction · (spacing ∘ index); normals by its inverse transpose. */
function transforms(g: Geometry) {
  const d = g.direction, s = g.spacing, o = g.origin;
  const m = [0, 1, 2].map((r) => [0, 1, 2].map((c) => d[r * 3 + c] * s[c]));
  const n = [0, 1, 2].map((r) => [0, 1, 2].map((c) => d[r * 3 + c] / s[c]));
  return { m, n, o };
}

/**
 * The mesh of `label` in block (bx, by, bz), or null when the label's boundary does not cross it.
 * `labels` is the whole labelmap on `geometry`'s grid.
 */
export function meshBlock(labels: Uint8Array, geometry: Geometry, label: number, bx: number, by: number, bz: number): BlockMesh | null {
  const [nx, ny, nz] = geometry.size;
  const c0 = [bx * BLOCK - 1, by * BLOCK - 1, bz * BLOCK - 1];
  const { bin, sum1, sum2, field, vertex } = buffers();
  // Binary region, voxels c0 − 2 … c0 + BLOCK + 1.
  let inside = 0;
  for (let z = 0; z < R; z++) {
    const k = c0[2] - 2 + z;
    for (let y = 0; y < R; y++) {
      const j = c0[1] - 2 + y;
      const row = (z * R + y) * R;
      const rowOk = k >= 0 && k < nz && j >= 0 && j < ny;
      const base = (k * ny + j) * nx;
      for (let x = 0; x < R; x++) {
        const i = c0[0] - 2 + x;
        const v = rowOk && i >= 0 && i < nx && labels[base + i] === label ? 1 : 0;
        bin[row + x] = v;
        inside += v;
      }
    }
  }
  if (inside === 0 || inside === R * R * R) return null;
  // 3×3×3 box sums (0–27), separably: x into sum1, y into sum2, z into field.
  for (let z = 0; z < R; z++) for (let y = 0; y < R; y++) {
    const row = (z * R + y) * R;
    for (let x = 1; x < R - 1; x++) sum1[row + x] = bin[row + x - 1] + bin[row + x] + bin[row + x + 1];
  }
  for (let z = 0; z < R; z++) for (let y = 1; y < R - 1; y++) {
    const row = (z * R + y) * R;
    for (let x = 1; x < R - 1; x++) sum2[row + x] = sum1[row + x - R] + sum1[row + x] + sum1[row + x + R];
  }
  for (let z = 0; z < F; z++) for (let y = 0; y < F; y++) for (let x = 0; x < F; x++) {
    const at = ((z + 1) * R + y + 1) * R + x + 1;
    field[(z * F + y) * F + x] = sum2[at - R * R] + sum2[at] + sum2[at + R * R];
  }

  const { m, n, o } = transforms(geometry);
  const out = new GrowingMesh();
  const corner = new Float64Array(8);
  // Offsets of a cell's 8 corners in the binary and blurred regions (corner bit 0: +x, 1: +y, 2: +z).
  const binAt = [0, 1, R, R + 1, R * R, R * R + 1, R * R + R, R * R + R + 1];
  const fieldAt = [0, 1, F, F + 1, F * F, F * F + 1, F * F + F, F * F + F + 1];
  vertex.fill(-1);
  // Vertices of cells c0 − 1 … c0 + BLOCK − 1 (local cell x = 0 … BLOCK; its corners are field x, x + 1).
  for (let z = 0; z < C; z++) for (let y = 0; y < C; y++) for (let x = 0; x < C; x++) {
    const b0 = ((z + 1) * R + y + 1) * R + x + 1;
    let mask = 0;
    for (let c = 0; c < 8; c++) mask |= bin[b0 + binAt[c]] << c;
    if (mask === 0 || mask === 255) continue;
    const f0 = (z * F + y) * F + x;
    for (let c = 0; c < 8; c++) corner[c] = field[f0 + fieldAt[c]];
    let px = 0, py = 0, pz = 0, crossings = 0;
    for (const [a, b] of EDGES) {
      if (((mask >> a) & 1) === ((mask >> b) & 1)) continue;
      const fa = corner[a], fb = corner[b];
      const t = (fa - ISO) * (fb - ISO) < 0 ? (ISO - fa) / (fb - fa) : 0.5;
      px += (a & 1) + t * ((b & 1) - (a & 1));
      py += ((a >> 1) & 1) + t * (((b >> 1) & 1) - ((a >> 1) & 1));
      pz += ((a >> 2) & 1) + t * (((b >> 2) & 1) - ((a >> 2) & 1));
      crossings++;
    }
    // Index coordinates: local cell x is global cell c0 − 1 + x, whose first corner is that voxel.
    const ix = c0[0] - 1 + x + px / crossings, iy = c0[1] - 1 + y + py / crossings, iz = c0[2] - 1 + z + pz / crossings;
    // The field falls outwards: the outward normal is minus its gradient.
    const gx = corner[1] + corner[3] + corner[5] + corner[7] - corner[0] - corner[2] - corner[4] - corner[6];
    const gy = corner[2] + corner[3] + corner[6] + corner[7] - corner[0] - corner[1] - corner[4] - corner[5];
    const gz = corner[4] + corner[5] + corner[6] + corner[7] - corner[0] - corner[1] - corner[2] - corner[3];
    const wx = -(n[0][0] * gx + n[0][1] * gy + n[0][2] * gz), wy = -(n[1][0] * gx + n[1][1] * gy + n[1][2] * gz), wz = -(n[2][0] * gx + n[2][1] * gy + n[2][2] * gz);
    const len = Math.hypot(wx, wy, wz) || 1;
    vertex[(z * C + y) * C + x] = out.vertex(
      o[0] + m[0][0] * ix + m[0][1] * iy + m[0][2] * iz, o[1] + m[1][0] * ix + m[1][1] * iy + m[1][2] * iz, o[2] + m[2][0] * ix + m[2][1] * iy + m[2][2] * iz,
      wx / len, wy / len, wz / len,
    );
  }

  // Quads: the block owns the edges leaving the first corner of its own cells (local x = 1 … BLOCK).
  const steps = [1, C, C * C];
  const ahead = [1, R, R * R];
  for (let z = 1; z < C; z++) for (let y = 1; y < C; y++) for (let x = 1; x < C; x++) {
    const cell = (z * C + y) * C + x;
    if (vertex[cell] < 0) continue; // no crossing in this cell, so none on its edges
    const b0 = ((z + 1) * R + y + 1) * R + x + 1;
    const here = bin[b0];
    for (let a = 0; a < 3; a++) {
      if (here === bin[b0 + ahead[a]]) continue;
      const sb = steps[(a + 1) % 3], sc = steps[(a + 2) % 3];
      const q0 = vertex[cell], q1 = vertex[cell - sb], q2 = vertex[cell - sb - sc], q3 = vertex[cell - sc];
      // Counter-clockwise about +axis when the edge leaves the label going +axis.
      if (here) out.quad(q0, q1, q2, q3);
      else out.quad(q0, q3, q2, q1);
    }
  }
  if (out.triangles === 0) return null;
  const [gx, gy] = blockGrid(geometry.size);
  return { label, block: bx + gx * (by + gy * bz), ...out.finish() };
}

/** Vertex and index arrays that grow by doubling (a block's mesh size is not known in advance). */
class GrowingMesh {
  private positions = new Float32Array(3 * 4096);
  private normals = new Float32Array(3 * 4096);
  private indices = new Uint32Array(6 * 4096);
  private vertices = 0;
  private indexCount = 0;

  get triangles(): number {
    return this.indexCount / 3;
  }

  vertex(x: number, y: number, z: number, nx: number, ny: number, nz: number): number {
    if (3 * this.vertices + 3 > this.positions.length) {
      this.positions = grow(this.positions);
      this.normals = grow(this.normals);
    }
    const at = 3 * this.vertices;
    this.positions[at] = x; this.positions[at + 1] = y; this.positions[at + 2] = z;
    this.normals[at] = nx; this.normals[at + 1] = ny; this.normals[at + 2] = nz;
    return this.vertices++;
  }

  quad(a: number, b: number, c: number, d: number): void {
    if (this.indexCount + 6 > this.indices.length) this.indices = grow(this.indices);
    this.indices.set([a, b, c, a, c, d], this.indexCount);
    this.indexCount += 6;
  }

  finish() {
    return {
      positions: this.positions.slice(0, 3 * this.vertices), normals: this.normals.slice(0, 3 * this.vertices),
      indices: this.indices.slice(0, this.indexCount),
    };
  }
}

function grow<T extends Float32Array | Uint32Array>(a: T): T {
  const bigger = new (a.constructor as new (n: number) => T)(a.length * 2);
  bigger.set(a);
  return bigger;
}
