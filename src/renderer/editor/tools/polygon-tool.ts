// Polygon and lasso fill as an explicit state machine. The first press is undecided: released in
// place it starts a click-by-click polygon, dragged it becomes a lasso that fills on release. A
// polygon closes by a click on its first vertex, a double-click or Enter, and fills as one undo entry.
import { fillPolygon } from '../region-fill';
import type { Orientation, SlicePoint } from '../slices';
import {
  defineTool, sameSlice, slicePoint,
  type EditorTool, type ToolContext, type ToolOverlay, type ToolPointerEvent, type ToolState,
} from './tool-types';

interface OnSlice {
  orientation: Orientation;
  sliceIndex: number;
}

type PolygonState =
  | { kind: 'idle' }
  /** Button down on the first vertex; a release makes a polygon, a drag a lasso. */
  | { kind: 'pressed'; slice: OnSlice; first: SlicePoint }
  /** Vertices placed by clicks; `preview` is the pointer (the next edge drawn to it). */
  | { kind: 'clicking'; slice: OnSlice; vertices: SlicePoint[]; preview: SlicePoint | null }
  /** Dragging out a freehand outline. */
  | { kind: 'lasso'; slice: OnSlice; vertices: SlicePoint[] };

const TOOL_STATE: Record<PolygonState['kind'], ToolState> = { idle: 'idle', pressed: 'pointing', clicking: 'drawing', lasso: 'drawing' };

const distance = (a: SlicePoint, b: SlicePoint) => Math.hypot(a.u - b.u, a.v - b.v);

export class PolygonTool implements EditorTool {
  /** Pointer travel (slice pixels) after the first press that turns the gesture into a lasso. */
  static readonly LASSO_START_DISTANCE = 2;
  private machine: PolygonState = { kind: 'idle' };

  constructor(private readonly ctx: ToolContext) {}

  get state(): ToolState {
    return TOOL_STATE[this.machine.kind];
  }

  pointerDown(e: ToolPointerEvent): void {
    const m = this.machine;
    if (m.kind === 'idle') {
      this.machine = { kind: 'pressed', slice: { orientation: e.orientation, sliceIndex: e.sliceIndex }, first: slicePoint(e) };
    } else if (m.kind === 'clicking' && sameSlice(m.slice, e)) {
      if (m.vertices.length >= 3 && this.nearFirstVertex(m.vertices, e)) this.fill(m.slice, m.vertices);
      else this.addVertex(m.vertices, e);
    }
  }

  pointerMove(e: ToolPointerEvent): void {
    const m = this.machine;
    if (m.kind === 'idle' || !sameSlice(m.slice, e)) return;
    if (m.kind === 'pressed' && distance(e, m.first) >= PolygonTool.LASSO_START_DISTANCE) {
      this.machine = { kind: 'lasso', slice: m.slice, vertices: [m.first, slicePoint(e)] };
    } else if (m.kind === 'lasso') {
      if (distance(e, m.vertices[m.vertices.length - 1]) >= 1) m.vertices.push(slicePoint(e));
    } else if (m.kind === 'clicking') {
      m.preview = slicePoint(e);
    }
  }

  pointerUp(e: ToolPointerEvent): void {
    const m = this.machine;
    if (m.kind === 'pressed') {
      this.machine = { kind: 'clicking', slice: m.slice, vertices: [m.first], preview: null };
    } else if (m.kind === 'lasso') {
      this.pointerMove(e);
      this.fill(m.slice, m.vertices);
    }
  }

  doubleClick(): void {
    const m = this.machine;
    if (m.kind === 'clicking') this.fill(m.slice, m.vertices);
  }

  confirm(): void {
    const m = this.machine;
    if (m.kind === 'clicking' || m.kind === 'lasso') this.fill(m.slice, m.vertices);
    else this.machine = { kind: 'idle' };
  }

  cancel(): void {
    this.machine = { kind: 'idle' };
  }

  overlay(): ToolOverlay {
    const m = this.machine;
    if (m.kind === 'idle') return { kind: 'none' };
    const vertices = m.kind === 'pressed' ? [m.first] : m.vertices;
    const preview = m.kind === 'clicking' ? m.preview : null;
    return {
      kind: 'polygon', orientation: m.slice.orientation, sliceIndex: m.slice.sliceIndex, vertices, preview,
      closable: vertices.length >= 3 && preview !== null && this.nearFirstVertex(vertices, preview),
    };
  }

  private nearFirstVertex(vertices: readonly SlicePoint[], p: SlicePoint): boolean {
    return distance(p, vertices[0]) <= this.ctx.settings.polygonCloseDistance;
  }

  private addVertex(vertices: SlicePoint[], p: SlicePoint): void {
    const last = vertices[vertices.length - 1];
    if (last.u === p.u && last.v === p.v) return; // the second press of a double-click
    vertices.push(slicePoint(p));
  }

  /** Back to idle, then fills the outline (fewer than three vertices fill nothing). */
  private fill(slice: OnSlice, vertices: readonly SlicePoint[]): void {
    this.machine = { kind: 'idle' };
    if (vertices.length < 3) return;
    const { settings, labelmap, history, gesture } = this.ctx;
    history.transaction(gesture, () => fillPolygon(labelmap, slice.orientation, slice.sliceIndex, vertices, {
      label: settings.label, overwriteOtherLabels: settings.overwriteOtherLabels,
    }));
  }
}

export const polygonTool = defineTool({
  id: 'polygon', name: 'Polygon / lasso', keys: ['P'], description: 'Polygon / lasso fill', gesture: 'Polygon fill', edits: true,
  cursor: { kind: 'system', css: 'crosshair' }, settings: ['paintOver'],
  hint: 'Click vertices, then double-click, Enter or click the first vertex. Drag to draw a lasso.',
  create: (ctx) => new PolygonTool(ctx),
});
