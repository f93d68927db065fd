// The mounted slice views by anatomical view, so app-level code (benchmark hook, tests) can ask a view
// to render and draw synchronously.
import type { ViewPlane } from './anatomical-view';
import type { ViewTransform } from './view-transform';

export interface SliceViewHandle {
  view: ViewPlane;
  /** Re-renders image and labels of the current slice and draws every layer now (not at the next frame). */
  renderNow(): void;
  /** Draws every layer now (after a slice change has updated the buffers). */
  drawNow(): void;
  /** Draws now the layers an edit changes (labels, tool overlay), as the app's next frame would. */
  drawEdits(): void;
  /** Redraws the tool overlay (after a keyboard action changed the tool's state). */
  refreshOverlay(): void;
  transform(): ViewTransform | null;
}

export const sliceViews = new Map<ViewPlane, SliceViewHandle>();
