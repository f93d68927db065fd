// What the tool overlay layer of a view shows, in screen pixels: the crosshair through the cursor
// voxel (each line in the colour of the view it stands for), the brush outline, the polygon and AI clicks.
import { voxelToSlice, type Orientation } from '../editor/slices';
import type { OverlayShapes } from '../editor/slice-layers';
import type { ToolCursor, ToolOverlay } from '../editor/tools/tool-types';
import { VIEW_COLORS, viewNormalTo, type ViewSlicing } from './anatomical-view';
import { screenRadii, sliceToScreen, type ViewTransform } from './view-transform';

export interface OverlayInput {
  transform: ViewTransform;
  slicing: ViewSlicing;
  sliceIndex: number;
  /** The crosshair voxel, or null when the crosshair is hidden. */
  crosshair: readonly number[] | null;
  tool: ToolOverlay;
  cursor: ToolCursor;
  /** The brush outline follows the pointer only while it is over this view. */
  pointerInside: boolean;
}

const onThisSlice = (o: { orientation: Orientation; sliceIndex: number }, plane: Orientation, sliceIndex: number) =>
  o.orientation === plane && o.sliceIndex === sliceIndex;

export function overlayShapes(input: OverlayInput): OverlayShapes {
  const { transform: t, slicing, sliceIndex, tool } = input;
  const shapes: OverlayShapes = { crosshair: null, brush: null, polygon: null, clicks: [] };
  if (input.crosshair && slicing.screenAxes) {
    const p = sliceToScreen(t, voxelToSlice(slicing.plane, input.crosshair).point);
    shapes.crosshair = {
      x: p.x, y: p.y,
      verticalColor: VIEW_COLORS[viewNormalTo(slicing.screenAxes.x)],
      horizontalColor: VIEW_COLORS[viewNormalTo(slicing.screenAxes.y)],
    };
  }
  if (tool.kind === 'brushCursor' && input.pointerInside && onThisSlice(tool, slicing.plane, sliceIndex)) {
    const c = sliceToScreen(t, tool.center);
    const r = screenRadii(t, tool.radiusU, tool.radiusV);
    shapes.brush = { x: c.x, y: c.y, rx: r.rx, ry: r.ry, color: input.cursor.kind === 'brush' ? input.cursor.color : '#ffd000' };
  } else if (tool.kind === 'polygon' && onThisSlice(tool, slicing.plane, sliceIndex)) {
    const points = [...tool.vertices, ...(tool.preview ? [tool.preview] : [])].flatMap((v) => {
      const s = sliceToScreen(t, v);
      return [s.x, s.y];
    });
    shapes.polygon = { points, start: sliceToScreen(t, tool.vertices[0]), closable: tool.closable };
  } else if (tool.kind === 'clicks' && onThisSlice(tool, slicing.plane, sliceIndex)) {
    shapes.clicks = tool.clicks.map((c) => ({ ...sliceToScreen(t, c), positive: c.positive }));
  }
  return shapes;
}
