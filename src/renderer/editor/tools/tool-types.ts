// What every editing tool is made of. A tool is a small state machine (tldraw style) driven by
// pointer events in slice coordinates; it is declared once as a ToolDefinition in the registry
// (tool-registry.ts), which is all the toolbar, the keyboard map, the help and the views read.
import type { RadiusUnit } from '../brush-strategies';
import type { LabelmapHistory } from '../history';
import type { IntensityRange, IntensitySource } from '../intensity';
import type { Labelmap } from '../labelmap';
import type { SliceClick } from '../../../shared/api';
import type { Vec3 } from '../../../shared/geometry';
import type { Orientation, SlicePoint } from '../slices';

/** idle → pointing (button down, nothing decided) → drawing (an edit under way) → idle. */
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
  /** Which mouse button; 'secondary' reaches only tools whose definition takes `secondaryClick`. */
  button?: 'primary' | 'secondary';
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
  /** Intensity range of the threshold brush (either end may be typed first: tools order them). */
  thresholdRange: IntensityRange;
  /** Flood fill also stops at intensities outside `floodRange` when this is on. */
  floodLimited: boolean;
  floodRange: IntensityRange;
  /** A click this close (slice pixels) to the first vertex closes the polygon; views scale it with zoom. */
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
  floodLimited: false,
  floodRange: { lo: -Infinity, hi: Infinity },
  polygonCloseDistance: 3,
};

/** A range with its ends in order, whatever order the user typed them in. */
export const orderedRange = (r: IntensityRange): IntensityRange => ({ lo: Math.min(r.lo, r.hi), hi: Math.max(r.lo, r.hi) });

/**
 * The engine's click-guided refinement of one axial slice (AI clicks), as the host provides it:
 * resolves to the slice's new labels (width × height, i fastest), or null when it failed (the host
 * has told the user why).
 */
export interface SliceRefiner {
  refine(request: { k: number; clicks: SliceClick[]; mask: Uint8Array; label: number }): Promise<Uint8Array | null>;
}

/** What a tool works on; the controller builds one per tool it creates. */
export interface ToolContext {
  labelmap: Labelmap;
  history: LabelmapHistory;
  /** Shared by every tool and owned by the controller's caller (the UI edits the same object). */
  settings: ToolSettings;
  /** The image on the labelmap's grid; needed by the threshold brush and range-bounded fill. */
  image: IntensitySource | null;
  /** Moves the linked crosshair to a voxel (the views follow). */
  navigate: (voxel: Vec3) => void;
  /** Name of the undo entry this tool's edits make (its definition's `gesture`). */
  gesture: string;
  /** AI clicks: the host's refinement of a slice; null where the host has none. */
  refiner: SliceRefiner | null;
}

/** What the tool overlay layer should draw. */
export type ToolOverlay =
  | { kind: 'none' }
  | { kind: 'brushCursor'; orientation: Orientation; sliceIndex: number; center: SlicePoint; radiusU: number; radiusV: number }
  | { kind: 'polygon'; orientation: Orientation; sliceIndex: number; vertices: readonly SlicePoint[]; preview: SlicePoint | null; closable: boolean }
  | { kind: 'clicks'; orientation: Orientation; sliceIndex: number; clicks: readonly (SlicePoint & { positive: boolean })[] };

export interface EditorTool {
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

/** How a view shows the pointer: a brush outline in a colour (no system cursor), or a system cursor. */
export type ToolCursor = { kind: 'brush'; color: string } | { kind: 'system'; css: 'crosshair' | 'cell' | 'copy' | 'pointer' };

/** Groups of settings the tool panel shows for a tool (each group is one block of controls). */
export type ToolSettingGroup = 'brushSize' | 'paintOver' | 'eraseAny' | 'threshold' | 'floodRange' | 'aiModel';

export interface ToolDefinition<Id extends string = string> {
  id: Id;
  /** Button label. */
  name: string;
  /** Key combinations that select it ("B"; see shortcuts.ts for the syntax). */
  keys: readonly string[];
  /** One line for the shortcut help. */
  description: string;
  /** Undo entry name of its edits ("Brush", "Polygon fill"). */
  gesture: string;
  cursor: ToolCursor;
  settings: readonly ToolSettingGroup[];
  /** How to use it, shown under its settings. */
  hint?: string;
  /** True when the tool edits the labelmap (false: it only looks or navigates). */
  edits: boolean;
  /** The right mouse button goes to the tool (as `button: 'secondary'`) instead of window/level. */
  secondaryClick?: boolean;
  create(ctx: ToolContext): EditorTool;
}

/** Keeps the literal id, so the registry's ids form the ToolId union. */
export const defineTool = <Id extends string>(definition: ToolDefinition<Id>): ToolDefinition<Id> => definition;

export const sameSlice = (a: { orientation: Orientation; sliceIndex: number }, b: { orientation: Orientation; sliceIndex: number }) =>
  a.orientation === b.orientation && a.sliceIndex === b.sliceIndex;

export const slicePoint = (e: SlicePoint): SlicePoint => ({ u: e.u, v: e.v });
