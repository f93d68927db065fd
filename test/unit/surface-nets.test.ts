// Surface nets, block by block: the blocks' meshes join into one closed surface (every edge shared by
// two triangles, Euler characteristic 2 for a ball, 0 for a torus), enclosing the label's volume, with
// outward normals, in world coordinates on an oblique, anisotropic grid.
import { describe, expect, it } from 'vitest';
import type { Geometry } from '../../src/shared/image';
import { indexToWorld } from '../../src/shared/geometry';
import { BLOCK, blockGrid, meshBlock, type BlockMesh } from '../../src/renderer/viewer/surface-nets';
import { obliqueDirection } from '../fixtures/volumes';

function meshAll(labels: Uint8Array, g: Geometry, label: number): BlockMesh[] {
  const [gx, gy, gz] = blockGrid(g.size);
  const out: BlockMesh[] = [];
  for (let z = 0; z < gz; z++) for (let y = 0; y < gy; y++) for (let x = 0; x < gx; x++) {
    const m = meshBlock(labels, g, label, x, y, z);
    if (m) out.push(m);
  }
  return out;
}

/** Blocks' vertices merged by position (seams repeat them), triangles re-indexed. */
function merged(meshes: BlockMesh[]) {
  const ids = new Map<string, number>();
  const points: number[][] = [];
  const triangles: number[][] = [];
  for (const m of meshes) {
    const local = Array.from({ length: m.positions.length / 3 }, (_, v) => {
      const p = [m.positions[3 * v], m.positions[3 * v + 1], m.positions[3 * v + 2]];
      const key = p.map((x) => x.toFixed(3)).join(',');
      if (!ids.has(key)) { ids.set(key, points.length); points.push(p); }
      return ids.get(key)!;
    });
    for (let t = 0; t < m.indices.length; t += 3) triangles.push([local[m.indices[t]], local[m.indices[t + 1]], local[m.indices[t + 2]]]);
  }
  return { points, triangles };
}

function topology({ points, triangles }: ReturnType<typeof merged>) {
  const edges = new Map<string, number>();
  for (const t of triangles) for (let e = 0; e < 3; e++) {
    const a = t[e], b = t[(e + 1) % 3];
    const key = a < b ? `${a},${b}` : `${b},${a}`;
    edges.set(key, (edges.get(key) ?? 0) + 1);
  }
  const volume = triangles.reduce((sum, [a, b, c]) => {
    const [p, q, r] = [points[a], points[b], points[c]];
    return sum + (p[0] * (q[1] * r[2] - q[2] * r[1]) - p[1] * (q[0] * r[2] - q[2] * r[0]) + p[2] * (q[0] * r[1] - q[1] * r[0])) / 6;
  }, 0);
  return { euler: points.length - edges.size + triangles.length, openEdges: [...edges.values()].filter((n) => n !== 2).length, volume };
}

const g: Geometry = { size: [70, 45, 40], spacing: [0.7, 1.1, 2.0], origin: [-30, 20, 55], direction: obliqueDirection() };
const [nx, ny, nz] = g.size;
const fill = (f: (x: number, y: number, z: number) => boolean) => {
  const out = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) if (f(i * 0.7, j * 1.1, k * 2)) out[i + nx * (j + ny * k)] = 3;
  return out;
};

describe('surface nets', () => {
  it('a ball across several blocks is one closed surface of the right volume, normals outward', () => {
    const centre = [24, 24, 40];
    const labels = fill((x, y, z) => Math.hypot(x - centre[0], y - centre[1], z - centre[2]) < 18);
    const meshes = meshAll(labels, g, 3);
    expect(meshes.length).toBeGreaterThanOrEqual(4); // crosses block seams (BLOCK cells per block)
    expect(BLOCK).toBeLessThan(nx);
    const mesh = merged(meshes);
    const { euler, openEdges, volume } = topology(mesh);
    expect(openEdges).toBe(0);
    expect(euler).toBe(2);
    const voxelVolume = labels.reduce((n, v) => n + (v ? 1 : 0), 0) * 0.7 * 1.1 * 2.0;
    // The mesh's orientation follows the grid's handedness; the enclosed volume is within a few % of the voxels'.
    expect(Math.abs(Math.abs(volume) - voxelVolume) / voxelVolume).toBeLessThan(0.05);
    const c = indexToWorld(g, [centre[0] / 0.7, centre[1] / 1.1, centre[2] / 2]);
    for (const m of meshes) for (let v = 0; v < m.positions.length; v += 3) {
      const r = [m.positions[v] - c[0], m.positions[v + 1] - c[1], m.positions[v + 2] - c[2]];
      const dist = Math.hypot(...r);
      expect(Math.abs(dist - 18)).toBeLessThan(2.2);
      expect((r[0] * m.normals[v] + r[1] * m.normals[v + 1] + r[2] * m.normals[v + 2]) / dist).toBeGreaterThan(0.5);
    }
  });

  it('a torus has Euler characteristic 0; a label touching the volume face is closed there; other labels are ignored', () => {
    const torus = fill((x, y, z) => Math.hypot(Math.hypot(x - 24, y - 24) - 12, z - 40) < 5);
    expect(topology(merged(meshAll(torus, g, 3))).euler).toBe(0);
    const slab = fill((x) => x < 6);
    slab[5] = 1; // a voxel of another label
    const { openEdges, euler } = topology(merged(meshAll(slab, g, 3)));
    expect([openEdges, euler]).toEqual([0, 2]);
    expect(meshAll(slab, g, 2)).toEqual([]);
  });
});
