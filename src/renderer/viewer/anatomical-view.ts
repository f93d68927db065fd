// Which slice each view shows and how it lies on screen, from the direction matrix: every volume
// drawn in the radiological convention whatever its voxel order. Axial: patient right on the
// screen's left, anterior up. Coronal: right on the left, superior up. Sagittal: anterior on the
// left, superior up. Oblique volumes use their nearest axes (and say by how much they are off).
// Pure maths: the views, the crosshair and the tests share it; tools still address voxels.
import { directionLetters, indexAxisDirection, nearestAxes, type PatientAxis } from '../../shared/anatomical-axes';
import type { Geometry } from '../../shared/image';
import { orientationNormalTo, PLAIN_LAYOUT, sliceAxes, type Orientation, type SliceLayout } from '../editor/slices';

/** An anatomical view of the workstation (not an index plane: see editor/slices.ts). */
export type ViewPlane = 'axial' | 'coronal' | 'sagittal';
export const VIEW_PLANES: readonly ViewPlane[] = ['axial', 'coronal', 'sagittal'];

export interface EdgeLetters {
  left: string;
  right: string;
  top: string;
  bottom: string;
}

export interface ViewSlicing {
  /** The index plane the view shows. */
  plane: Orientation;
  /** How that plane's slices lie on screen. */
  layout: SliceLayout;
  /** Screen raster of one slice: pixels across and down, and millimetres per pixel. */
  width: number;
  height: number;
  pixelWidth: number;
  pixelHeight: number;
  /** Patient directions at the screen edges; empty for pictures without patient geometry. */
  letters: EdgeLetters;
  /** The world axis along the screen's x and y (the crosshair's lines are the other views there). */
  screenAxes: { x: PatientAxis; y: PatientAxis } | null;
  /** Degrees the volume is turned off the nearest axes (0: on the axes). */
  obliqueDegrees: number;
}

interface Convention {
  normal: PatientAxis;
  /** The world axis and its end that points right on screen, and the one that points down. */
  right: [PatientAxis, 1 | -1];
  down: [PatientAxis, 1 | -1];
}

/** LPS world: +x is patient left, +y posterior, +z superior. */
const RADIOLOGICAL: Record<ViewPlane, Convention> = {
  axial: { normal: 2, right: [0, 1], down: [1, 1] },
  coronal: { normal: 1, right: [0, 1], down: [2, -1] },
  sagittal: { normal: 0, right: [1, 1], down: [2, -1] },
};

const VIEW_OF_AXIS: Record<PatientAxis, ViewPlane> = { 0: 'sagittal', 1: 'coronal', 2: 'axial' };

/** The view whose slices are perpendicular to world axis `axis` (its plane colour marks lines along it). */
export const viewNormalTo = (axis: PatientAxis): ViewPlane => VIEW_OF_AXIS[axis];

export function viewSlicing(geometry: Pick<Geometry, 'size' | 'spacing' | 'direction'>, view: ViewPlane): ViewSlicing {
  const { worldAxis, sign, obliqueDegrees } = nearestAxes(geometry.direction);
  const indexAxisOf = (w: PatientAxis) => worldAxis.indexOf(w) as 0 | 1 | 2;
  const c = RADIOLOGICAL[view];
  const plane = orientationNormalTo(indexAxisOf(c.normal));
  const x = indexAxisOf(c.right[0]), y = indexAxisOf(c.down[0]);
  const layout: SliceLayout = {
    transpose: x !== sliceAxes(plane).u,
    flipH: sign[x] !== c.right[1],
    flipV: sign[y] !== c.down[1],
  };
  // The world direction of one screen pixel step right and down, for the edge letters.
  const toward = (axis: number, flip: boolean) => indexAxisDirection(geometry.direction, axis).map((d) => (flip ? -d : d));
  const right = toward(x, layout.flipH), down = toward(y, layout.flipV);
  const negate = (v: number[]) => v.map((d) => -d);
  return {
    plane, layout,
    width: geometry.size[x], height: geometry.size[y],
    pixelWidth: geometry.spacing[x] || 1, pixelHeight: geometry.spacing[y] || 1,
    letters: { left: directionLetters(negate(right)), right: directionLetters(right), top: directionLetters(negate(down)), bottom: directionLetters(down) },
    screenAxes: { x: c.right[0], y: c.down[0] },
    obliqueDegrees,
  };
}

/** A picture (photo, endoscopy frame): pixel x right, y down, as stored; no patient directions. */
export function pictureSlicing(geometry: Pick<Geometry, 'size'>): ViewSlicing {
  return {
    plane: 'axial', layout: { ...PLAIN_LAYOUT }, width: geometry.size[0], height: geometry.size[1], pixelWidth: 1, pixelHeight: 1,
    letters: { left: '', right: '', top: '', bottom: '' }, screenAxes: null, obliqueDegrees: 0,
  };
}

/** Slicer's convention: axial red, sagittal yellow, coronal green (view frames and crosshair lines). */
export const VIEW_COLORS: Record<ViewPlane, string> = { axial: '#e05050', coronal: '#50c050', sagittal: '#e0c040' };
