// The one object views and keys talk to: holds the active tool and the shared settings, forwards
// pointer events, and performs every key action: tool switches, brush sizes, undo/redo and
// interpolation itself; slice scrolling and help through the commands its host registers.
// It lives as long as the app; each opened case becomes its target (`setTarget`).
import type { Vec3 } from '../../shared/geometry';
import type { LabelmapHistory } from './history';
import type { IntensitySource } from './intensity';
import type { Labelmap } from './labelmap';
import { shortcutAction, type EditorAction, type HostCommand, type KeyInput } from './shortcuts';
import { interpolateBetweenSlices, type SliceInterpolationResult } from './slice-interpolation';
import type { Orientation } from './slices';
import { isToolId, toolDefinition, type ToolId } from './tool-registry';
import {
  DEFAULT_TOOL_SETTINGS, type EditorTool, type SliceRefiner, type ToolOverlay, type ToolPointerEvent, type ToolSettings,
} from './tools/tool-types';

/** What the tools edit: the open case's labelmap, its history and its image. */
export interface EditTarget {
  labelmap: Labelmap;
  history: LabelmapHistory;
  image?: IntensitySource | null;
}

export interface EditorControllerOptions extends Partial<EditTarget> {
  /**
   * The settings object, kept (not copied) and completed with defaults: a UI may pass a reactive
   * one, so its panel and the keys edit the same settings.
   */
  settings?: Partial<ToolSettings>;
  tool?: ToolId;
  /** Moves the linked crosshair (the crosshair tool). */
  navigate?: (voxel: Vec3) => void;
  /** The engine's slice refinement for AI clicks (the host knows the case and the model). */
  refiner?: SliceRefiner | null;
}

export type EditorEvent =
  | { kind: 'state' }
  | { kind: 'interpolated'; label: number; result: SliceInterpolationResult };

export type EditorControllerListener = (event: EditorEvent) => void;

/** Brush radius steps: about 20 % per press, at least one unit, never below one. */
export function nextBrushRadius(radius: number, direction: 1 | -1): number {
  const step = Math.max(1, Math.round(radius * 0.2));
  return Math.max(1, Math.min(500, radius + direction * step));
}

/** Stands in for the active tool while no case is open. */
const IDLE_TOOL: EditorTool = {
  state: 'idle', pointerDown() {}, pointerMove() {}, pointerUp() {}, doubleClick() {}, confirm() {}, cancel() {},
  overlay: () => ({ kind: 'none' }),
};

function withDefaults(settings: Partial<ToolSettings>): ToolSettings {
  for (const [key, value] of Object.entries(DEFAULT_TOOL_SETTINGS)) {
    if (!(key in settings)) Object.assign(settings, { [key]: typeof value === 'object' ? { ...value } : value });
  }
  return settings as ToolSettings;
}

export class EditorController {
  readonly settings: ToolSettings;
  private target: EditTarget | null = null;
  private toolId: ToolId;
  private tool: EditorTool = IDLE_TOOL;
  private view: { orientation: Orientation; sliceIndex: number } = { orientation: 'axial', sliceIndex: 0 };
  private readonly navigate: (voxel: Vec3) => void;
  private readonly refiner: SliceRefiner | null;
  private readonly hostCommands = new Map<HostCommand, () => void>();
  private readonly listeners = new Set<EditorControllerListener>();

  constructor(options: EditorControllerOptions = {}) {
    this.settings = withDefaults(options.settings ?? {});
    this.toolId = options.tool ?? 'brush';
    this.navigate = options.navigate ?? (() => {});
    this.refiner = options.refiner ?? null;
    if (options.labelmap && options.history) this.setTarget({ labelmap: options.labelmap, history: options.history, image: options.image });
  }

  get activeTool(): EditorTool {
    return this.tool;
  }

  get activeToolId(): ToolId {
    return this.toolId;
  }

  /** A new case (or none): the unfinished edit on the old one is cancelled, the tool starts afresh. */
  setTarget(target: EditTarget | null): void {
    this.tool.cancel();
    this.target = target;
    this.tool = this.createTool();
    this.emit({ kind: 'state' });
  }

  /** The slice the user works on; pointer events update it too. Interpolation runs along its normal. */
  setView(orientation: Orientation, sliceIndex: number): void {
    this.view = { orientation, sliceIndex };
  }

  /** Registers what a host command does (slice keys, help); the controller only routes it. */
  handle(command: HostCommand, run: () => void): void {
    this.hostCommands.set(command, run);
  }

  /** Switches tools; the old tool's unfinished edit is cancelled, not half-applied. */
  selectTool(id: ToolId): void {
    if (id === this.toolId) return;
    this.tool.cancel();
    this.toolId = id;
    this.tool = this.createTool();
    this.emit({ kind: 'state' });
  }

  private createTool(): EditorTool {
    const target = this.target;
    if (!target) return IDLE_TOOL;
    const definition = toolDefinition(this.toolId);
    return definition.create({
      labelmap: target.labelmap, history: target.history, image: target.image ?? null,
      settings: this.settings, navigate: this.navigate, gesture: definition.gesture, refiner: this.refiner,
    });
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

  /** Handles a key press: performs its action and returns it, or null when no shortcut matches. */
  keyDown(input: KeyInput): EditorAction | null {
    const action = shortcutAction(input);
    if (action) this.perform(action);
    return action;
  }

  /** Performs an action; false when it had nothing to do (nothing to undo, no gap to fill). */
  perform(action: EditorAction): boolean {
    if (action.startsWith('tool.')) {
      const id = action.slice('tool.'.length);
      if (!isToolId(id)) return false;
      this.selectTool(id);
      return true;
    }
    switch (action) {
      case 'brush.smaller':
      case 'brush.larger':
        this.settings.brushRadius = nextBrushRadius(this.settings.brushRadius, action === 'brush.larger' ? 1 : -1);
        this.emit({ kind: 'state' });
        return true;
      case 'undo':
        return this.undo();
      case 'redo':
        return this.redo();
      case 'interpolate':
        return (this.interpolate()?.changed ?? 0) > 0;
      case 'cancel':
        this.tool.cancel();
        this.emit({ kind: 'state' });
        return true;
      case 'confirm':
        this.tool.confirm();
        this.emit({ kind: 'state' });
        return true;
      default: {
        const run = this.hostCommands.get(action as HostCommand);
        run?.();
        return Boolean(run);
      }
    }
  }

  /** Undo; a stroke in progress is cancelled first (same pixels, and the redo stack survives). */
  undo(): boolean {
    this.tool.cancel();
    const done = this.target?.history.undo() != null;
    this.emit({ kind: 'state' });
    return done;
  }

  redo(): boolean {
    this.tool.cancel();
    const done = this.target?.history.redo() != null;
    this.emit({ kind: 'state' });
    return done;
  }

  /** Fills the gaps between slices of the active label along the current view's normal; one undo entry. */
  interpolate(): SliceInterpolationResult | null {
    const target = this.target;
    if (!target) return null;
    this.tool.cancel();
    const label = this.settings.label;
    const result = target.history.transaction('Interpolate slices', () =>
      interpolateBetweenSlices(target.labelmap, label, this.view.orientation));
    this.emit({ kind: 'interpolated', label, result });
    return result;
  }

  /** Tool switches, size changes, undo/redo, interpolation: re-render toolbars and the overlay. */
  onChange(listener: EditorControllerListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: EditorEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
