// Keeps the mesher worker's copy of the labelmap in step with the editor's: one load per labelmap,
// then the union box of what changed since the last answer, with at most one request in flight, so
// a long brush stroke never queues up work and the surface follows it as fast as it can be meshed.
import type { Labelmap, LabelmapChange } from '../editor';
import type { VoxelBox } from '../editor/slices';
import type { SurfaceRequest, SurfaceResponse } from './surface-protocol';

function union(a: VoxelBox | null, b: VoxelBox): VoxelBox {
  if (!a) return { ...b };
  return {
    i0: Math.min(a.i0, b.i0), j0: Math.min(a.j0, b.j0), k0: Math.min(a.k0, b.k0),
    i1: Math.max(a.i1, b.i1), j1: Math.max(a.j1, b.j1), k1: Math.max(a.k1, b.k1),
  };
}

function voxelsOf(labelmap: Labelmap, box: VoxelBox): Uint8Array {
  const [nx, ny] = labelmap.size;
  const w = box.i1 - box.i0 + 1, h = box.j1 - box.j0 + 1;
  const out = new Uint8Array(w * h * (box.k1 - box.k0 + 1));
  for (let k = box.k0; k <= box.k1; k++) {
    for (let j = box.j0; j <= box.j1; j++) {
      const from = (k * ny + j) * nx + box.i0;
      out.set(labelmap.labels.subarray(from, from + w), ((k - box.k0) * h + (j - box.j0)) * w);
    }
  }
  return out;
}

export class SurfaceSync {
  private readonly worker = new Worker(new URL('./surface-worker.ts', import.meta.url), { type: 'module' });
  private labelmap: Labelmap | null = null;
  private unsubscribe: (() => void) | null = null;
  private generation = 0;
  private inFlight = false;
  private pending: VoxelBox | null = null;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly onMeshes: (response: SurfaceResponse) => void) {
    this.worker.onmessage = ({ data }: MessageEvent<SurfaceResponse>) => {
      this.inFlight = false;
      if (data.generation === this.generation) this.onMeshes(data);
      this.sendPending();
    };
  }

  attach(labelmap: Labelmap): void {
    this.unsubscribe?.();
    this.labelmap = labelmap;
    this.generation++;
    this.pending = null;
    this.unsubscribe = labelmap.onChange((change: LabelmapChange) => {
      this.pending = union(this.pending, change.box);
      if (!this.inFlight) this.sendPending();
    });
    this.post({ kind: 'load', generation: this.generation, geometry: labelmap.geometry, labels: labelmap.labels.slice() });
  }

  /** Resolves once every change so far has been meshed and handed to `onMeshes`. */
  idle(): Promise<void> {
    if (!this.inFlight && !this.pending) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  dispose(): void {
    this.unsubscribe?.();
    this.worker.terminate();
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private post(request: SurfaceRequest): void {
    this.inFlight = true;
    const transfer = request.kind === 'load' ? [request.labels.buffer] : [request.voxels.buffer];
    this.worker.postMessage(request, transfer);
  }

  private sendPending(): void {
    const box = this.pending;
    if (!box || !this.labelmap) {
      if (!this.inFlight) for (const resolve of this.idleWaiters.splice(0)) resolve();
      return;
    }
    this.pending = null;
    this.post({ kind: 'update', generation: this.generation, box, voxels: voxelsOf(this.labelmap, box) });
  }
}
