// Crosshair: a press (and a drag) moves the linked crosshair to the voxel under the pointer, so
// the other views show the slices through it. It never edits.
import { sliceToVoxel } from '../slices';
import { defineTool, type EditorTool, type ToolContext, type ToolOverlay, type ToolPointerEvent, type ToolState } from './tool-types';

export class CrosshairTool implements EditorTool {
  private current: ToolState = 'idle';
  get state(): ToolState {
    return this.current;
  }

  constructor(private readonly ctx: ToolContext) {}

  pointerDown(e: ToolPointerEvent): void {
    this.current = 'pointing';
    this.moveTo(e);
  }

  pointerMove(e: ToolPointerEvent): void {
    if (this.current === 'idle') return;
    this.current = 'drawing';
    this.moveTo(e);
  }

  pointerUp(): void {
    this.current = 'idle';
  }

  doubleClick(): void {}

  confirm(): void {}

  cancel(): void {
    this.current = 'idle';
  }

  overlay(): ToolOverlay {
    return { kind: 'none' };
  }

  private moveTo(e: ToolPointerEvent): void {
    this.ctx.navigate(sliceToVoxel(e.orientation, e.sliceIndex, e));
  }
}

export const crosshairTool = defineTool({
  id: 'crosshair', name: 'Crosshair', keys: ['C'], description: 'Crosshair (click to move the linked crosshair)',
  gesture: 'Crosshair', edits: false, cursor: { kind: 'system', css: 'crosshair' }, settings: [],
  create: (ctx) => new CrosshairTool(ctx),
});
