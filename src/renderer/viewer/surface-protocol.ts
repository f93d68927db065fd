// Messages between the 3D view and its mesher worker.
import type { Geometry } from '../../shared/image';
import type { VoxelBox } from '../editor/slices';
import type { BlockMesh } from './surface-nets';

export type SurfaceRequest =
  /** A new labelmap (a copy the worker keeps); `generation` names it in the answers. */
  | { kind: 'load'; generation: number; geometry: Geometry; labels: Uint8Array }
  /** Voxels of `box` (i fastest) changed to `voxels`. */
  | { kind: 'update'; generation: number; box: VoxelBox; voxels: Uint8Array };

export interface SurfaceResponse {
  kind: 'meshes';
  generation: number;
  /** Every block's mesh (a load) or only the changed ones (an update; empty arrays clear a block). */
  full: boolean;
  meshes: BlockMesh[];
  seconds: number;
}
