// The 3D view's mesher, off the page's thread: keeps its own copy of the labelmap, meshes it once,
// then re-meshes the blocks each edit touched (label-surfaces.ts) and sends the meshes back.
import { LabelSurfaces } from './label-surfaces';
import type { SurfaceRequest, SurfaceResponse } from './surface-protocol';

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<SurfaceRequest>) => void) | null;
  postMessage(message: SurfaceResponse, transfer: Transferable[]): void;
};

let surfaces: LabelSurfaces | null = null;

scope.onmessage = ({ data: request }) => {
  const start = performance.now();
  let meshes;
  if (request.kind === 'load') {
    surfaces = new LabelSurfaces(request.geometry, request.labels);
    meshes = surfaces.meshAll();
  } else {
    if (!surfaces) return;
    meshes = surfaces.update(request.box, request.voxels);
  }
  const transfer = meshes.flatMap((m) => [m.positions.buffer, m.normals.buffer, m.indices.buffer]);
  scope.postMessage({ kind: 'meshes', generation: request.generation, full: request.kind === 'load', meshes, seconds: (performance.now() - start) / 1000 }, transfer);
};
