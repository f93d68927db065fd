// Every label's surface, kept per block so an edit re-meshes only the blocks near it. Which labels
// each 32³ voxel block holds is tracked, so blocks far from any label cost nothing. Runs in the
// surface worker; the view uploads what it returns.
import type { Geometry } from '../../shared/image';
import type { VoxelBox } from '../editor/slices';
import { BLOCK, blockGrid, meshBlock, type BlockMesh } from './surface-nets';

const SHIFT = Math.log2(BLOCK);

export class LabelSurfaces {
  private readonly grid: [number, number, number];
  /** Per voxel block, 256 bits: which labels it holds. Voxel blocks are indexed like cell blocks. */
  private readonly present: Uint32Array;
  /** Labels meshed (non-empty) per cell block, so a label that vanishes gets its mesh cleared. */
  private readonly meshed = new Map<number, Set<number>>();

  constructor(private readonly geometry: Geometry, readonly labels: Uint8Array) {
    if (1 << SHIFT !== BLOCK) throw new Error('BLOCK must be a power of two');
    this.grid = blockGrid(geometry.size);
    this.present = new Uint32Array(this.grid[0] * this.grid[1] * this.grid[2] * 8);
    this.scan({ i0: 0, j0: 0, k0: 0, i1: geometry.size[0] - 1, j1: geometry.size[1] - 1, k1: geometry.size[2] - 1 });
  }

  /** Meshes of every label in every block. */
  meshAll(): BlockMesh[] {
    const [gx, gy, gz] = this.grid;
    return this.remesh(0, 0, 0, gx - 1, gy - 1, gz - 1);
  }

  /** Writes `voxels` (the box's labels, i fastest) and returns the blocks' new meshes; an empty mesh clears one. */
  update(box: VoxelBox, voxels: Uint8Array): BlockMesh[] {
    const [nx, ny] = this.geometry.size;
    const w = box.i1 - box.i0 + 1, h = box.j1 - box.j0 + 1;
    for (let k = box.k0; k <= box.k1; k++) {
      for (let j = box.j0; j <= box.j1; j++) {
        const from = ((k - box.k0) * h + (j - box.j0)) * w;
        this.labels.set(voxels.subarray(from, from + w), (k * ny + j) * nx + box.i0);
      }
    }
    this.scan(box);
    // A voxel moves the blurred field one voxel around it, which moves vertices of cells v − 2 … v + 1;
    // cell c is in block ⌊(c + 1) / BLOCK⌋.
    const lo = (v: number) => Math.max(0, (v - 1) >> SHIFT);
    const hi = (v: number, a: number) => Math.min(this.grid[a] - 1, (v + 2) >> SHIFT);
    return this.remesh(lo(box.i0), lo(box.j0), lo(box.k0), hi(box.i1, 0), hi(box.j1, 1), hi(box.k1, 2));
  }

  /** Recomputes which labels the voxel blocks overlapping `box` hold. */
  private scan(box: VoxelBox): void {
    const [nx, ny, nz] = this.geometry.size;
    const [gx, gy] = this.grid;
    for (let bz = box.k0 >> SHIFT; bz <= box.k1 >> SHIFT; bz++) {
      for (let by = box.j0 >> SHIFT; by <= box.j1 >> SHIFT; by++) {
        for (let bx = box.i0 >> SHIFT; bx <= box.i1 >> SHIFT; bx++) {
          const bits = this.present.subarray((bx + gx * (by + gy * bz)) * 8, (bx + gx * (by + gy * bz)) * 8 + 8);
          bits.fill(0);
          for (let k = bz * BLOCK; k < Math.min(nz, (bz + 1) * BLOCK); k++) {
            for (let j = by * BLOCK; j < Math.min(ny, (by + 1) * BLOCK); j++) {
              const row = (k * ny + j) * nx;
              for (let i = bx * BLOCK, iEnd = Math.min(nx, (bx + 1) * BLOCK); i < iEnd; i++) {
                const label = this.labels[row + i];
                bits[label >> 5] |= 1 << (label & 31);
              }
            }
          }
        }
      }
    }
  }

  /** Labels (other than 0) held by the voxel blocks a cell block reads: its own and its neighbours. */
  private labelsNear(bx: number, by: number, bz: number): number[] {
    const [gx, gy, gz] = this.grid;
    const bits = new Uint32Array(8);
    for (let z = Math.max(0, bz - 1); z <= Math.min(gz - 1, bz + 1); z++) {
      for (let y = Math.max(0, by - 1); y <= Math.min(gy - 1, by + 1); y++) {
        for (let x = Math.max(0, bx - 1); x <= Math.min(gx - 1, bx + 1); x++) {
          const at = (x + gx * (y + gy * z)) * 8;
          for (let w = 0; w < 8; w++) bits[w] |= this.present[at + w];
        }
      }
    }
    const labels: number[] = [];
    for (let label = 1; label < 256; label++) if (bits[label >> 5] & (1 << (label & 31))) labels.push(label);
    return labels;
  }

  private remesh(x0: number, y0: number, z0: number, x1: number, y1: number, z1: number): BlockMesh[] {
    const [gx, gy] = this.grid;
    const out: BlockMesh[] = [];
    for (let bz = z0; bz <= z1; bz++) for (let by = y0; by <= y1; by++) for (let bx = x0; bx <= x1; bx++) {
      const block = bx + gx * (by + gy * bz);
      const before = this.meshed.get(block) ?? new Set<number>();
      const now = new Set<number>();
      for (const label of new Set([...this.labelsNear(bx, by, bz), ...before])) {
        const mesh = meshBlock(this.labels, this.geometry, label, bx, by, bz);
        if (mesh) {
          now.add(label);
          out.push(mesh);
        } else if (before.has(label)) {
          out.push({ label, block, positions: new Float32Array(0), normals: new Float32Array(0), indices: new Uint32Array(0) });
        }
      }
      if (now.size > 0) this.meshed.set(block, now);
      else this.meshed.delete(block);
    }
    return out;
  }
}
