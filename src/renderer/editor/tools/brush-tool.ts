// Brush, eraser and threshold brush: one machine with three voxel rules. A drag is one stroke
// (segments between successive pointer positions, so fast strokes leave no gaps) and one undo entry.
import { brushRadii, createBrushStrategy, type BrushOperation, type BrushSettings, type BrushStrategy } from '../brush-strategies';
import type { Orientation, SlicePoint } from '../slices';
import {
  defineTool, orderedRange, sameSlice, slicePoint,
  type EditorTool, type ToolContext, type ToolOverlay, type ToolPointerEvent, type ToolState,
} from './tool-types';

type BrushMode = BrushOperation | 'threshold';

export class BrushTool implements EditorTool {
  private current: ToolState = 'idle';
  get state(): ToolState {
    return this.current;
  }
  private stroke: { strategy: BrushStrategy; orientation: Orientation; sliceIndex: number; last: SlicePoint } | null = null;
  private cursor: ToolPointerEvent | null = null;

  constructor(private readonly ctx: ToolContext, private readonly mode: BrushMode) {}

  brushSettings(): BrushSettings {
    const s = this.ctx.settings;
    let threshold: BrushSettings['threshold'] = null;
    if (this.mode === 'threshold') {
      if (!this.ctx.image) throw new Error('The threshold brush needs the image: open an image before painting with it.');
      threshold = { image: this.ctx.image, range: orderedRange(s.thresholdRange) };
    }
    return {
      operation: this.mode === 'erase' ? 'erase' : 'paint',
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
    this.ctx.history.beginGesture(this.ctx.gesture);
    this.stroke = { strategy, orientation: e.orientation, sliceIndex: e.sliceIndex, last: slicePoint(e) };
    this.current = 'pointing';
    strategy.stroke(this.ctx.labelmap, e.orientation, e.sliceIndex, e, e);
  }

  pointerMove(e: ToolPointerEvent): void {
    this.cursor = e;
    const stroke = this.stroke;
    if (!stroke || !sameSlice(stroke, e)) return;
    this.current = 'drawing';
    stroke.strategy.stroke(this.ctx.labelmap, stroke.orientation, stroke.sliceIndex, stroke.last, e);
    stroke.last = slicePoint(e);
  }

  pointerUp(e: ToolPointerEvent): void {
    if (!this.stroke) return;
    this.pointerMove(e);
    this.stroke = null;
    this.current = 'idle';
    this.ctx.history.endGesture();
  }

  doubleClick(): void {}

  confirm(): void {}

  cancel(): void {
    if (!this.stroke) return;
    this.stroke = null;
    this.current = 'idle';
    this.ctx.history.cancelGesture();
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

export const brushTool = defineTool({
  id: 'brush', name: 'Brush', keys: ['B'], description: 'Brush', gesture: 'Brush', edits: true,
  cursor: { kind: 'brush', color: '#ffd000' }, settings: ['brushSize', 'paintOver'],
  create: (ctx) => new BrushTool(ctx, 'paint'),
});

export const eraserTool = defineTool({
  id: 'eraser', name: 'Eraser', keys: ['E'], description: 'Eraser', gesture: 'Erase', edits: true,
  cursor: { kind: 'brush', color: '#ffffff' }, settings: ['brushSize', 'eraseAny'],
  create: (ctx) => new BrushTool(ctx, 'erase'),
});

export const thresholdBrushTool = defineTool({
  id: 'thresholdBrush', name: 'Threshold brush', keys: ['T'], description: 'Threshold brush (paints only within the intensity range)',
  gesture: 'Threshold brush', edits: true, cursor: { kind: 'brush', color: '#40e0ff' }, settings: ['brushSize', 'paintOver', 'threshold'],
  create: (ctx) => new BrushTool(ctx, 'threshold'),
});
