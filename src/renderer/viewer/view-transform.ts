// Where a slice lands on screen: fit-to-view scaling with the voxel spacing (so coronal and sagittal
// slices of anisotropic volumes keep their true proportions), zoom and pan, and the superior-up flip.
// Pure maths, no DOM: screen ↔ slice ↔ voxel conversions used by the views, the crosshair and tests.
//
// Slice pixel (u, v) is the voxel centre; it covers [u−½, u+½] × [v−½, v+½].
import type { Vec3 } from '../../shared/geometry';
import type { Geometry } from '../../shared/image';
import { sliceAxes, type Orientation, type SlicePoint } from '../editor/slices';

/** A slice's size and the physical size of its pixels. */
export interface SliceDisplay {
  width: number;
  height: number;
  /** Millimetres per slice pixel along u and v. */
  pixelWidth: number;
  pixelHeight: number;
  /** Draw v upwards (coronal and sagittal: superior at the top). */
  flipV: boolean;
}

export function sliceDisplay(geometry: Pick<Geometry, 'size' | 'spacing'>, orientation: Orientation): SliceDisplay {
  const axes = sliceAxes(orientation);
  return {
    width: geometry.size[axes.u],
    height: geometry.size[axes.v],
    pixelWidth: geometry.spacing[axes.u] || 1,
    pixelHeight: geometry.spacing[axes.v] || 1,
    flipV: orientation !== 'axial',
  };
}

/** Zoom (1 = fit) and pan (screen pixels, offset of the slice centre from the view centre). */
export interface ViewCamera {
  zoom: number;
  panX: number;
  panY: number;
}

export const FIT_CAMERA: Readonly<ViewCamera> = { zoom: 1, panX: 0, panY: 0 };
export const MIN_ZOOM = 0.1;
export const MAX_ZOOM = 64;
/** Margin left around a fitted slice. */
const FIT_FILL = 0.96;

export interface Viewport {
  width: number;
  height: number;
}

/** Screen placement of a slice: pixel (u, v)'s top-left corner is at origin + (u, v or height−1−v) × scale. */
export interface ViewTransform {
  /** Screen position of the slice's top-left corner as drawn (after any flip). */
  originX: number;
  originY: number;
  /** Screen pixels per slice pixel. */
  scaleX: number;
  scaleY: number;
  flipV: boolean;
  width: number;
  height: number;
}

export function viewTransform(display: SliceDisplay, camera: ViewCamera, viewport: Viewport): ViewTransform {
  const mmWidth = display.width * display.pixelWidth;
  const mmHeight = display.height * display.pixelHeight;
  const fit = Math.max(1e-6, Math.min(viewport.width / mmWidth, viewport.height / mmHeight) * FIT_FILL);
  const scaleX = fit * display.pixelWidth * camera.zoom;
  const scaleY = fit * display.pixelHeight * camera.zoom;
  return {
    originX: viewport.width / 2 + camera.panX - (display.width * scaleX) / 2,
    originY: viewport.height / 2 + camera.panY - (display.height * scaleY) / 2,
    scaleX, scaleY, flipV: display.flipV, width: display.width, height: display.height,
  };
}

export interface ScreenPoint {
  x: number;
  y: number;
}

/** Screen position of slice point (u, v) (integers: voxel centres). */
export function sliceToScreen(t: ViewTransform, p: SlicePoint): ScreenPoint {
  const row = t.flipV ? t.height - 1 - p.v : p.v;
  return { x: t.originX + (p.u + 0.5) * t.scaleX, y: t.originY + (row + 0.5) * t.scaleY };
}

/** Continuous slice position under a screen point (may lie outside the slice). */
export function screenToSlice(t: ViewTransform, s: ScreenPoint): SlicePoint {
  const u = (s.x - t.originX) / t.scaleX - 0.5;
  const row = (s.y - t.originY) / t.scaleY - 0.5;
  return { u, v: t.flipV ? t.height - 1 - row : row };
}

/** Camera after zooming by `factor` about screen point `at` (the slice point under it stays put). */
export function zoomCamera(camera: ViewCamera, factor: number, at: ScreenPoint, viewport: Viewport): ViewCamera {
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, camera.zoom * factor));
  const r = zoom / camera.zoom;
  const cx = viewport.width / 2 + camera.panX, cy = viewport.height / 2 + camera.panY;
  return { zoom, panX: camera.panX + (at.x - cx) * (1 - r), panY: camera.panY + (at.y - cy) * (1 - r) };
}

/** Nearest voxel inside the grid, or null when the point is off the image by more than half a voxel. */
export function voxelInside(size: readonly number[], ijk: readonly number[]): Vec3 | null {
  const rounded = ijk.map(Math.round) as Vec3;
  return rounded.every((n, a) => n >= 0 && n < size[a]) ? rounded : null;
}

/** Brush cursor radii in screen pixels from radii in slice pixels. */
export function screenRadii(t: ViewTransform, radiusU: number, radiusV: number): { rx: number; ry: number } {
  return { rx: (radiusU + 0.5) * t.scaleX, ry: (radiusV + 0.5) * t.scaleY };
}
