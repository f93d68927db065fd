// Flood fill: fills on press (so the region shows at once), commits on release, Escape reverts.
import { floodFillSlice } from '../region-fill';
import { defineTool, orderedRange, type EditorTool, type ToolContext, type ToolOverlay, type ToolPointerEvent, type ToolState } from './tool-types';

export class FloodFillTool implements EditorTool {
  private current: ToolState = 'idle';
  get state(): ToolState {
    return this.current;
  }

  constructor(private readonly ctx: ToolContext) {}

  pointerDown(e: ToolPointerEvent): void {
    if (this.current !== 'idle') return;
    const { settings, image, history, labelmap } = this.ctx;
    if (settings.floodLimited && !image) throw new Error('Flood fill within an intensity range needs the image: open an image first.');
    history.beginGesture(this.ctx.gesture);
    this.current = 'pointing';
    floodFillSlice(labelmap, e.orientation, e.sliceIndex, e, {
      label: settings.label,
      intensity: settings.floodLimited && image ? { image, range: orderedRange(settings.floodRange) } : null,
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

export const floodFillTool = defineTool({
  id: 'floodFill', name: 'Flood fill', keys: ['F'], description: 'Flood fill', gesture: 'Flood fill', edits: true,
  cursor: { kind: 'system', css: 'cell' }, settings: ['floodRange'],
  create: (ctx) => new FloodFillTool(ctx),
});
