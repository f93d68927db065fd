// Nearest-neighbour resampling of a labelmap onto another grid through world coordinates, so masks
// stored with different voxel orders (a NIfTI in RAS order vs a DICOM series in LPS) compare voxel by voxel.
import type { Geometry, VolumeImage } from '../../shared/image';
import { indexToWorld, sameGeometry, worldToIndex } from '../../shared/geometry';
import { UserError } from '../../shared/errors';

export function resampleLabelsNearest(labels: ArrayLike<number>, from: Geometry, to: Geometry): Uint8Array {
  const out = new Uint8Array(to.size[0] * to.size[1] * to.size[2]);
  const [nx, ny, nz] = from.size;
  // Index→index is affine: map the origin and the three unit steps once, then walk.
  const base = worldToIndex(from, indexToWorld(to, [0, 0, 0]));
  const steps = ([[1, 0, 0], [0, 1, 0], [0, 0, 1]] as const).map((unit) => {
    const p = worldToIndex(from, indexToWorld(to, [...unit]));
    return [p[0] - base[0], p[1] - base[1], p[2] - base[2]];
  });
  let o = 0;
  for (let k = 0; k < to.size[2]; k++) {
    for (let j = 0; j < to.size[1]; j++) {
      for (let i = 0; i < to.size[0]; i++, o++) {
        const x = Math.round(base[0] + i * steps[0][0] + j * steps[1][0] + k * steps[2][0]);
        const y = Math.round(base[1] + i * steps[0][1] + j * steps[1][1] + k * steps[2][1]);
        const z = Math.round(base[2] + i * steps[0][2] + j * steps[1][2] + k * steps[2][2]);
        if (x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz) out[o] = labels[x + nx * (y + ny * z)];
      }
    }
  }
  return out;
}

/** A mask's labels on another image's grid: as is when the grids match, else resampled through world space. */
export function labelsOnGrid(mask: VolumeImage, grid: Geometry): ArrayLike<number> {
  if (sameGeometry(mask, grid)) return mask.data;
  const resampled = resampleLabelsNearest(mask.data, mask, grid);
  if (resampled.every((v) => v === 0) && mask.data.some((v) => v !== 0)) {
    throw new UserError(`The masks do not overlap in space (${grid.size.join('×')} vs ${mask.size.join('×')} voxels): are they of the same image?`);
  }
  return resampled;
}
