// Slice maths for the three display orientations, kept apart from the labelmap so brushes, fills
// and renderers share one definition of "which voxel is pixel (u, v) of this slice".
//
// Raw index order, no display flips: axial (fixed k) u=i v=j; coronal (fixed j) u=i v=k;
// sagittal (fixed i) u=j v=k. A view that wants superior-up flips v when it draws.

export type Orientation = 'axial' | 'coronal' | 'sagittal';

export const ORIENTATIONS: readonly Orientation[] = ['axial', 'coronal', 'sagittal'];

/** Index axes (0=i, 1=j, 2=k) behind a slice's u, v and normal directions. */
export interface SliceAxes {
  u: 0 | 1 | 2;
  v: 0 | 1 | 2;
  normal: 0 | 1 | 2;
}

const AXES: Record<Orientation, SliceAxes> = {
  axial: { u: 0, v: 1, normal: 2 },
  coronal: { u: 0, v: 2, normal: 1 },
  sagittal: { u: 1, v: 2, normal: 0 },
};

export function sliceAxes(orientation: Orientation): SliceAxes {
  return AXES[orientation];
}

/** The orientation whose slices are perpendicular to index axis `axis`. */
export function orientationNormalTo(axis: 0 | 1 | 2): Orientation {
  return axis === 2 ? 'axial' : axis === 1 ? 'coronal' : 'sagittal';
}

/** Point in slice pixel coordinates; integers are voxel centres. */
export interface SlicePoint {
  u: number;
  v: number;
}

/** Inclusive rectangle in slice pixel coordinates. */
export interface SliceRect {
  u0: number;
  v0: number;
  u1: number;
  v1: number;
}

/** Inclusive box in voxel index coordinates. */
export interface VoxelBox {
  i0: number;
  j0: number;
  k0: number;
  i1: number;
  j1: number;
  k1: number;
}

/**
 * One slice of a volume grid as strides: voxel index of (u, v) = origin + u*strideU + v*strideV.
 * Loops use the strides directly; `voxelIndex` is for the occasional single lookup.
 */
export interface SliceView {
  orientation: Orientation;
  /** Slice number along the normal axis. */
  index: number;
  width: number;
  height: number;
  axes: SliceAxes;
  /** Voxel index of pixel (0, 0). */
  origin: number;
  strideU: number;
  strideV: number;
  /** Stride between neighbouring slices (along the normal). */
  strideNormal: number;
  voxelIndex(u: number, v: number): number;
}

export function axisStrides(size: readonly [number, number, number]): [number, number, number] {
  return [1, size[0], size[0] * size[1]];
}

export function sliceCount(size: readonly [number, number, number], orientation: Orientation): number {
  return size[AXES[orientation].normal];
}

export function sliceView(size: readonly [number, number, number], orientation: Orientation, index: number): SliceView {
  const axes = AXES[orientation];
  const strides = axisStrides(size);
  if (!Number.isInteger(index) || index < 0 || index >= size[axes.normal]) {
    throw new RangeError(`${orientation} slice ${index} is outside 0..${size[axes.normal] - 1}`);
  }
  const origin = index * strides[axes.normal];
  const strideU = strides[axes.u];
  const strideV = strides[axes.v];
  return {
    orientation,
    index,
    width: size[axes.u],
    height: size[axes.v],
    axes,
    origin,
    strideU,
    strideV,
    strideNormal: strides[axes.normal],
    voxelIndex: (u, v) => origin + u * strideU + v * strideV,
  };
}

/** The part of a voxel box that lies on a slice, as a slice rectangle, or null when it misses it. */
export function boxRectOnSlice(box: VoxelBox, orientation: Orientation, index: number): SliceRect | null {
  const axes = AXES[orientation];
  const lo = [box.i0, box.j0, box.k0];
  const hi = [box.i1, box.j1, box.k1];
  if (index < lo[axes.normal] || index > hi[axes.normal]) return null;
  return { u0: lo[axes.u], v0: lo[axes.v], u1: hi[axes.u], v1: hi[axes.v] };
}

/** The voxel box covered by a slice rectangle on slice `index`. */
export function sliceRectToBox(rect: SliceRect, orientation: Orientation, index: number): VoxelBox {
  const axes = AXES[orientation];
  const lo = [0, 0, 0];
  const hi = [0, 0, 0];
  lo[axes.u] = rect.u0; hi[axes.u] = rect.u1;
  lo[axes.v] = rect.v0; hi[axes.v] = rect.v1;
  lo[axes.normal] = index; hi[axes.normal] = index;
  return { i0: lo[0], j0: lo[1], k0: lo[2], i1: hi[0], j1: hi[1], k1: hi[2] };
}

export function wholeBox(size: readonly [number, number, number]): VoxelBox {
  return { i0: 0, j0: 0, k0: 0, i1: size[0] - 1, j1: size[1] - 1, k1: size[2] - 1 };
}
