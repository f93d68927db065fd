// Erase component: a click on a structure clears the whole 3D piece of it under the pointer (its
// label's 6-connected component), as one undo entry: a model's false-positive island goes with one
// click instead of many eraser strokes.
import { eraseComponentAt } from '../components';
import { sliceToVoxel } from '../slices';
import { defineTool, type EditorTool, type ToolContext, type ToolOverlay, type ToolPointerEvent, type ToolState } from './tool-types';

export class EraseComponentTool implements EditorTool {
  readonly state: ToolState = 'idle';

  constructor(private readonly ctx: ToolContext) {}

  pointerDown(e: ToolPointerEvent): void {
    const { labelmap, history, gesture } = this.ctx;
    const [i, j, k] = sliceToVoxel(e.orientation, e.sliceIndex, e).map(Math.round);
    if (!labelmap.contains(i, j, k) || labelmap.get(i, j, k) === 0) return;
    history.transaction(gesture, () => eraseComponentAt(labelmap, labelmap.index(i, j, k)));
  }

  pointerMove(): void {}
  pointerUp(): void {}
  doubleClick(): void {}
  confirm(): void {}
  cancel(): void {}

  overlay(): ToolOverlay {
    return { kind: 'none' };
  }
}

export const eraseComponentTool = defineTool({
  id: 'eraseComponent', name: 'Erase piece', keys: ['X'], description: 'Erase piece (click a structure: its connected 3D piece is cleared)',
  gesture: 'Erase piece', edits: true, cursor: { kind: 'system', css: 'pointer' }, settings: [],
  hint: 'Click a labelled structure: the connected piece of it under the pointer is cleared through every slice.',
  create: (ctx) => new EraseComponentTool(ctx),
});
