// Slice maths for the three display orientations, kept apart from the labelmap so brushes, fills
// and renderers share one definition of "which voxel is pixel (u, v) of this slice".
//
// These are index planes in raw index order, named after the anatomical plane they are for a volume
// stored the usual way (k from feet to head): 'axial' is k fixed (u=i, v=j), 'coronal' j fixed
// (u=i, v=k), 'sagittal' i fixed (u=j, v=k). Which index plane an anatomical view shows, and how it
// is flipped or turned on screen, is the display's business (viewer/anatomical-view.ts).
import type { Vec3 } from '../../shared/geometry';

export type Orientation = 'axial' | 'coronal' | 'sagittal';


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

function axisStrides(size: readonly [number, number, number]): [number, number, number] {
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

export function wholeBox(size: readonly [number, number, number]): VoxelBox {
  return { i0: 0, j0: 0, k0: 0, i1: size[0] - 1, j1: size[1] - 1, k1: size[2] - 1 };
}

/** The voxel index of slice point (u, v) on slice `index`. */
export function sliceToVoxel(orientation: Orientation, index: number, p: SlicePoint): Vec3 {
  const axes = AXES[orientation];
  const ijk: Vec3 = [0, 0, 0];
  ijk[axes.u] = p.u;
  ijk[axes.v] = p.v;
  ijk[axes.normal] = index;
  return ijk;
}

/** Where voxel (i, j, k) falls in an orientation: its slice number and slice point. */
export function voxelToSlice(orientation: Orientation, ijk: readonly number[]): { index: number; point: SlicePoint } {
  const axes = AXES[orientation];
  return { index: ijk[axes.normal], point: { u: ijk[axes.u], v: ijk[axes.v] } };
}

/**
 * How a slice is laid out as a screen raster (columns x, rows y): x runs along u, or along v when
 * `transpose` is set; `flipH`/`flipV` reverse the columns/rows. The display picks one per view so
 * that every volume shows in anatomical orientation; tools keep working in (u, v).
 */
export interface SliceLayout {
  transpose: boolean;
  flipH: boolean;
  flipV: boolean;
}

export const PLAIN_LAYOUT: Readonly<SliceLayout> = { transpose: false, flipH: false, flipV: false };

/** A slice as a raster of voxel indices: voxel of pixel (x, y) = origin + x*strideX + y*strideY. */
export interface SliceRaster {
  width: number;
  height: number;
  origin: number;
  strideX: number;
  strideY: number;
}

export function sliceRaster(view: SliceView, layout: SliceLayout = PLAIN_LAYOUT): SliceRaster {
  const { transpose, flipH, flipV } = layout;
  const width = transpose ? view.height : view.width;
  const height = transpose ? view.width : view.height;
  const alongX = transpose ? view.strideV : view.strideU;
  const alongY = transpose ? view.strideU : view.strideV;
  return {
    width, height,
    origin: view.origin + (flipH ? (width - 1) * alongX : 0) + (flipV ? (height - 1) * alongY : 0),
    strideX: flipH ? -alongX : alongX,
    strideY: flipV ? -alongY : alongY,
  };
}

/** Raster position (continuous; integers are pixel centres) of slice point p. */
export function sliceToRaster(layout: SliceLayout, width: number, height: number, p: SlicePoint): { x: number; y: number } {
  const a = layout.transpose ? p.v : p.u, b = layout.transpose ? p.u : p.v;
  return { x: layout.flipH ? width - 1 - a : a, y: layout.flipV ? height - 1 - b : b };
}

/** Slice point under raster position (x, y); the inverse of sliceToRaster. */
export function rasterToSlice(layout: SliceLayout, width: number, height: number, x: number, y: number): SlicePoint {
  const a = layout.flipH ? width - 1 - x : x, b = layout.flipV ? height - 1 - y : y;
  return layout.transpose ? { u: b, v: a } : { u: a, v: b };
}

/** Inclusive raster rectangle. */
export interface RasterRect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The raster rectangle covering a slice rectangle. */
export function sliceRectToRaster(layout: SliceLayout, width: number, height: number, r: SliceRect): RasterRect {
  const a = sliceToRaster(layout, width, height, { u: r.u0, v: r.v0 });
  const b = sliceToRaster(layout, width, height, { u: r.u1, v: r.v1 });
  return { x0: Math.min(a.x, b.x), y0: Math.min(a.y, b.y), x1: Math.max(a.x, b.x), y1: Math.max(a.y, b.y) };
}
