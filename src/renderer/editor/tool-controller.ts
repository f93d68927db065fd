// The one object a view talks to: holds the active tool and the shared settings, forwards pointer
// events, and turns shortcut actions into tool switches, brush sizes, undo/redo and interpolation.
// Actions it does not own come back to the caller from `keyDown`.
import { interpolateBetweenSlices, type SliceInterpolationResult } from './fill';
import type { LabelmapHistory } from './history';
import type { IntensitySource } from './intensity';
import type { Labelmap } from './labelmap';
import { shortcutAction, type EditorAction, type KeyInput } from './shortcuts';
import type { Orientation } from './slices';
import {
  createTool, DEFAULT_TOOL_SETTINGS, type EditorTool, type ToolContext, type ToolId, type ToolOverlay,
  type ToolPointerEvent, type ToolSettings,
} from './tools';

export interface EditorControllerOptions {
  labelmap: Labelmap;
  history: LabelmapHistory;
  image?: IntensitySource | null;
  settings?: Partial<ToolSettings>;
  tool?: ToolId;
}

export type EditorControllerListener = () => void;

const TOOL_ACTIONS: Partial<Record<EditorAction, ToolId>> = {
  'tool.brush': 'brush', 'tool.eraser': 'eraser', 'tool.thresholdBrush': 'thresholdBrush',
  'tool.polygon': 'polygon', 'tool.floodFill': 'floodFill',
};

/** Brush radius steps: about 20 % per press, at least one unit, never below one. */
export function nextBrushRadius(radius: number, direction: 1 | -1): number {
  const step = Math.max(1, Math.round(radius * 0.2));
  return Math.max(1, Math.min(500, radius + direction * step));
}

export class EditorController {
  readonly settings: ToolSettings;
  private readonly ctx: ToolContext;
  private tool: EditorTool;
  private view: { orientation: Orientation; sliceIndex: number } = { orientation: 'axial', sliceIndex: 0 };
  private readonly listeners = new Set<EditorControllerListener>();

  constructor(options: EditorControllerOptions) {
    this.settings = { ...DEFAULT_TOOL_SETTINGS, ...options.settings };
    this.ctx = { labelmap: options.labelmap, history: options.history, settings: this.settings, image: options.image ?? null };
    this.tool = createTool(options.tool ?? 'brush', this.ctx);
  }

  get activeTool(): EditorTool {
    return this.tool;
  }

  get activeToolId(): ToolId {
    return this.tool.id;
  }

  /** The slice the user works on; pointer events update it too. Interpolation runs along its normal. */
  setView(orientation: Orientation, sliceIndex: number): void {
    this.view = { orientation, sliceIndex };
  }

  setImage(image: IntensitySource | null): void {
    this.ctx.image = image;
  }

  /** Switches tools; the old tool's unfinished edit is cancelled, not half-applied. */
  selectTool(id: ToolId): void {
    if (id === this.tool.id) return;
    this.tool.cancel();
    this.tool = createTool(id, this.ctx);
    this.emit();
  }

  pointerDown(e: ToolPointerEvent): void {
    this.setView(e.orientation, e.sliceIndex);
    this.tool.pointerDown(e);
  }

  pointerMove(e: ToolPointerEvent): void {
    this.tool.pointerMove(e);
  }

  pointerUp(e: ToolPointerEvent): void {
    this.tool.pointerUp(e);
  }

  doubleClick(e: ToolPointerEvent): void {
    this.tool.doubleClick(e);
  }

  overlay(): ToolOverlay {
    return this.tool.overlay();
  }

  /** Handles a key press; returns the matched action (performed when this controller owns it) or null. */
  keyDown(input: KeyInput): EditorAction | null {
    const action = shortcutAction(input);
    if (action) this.perform(action);
    return action;
  }

  /** Performs an action; false when it had nothing to do (nothing to undo, no gap to fill). */
  perform(action: EditorAction): boolean {
    const toolId = TOOL_ACTIONS[action];
    if (toolId) {
      this.selectTool(toolId);
      return true;
    }
    switch (action) {
      case 'brush.smaller':
      case 'brush.larger':
        this.settings.brushRadius = nextBrushRadius(this.settings.brushRadius, action === 'brush.larger' ? 1 : -1);
        this.emit();
        return true;
      case 'undo':
        return this.undo();
      case 'redo':
        return this.redo();
      case 'interpolate':
        return this.interpolate().changed > 0;
      case 'cancel':
        this.tool.cancel();
        this.emit();
        return true;
      case 'confirm':
        this.tool.confirm();
        this.emit();
        return true;
      default:
        return false;
    }
  }

  /** Undo; a stroke in progress is cancelled first (same pixels, and the redo stack survives). */
  undo(): boolean {
    this.tool.cancel();
    const done = this.ctx.history.undo() !== null;
    this.emit();
    return done;
  }

  redo(): boolean {
    this.tool.cancel();
    const done = this.ctx.history.redo() !== null;
    this.emit();
    return done;
  }

  /** Fills the gaps between slices of the active label along the current view's normal; one undo entry. */
  interpolate(): SliceInterpolationResult {
    this.tool.cancel();
    const { labelmap, history } = this.ctx;
    const result = history.transaction('Interpolate slices', () =>
      interpolateBetweenSlices(labelmap, this.settings.label, this.view.orientation));
    this.emit();
    return result;
  }

  /** Called after tool switches, size changes, undo/redo: re-render toolbars and the overlay. */
  onChange(listener: EditorControllerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
