// Editing tools as small state machines (tldraw style): idle → pointing → drawing → idle, driven by
// pointer events in slice coordinates. A tool opens a history gesture when its edit starts and
// closes it when the edit ends, so one drag (or one polygon, one fill) is one undo entry; Escape
// cancels and puts back whatever the gesture had changed.
//
// Settings are read live from the shared settings object at the start of each gesture.
import { createBrushStrategy, type BrushSettings, type BrushStrategy, brushRadii, type RadiusUnit } from './brush-strategies';
import { fillPolygon, floodFillSlice } from './fill';
import type { LabelmapHistory } from './history';
import type { IntensityRange, IntensitySource } from './intensity';
import type { Labelmap } from './labelmap';
import type { Orientation, SlicePoint } from './slices';

export type ToolId = 'brush' | 'eraser' | 'thresholdBrush' | 'polygon' | 'floodFill';
export type ToolState = 'idle' | 'pointing' | 'drawing';

export interface Modifiers {
  shift: boolean;
  ctrl: boolean;
  alt: boolean;
  meta: boolean;
}

/** A pointer position on a slice: (u, v) in slice pixels (integers are voxel centres). */
export interface ToolPointerEvent extends SlicePoint {
  orientation: Orientation;
  sliceIndex: number;
  modifiers?: Partial<Modifiers>;
}

export interface ToolSettings {
  /** Active label painted by brush, polygon and fill; the label the eraser clears. */
  label: number;
  brushRadius: number;
  radiusUnit: RadiusUnit;
  /** Brush as a sphere through neighbouring slices. */
  brush3D: boolean;
  /** Off: paint only background, never over another structure. */
  overwriteOtherLabels: boolean;
  eraseAnyLabel: boolean;
  /** Intensity range of the threshold brush. */
  thresholdRange: IntensityRange;
  /** When set, flood fill also stops at intensities outside this range. */
  floodIntensityRange: IntensityRange | null;
  /** A click this close (slice pixels) to the first vertex closes the polygon; scale it with zoom. */
  polygonCloseDistance: number;
}

export const DEFAULT_TOOL_SETTINGS: Readonly<ToolSettings> = {
  label: 1,
  brushRadius: 5,
  radiusUnit: 'voxels',
  brush3D: false,
  overwriteOtherLabels: false,
  eraseAnyLabel: false,
  thresholdRange: { lo: -Infinity, hi: Infinity },
  floodIntensityRange: null,
  polygonCloseDistance: 3,
};

export interface ToolContext {
  labelmap: Labelmap;
  history: LabelmapHistory;
  settings: ToolSettings;
  /** The image on the labelmap's grid; needed by the threshold brush and range-bounded fill. */
  image?: IntensitySource | null;
}

/** What the tool overlay layer should draw. */
export type ToolOverlay =
  | { kind: 'none' }
  | { kind: 'brushCursor'; orientation: Orientation; sliceIndex: number; center: SlicePoint; radiusU: number; radiusV: number }
  | { kind: 'polygon'; orientation: Orientation; sliceIndex: number; vertices: readonly SlicePoint[]; preview: SlicePoint | null; closable: boolean };

export interface EditorTool {
  readonly id: ToolId;
  readonly state: ToolState;
  pointerDown(event: ToolPointerEvent): void;
  pointerMove(event: ToolPointerEvent): void;
  pointerUp(event: ToolPointerEvent): void;
  doubleClick(event: ToolPointerEvent): void;
  /** Enter. */
  confirm(): void;
  /** Escape: abandon the edit in progress; the labelmap ends as it was before it. */
  cancel(): void;
  overlay(): ToolOverlay;
}

const sameSlice = (a: { orientation: Orientation; sliceIndex: number }, b: { orientation: Orientation; sliceIndex: number }) =>
  a.orientation === b.orientation && a.sliceIndex === b.sliceIndex;

const point = (e: SlicePoint): SlicePoint => ({ u: e.u, v: e.v });

const GESTURE_NAMES: Record<ToolId, string> = {
  brush: 'Brush', eraser: 'Erase', thresholdBrush: 'Threshold brush', polygon: 'Polygon fill', floodFill: 'Flood fill',
};

/** Brush, eraser and threshold brush: one stroke per drag, segments between pointer positions. */
export class BrushTool implements EditorTool {
  private current: ToolState = 'idle';
  get state(): ToolState {
    return this.current;
  }
  private stroke: { strategy: BrushStrategy; orientation: Orientation; sliceIndex: number; last: SlicePoint } | null = null;
  private cursor: ToolPointerEvent | null = null;

  constructor(readonly id: 'brush' | 'eraser' | 'thresholdBrush', private readonly ctx: ToolContext) {}

  brushSettings(): BrushSettings {
    const s = this.ctx.settings;
    let threshold: BrushSettings['threshold'] = null;
    if (this.id === 'thresholdBrush') {
      if (!this.ctx.image) throw new Error('The threshold brush needs the image: open an image before painting with it.');
      threshold = { image: this.ctx.image, range: s.thresholdRange };
    }
    return {
      operation: this.id === 'eraser' ? 'erase' : 'paint',
      label: s.label,
      radius: s.brushRadius,
      radiusUnit: s.radiusUnit,
      shape: s.brush3D ? 'sphere' : 'circle',
      overwriteOtherLabels: s.overwriteOtherLabels,
      eraseAnyLabel: s.eraseAnyLabel,
      threshold,
    };
  }

  pointerDown(e: ToolPointerEvent): void {
    this.cursor = e;
    if (this.current !== 'idle') return;
    const strategy = createBrushStrategy(this.brushSettings());
    this.ctx.history.beginGesture(GESTURE_NAMES[this.id]);
    this.stroke = { strategy, orientation: e.orientation, sliceIndex: e.sliceIndex, last: point(e) };
    this.current = 'pointing';
    strategy.stroke(this.ctx.labelmap, e.orientation, e.sliceIndex, e, e);
  }

  pointerMove(e: ToolPointerEvent): void {
    this.cursor = e;
    const stroke = this.stroke;
    if (!stroke || !sameSlice(stroke, e)) return;
    this.current = 'drawing';
    stroke.strategy.stroke(this.ctx.labelmap, stroke.orientation, stroke.sliceIndex, stroke.last, e);
    stroke.last = point(e);
  }

  pointerUp(e: ToolPointerEvent): void {
    if (!this.stroke) return;
    this.pointerMove(e);
    this.finish();
  }

  doubleClick(): void {}

  confirm(): void {}

  cancel(): void {
    if (!this.stroke) return;
    this.stroke = null;
    this.current = 'idle';
    this.ctx.history.cancelGesture();
  }

  private finish(): void {
    this.stroke = null;
    this.current = 'idle';
    this.ctx.history.endGesture();
  }

  overlay(): ToolOverlay {
    if (!this.cursor) return { kind: 'none' };
    const radii = brushRadii(this.ctx.labelmap.geometry.spacing, this.cursor.orientation, {
      radius: this.ctx.settings.brushRadius, radiusUnit: this.ctx.settings.radiusUnit, shape: 'circle',
    });
    return {
      kind: 'brushCursor', orientation: this.cursor.orientation, sliceIndex: this.cursor.sliceIndex,
      center: { u: Math.round(this.cursor.u), v: Math.round(this.cursor.v) }, radiusU: radii.u, radiusV: radii.v,
    };
  }
}

/**
 * Polygon and lasso fill. Click to add vertices, then double-click, Enter, or click near the first
 * vertex to close and fill. Dragging from the first press draws a lasso that fills on release.
 */
export class PolygonTool implements EditorTool {
  readonly id = 'polygon' as const;
  private current: ToolState = 'idle';
  get state(): ToolState {
    return this.current;
  }
  private vertices: SlicePoint[] = [];
  private slice: { orientation: Orientation; sliceIndex: number } | null = null;
  private lasso = false;
  private buttonDown = false;
  private preview: SlicePoint | null = null;

  /** Pointer travel (slice pixels) after the first press that turns the gesture into a lasso. */
  static readonly LASSO_START_DISTANCE = 2;

  constructor(private readonly ctx: ToolContext) {}

  get vertexCount(): number {
    return this.vertices.length;
  }

  pointerDown(e: ToolPointerEvent): void {
    this.buttonDown = true;
    if (this.current === 'idle') {
      this.slice = { orientation: e.orientation, sliceIndex: e.sliceIndex };
      this.vertices = [point(e)];
      this.lasso = false;
      this.current = 'pointing';
      return;
    }
    if (!this.slice || !sameSlice(this.slice, e) || this.lasso) return;
    if (this.nearFirstVertex(e) && this.vertices.length >= 3) {
      this.close();
      return;
    }
    this.addVertex(e);
  }

  pointerMove(e: ToolPointerEvent): void {
    if (!this.slice || !sameSlice(this.slice, e)) return;
    this.preview = point(e);
    if (this.current === 'pointing' && this.buttonDown
      && Math.hypot(e.u - this.vertices[0].u, e.v - this.vertices[0].v) >= PolygonTool.LASSO_START_DISTANCE) {
      this.lasso = true;
      this.current = 'drawing';
    }
    if (this.lasso && this.buttonDown) {
      const last = this.vertices[this.vertices.length - 1];
      if (Math.hypot(e.u - last.u, e.v - last.v) >= 1) this.vertices.push(point(e));
    }
  }

  pointerUp(e: ToolPointerEvent): void {
    this.buttonDown = false;
    if (this.lasso) {
      this.pointerMove(e);
      this.close();
      return;
    }
    if (this.current === 'pointing') this.current = 'drawing';
  }

  doubleClick(): void {
    if (this.current === 'drawing' && !this.lasso) this.close();
  }

  confirm(): void {
    if (this.current !== 'idle') this.close();
  }

  cancel(): void {
    this.reset();
  }

  overlay(): ToolOverlay {
    if (!this.slice || this.current === 'idle') return { kind: 'none' };
    return {
      kind: 'polygon', orientation: this.slice.orientation, sliceIndex: this.slice.sliceIndex,
      vertices: this.vertices, preview: this.preview,
      closable: this.vertices.length >= 3 && this.preview !== null && this.nearFirstVertex(this.preview),
    };
  }

  private nearFirstVertex(p: SlicePoint): boolean {
    const first = this.vertices[0];
    return Math.hypot(p.u - first.u, p.v - first.v) <= this.ctx.settings.polygonCloseDistance;
  }

  private addVertex(p: SlicePoint): void {
    const last = this.vertices[this.vertices.length - 1];
    if (last && last.u === p.u && last.v === p.v) return; // the second press of a double-click
    this.vertices.push(point(p));
  }

  private close(): void {
    const { vertices, slice } = this;
    this.reset();
    if (!slice || vertices.length < 3) return;
    const settings = { label: this.ctx.settings.label, overwriteOtherLabels: this.ctx.settings.overwriteOtherLabels };
    this.ctx.history.transaction(GESTURE_NAMES.polygon, () =>
      fillPolygon(this.ctx.labelmap, slice.orientation, slice.sliceIndex, vertices, settings));
  }

  private reset(): void {
    this.vertices = [];
    this.slice = null;
    this.lasso = false;
    this.preview = null;
    this.current = 'idle';
  }
}

/** Flood fill: fills on press (so the region shows at once), commits on release, Escape reverts. */
export class FloodFillTool implements EditorTool {
  readonly id = 'floodFill' as const;
  private current: ToolState = 'idle';
  get state(): ToolState {
    return this.current;
  }

  constructor(private readonly ctx: ToolContext) {}

  pointerDown(e: ToolPointerEvent): void {
    if (this.current !== 'idle') return;
    const s = this.ctx.settings;
    const range = s.floodIntensityRange;
    if (range && !this.ctx.image) throw new Error('Flood fill within an intensity range needs the image: open an image first.');
    this.ctx.history.beginGesture(GESTURE_NAMES.floodFill);
    this.current = 'pointing';
    floodFillSlice(this.ctx.labelmap, e.orientation, e.sliceIndex, e, {
      label: s.label,
      intensity: range && this.ctx.image ? { image: this.ctx.image, range } : null,
    });
  }

  pointerMove(): void {}

  pointerUp(): void {
    if (this.current === 'idle') return;
    this.current = 'idle';
    this.ctx.history.endGesture();
  }

  doubleClick(): void {}

  confirm(): void {}

  cancel(): void {
    if (this.current === 'idle') return;
    this.current = 'idle';
    this.ctx.history.cancelGesture();
  }

  overlay(): ToolOverlay {
    return { kind: 'none' };
  }
}

export function createTool(id: ToolId, ctx: ToolContext): EditorTool {
  switch (id) {
    case 'brush':
    case 'eraser':
    case 'thresholdBrush':
      return new BrushTool(id, ctx);
    case 'polygon':
      return new PolygonTool(ctx);
    case 'floodFill':
      return new FloodFillTool(ctx);
  }
}
