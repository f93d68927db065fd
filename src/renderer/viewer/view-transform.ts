// Where a slice lands on screen: fit-to-view scaling with the pixel spacing (so coronal and
// sagittal slices of anisotropic volumes keep their true proportions), zoom and pan, and the
// anatomical layout (turned and flipped, see anatomical-view.ts). Pure maths, no DOM:
// screen ↔ slice conversions used by the views, the crosshair and tests.
//
// Slice pixel (u, v) is the voxel centre; it covers [u−½, u+½] × [v−½, v+½].
import { rasterToSlice, sliceToRaster, type SliceLayout, type SlicePoint } from '../editor/slices';
import type { ViewSlicing } from './anatomical-view';

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

/**
 * Screen placement of a slice raster: raster pixel (x, y)'s top-left corner is at origin + (x, y) ×
 * scale; the layout says how slice (u, v) maps to raster (x, y) (width/height: the raster's size).
 */
export interface ViewTransform extends SliceLayout {
  originX: number;
  originY: number;
  /** Screen pixels per raster pixel. */
  scaleX: number;
  scaleY: number;
  width: number;
  height: number;
}

export function viewTransform(slicing: Pick<ViewSlicing, 'width' | 'height' | 'pixelWidth' | 'pixelHeight' | 'layout'>, camera: ViewCamera, viewport: Viewport): ViewTransform {
  const mmWidth = slicing.width * slicing.pixelWidth;
  const mmHeight = slicing.height * slicing.pixelHeight;
  const fit = Math.max(1e-6, Math.min(viewport.width / mmWidth, viewport.height / mmHeight) * FIT_FILL);
  const scaleX = fit * slicing.pixelWidth * camera.zoom;
  const scaleY = fit * slicing.pixelHeight * camera.zoom;
  return {
    originX: viewport.width / 2 + camera.panX - (slicing.width * scaleX) / 2,
    originY: viewport.height / 2 + camera.panY - (slicing.height * scaleY) / 2,
    scaleX, scaleY, width: slicing.width, height: slicing.height, ...slicing.layout,
  };
}

export interface ScreenPoint {
  x: number;
  y: number;
}

/** Screen position of slice point (u, v) (integers: voxel centres). */
export function sliceToScreen(t: ViewTransform, p: SlicePoint): ScreenPoint {
  const r = sliceToRaster(t, t.width, t.height, p);
  return { x: t.originX + (r.x + 0.5) * t.scaleX, y: t.originY + (r.y + 0.5) * t.scaleY };
}

/** Continuous slice position under a screen point (may lie outside the slice). */
export function screenToSlice(t: ViewTransform, s: ScreenPoint): SlicePoint {
  return rasterToSlice(t, t.width, t.height, (s.x - t.originX) / t.scaleX - 0.5, (s.y - t.originY) / t.scaleY - 0.5);
}

/** Camera after zooming by `factor` about screen point `at` (the slice point under it stays put). */
export function zoomCamera(camera: ViewCamera, factor: number, at: ScreenPoint, viewport: Viewport): ViewCamera {
  const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, camera.zoom * factor));
  const r = zoom / camera.zoom;
  const cx = viewport.width / 2 + camera.panX, cy = viewport.height / 2 + camera.panY;
  return { zoom, panX: camera.panX + (at.x - cx) * (1 - r), panY: camera.panY + (at.y - cy) * (1 - r) };
}

/** Nearest voxel inside the grid, or null when the point is off the image by more than half a voxel. */
export function voxelInside(size: readonly number[], ijk: readonly number[]): [number, number, number] | null {
  const rounded = ijk.map(Math.round) as [number, number, number];
  return rounded.every((n, a) => n >= 0 && n < size[a]) ? rounded : null;
}

/** Brush cursor radii in screen pixels from radii in slice pixels (u, v), whichever way the slice is turned. */
export function screenRadii(t: ViewTransform, radiusU: number, radiusV: number): { rx: number; ry: number } {
  const [alongX, alongY] = t.transpose ? [radiusV, radiusU] : [radiusU, radiusV];
  return { rx: (alongX + 0.5) * t.scaleX, ry: (alongY + 0.5) * t.scaleY };
}
