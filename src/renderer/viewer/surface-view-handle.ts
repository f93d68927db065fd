// The mounted 3D view, for app-level code that must wait for it (the benchmark hook, tests).
export interface SurfaceViewHandle {
  /** Resolves when every edit so far is meshed and drawn (the GPU finished). */
  idle(): Promise<void>;
  triangles(): number;
  /** The last mesh request's time in the worker, and the last idle() draw until the GPU finished. */
  timings(): { workerSeconds: number; drawMs: number };
}

export const surfaceViews: { current: SurfaceViewHandle | null } = { current: null };
