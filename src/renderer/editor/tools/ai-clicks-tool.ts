// AI clicks: each click asks a click-guided model (through the host's SliceRefiner) to refine the
// axial slice from all the clicks so far. Left click adds, right or Shift-click removes. Each answer
// is one undo entry whose changed voxels, and the clicked ones, carry the provenance AI-interactive.
// Clicks made while the model answers are sent together with the next request. A session (its
// clicks) ends on Enter or Escape, on another slice or label, and when the slice no longer holds the
// last answer (an undo, a brush stroke): the next click then starts from the slice as it is.
import type { SliceClick } from '../../../shared/api';
import { Provenance } from '../../../shared/provenance';
import { axialSliceLabels, writeAxialSlice } from '../axial-slice-labels';
import { defineTool, type EditorTool, type ToolContext, type ToolOverlay, type ToolPointerEvent, type ToolState } from './tool-types';

interface Session {
  k: number;
  label: number;
  clicks: SliceClick[];
  /** The slice as the last answer left it. */
  last: Uint8Array | null;
}

export class AiClicksTool implements EditorTool {
  private current: ToolState = 'idle';
  private session: Session | null = null;
  private queued: { k: number; click: SliceClick }[] = [];
  private running: Promise<void> | null = null;

  get state(): ToolState {
    return this.current;
  }

  constructor(private readonly ctx: ToolContext) {}

  pointerDown(e: ToolPointerEvent): void {
    if (!this.ctx.refiner) throw new Error('AI clicks need a click-guided model: none is installed for this image.');
    if (e.orientation !== 'axial') throw new Error('AI clicks work on axial slices: click in the axial view.');
    const [width, height] = this.ctx.labelmap.size;
    const i = Math.round(e.u), j = Math.round(e.v);
    if (i < 0 || j < 0 || i >= width || j >= height) return;
    const positive = !(e.button === 'secondary' || e.modifiers?.shift);
    this.queued.push({ k: e.sliceIndex, click: { i, j, positive } });
    this.running ??= this.answer().finally(() => { this.running = null; });
  }

  /** Sends queued clicks, one request per slice, until none are left. */
  private async answer(): Promise<void> {
    this.current = 'drawing';
    try {
      while (this.queued.length) {
        const k = this.queued[0].k;
        const clicks = this.queued.filter((q) => q.k === k).map((q) => q.click);
        this.queued = this.queued.filter((q) => q.k !== k);
        await this.refine(k, clicks);
      }
    } finally {
      this.current = 'idle';
    }
  }

  private async refine(k: number, clicks: SliceClick[]): Promise<void> {
    const { labelmap, history, settings, refiner, gesture } = this.ctx;
    const label = settings.label;
    const mask = axialSliceLabels(labelmap, k);
    const s = this.session;
    const continues = s && s.k === k && s.label === label && s.last !== null && s.last.every((v, p) => v === mask[p]);
    const session: Session = continues ? s! : { k, label, clicks: [], last: null };
    session.clicks.push(...clicks);
    this.session = session;
    const answer = await refiner!.refine({ k, clicks: session.clicks, mask, label });
    if (!answer || this.session !== session) return; // failed (the host said why) or abandoned meanwhile
    history.transaction(gesture, () => {
      writeAxialSlice(labelmap, k, answer, Provenance.Interactive);
      // A click also confirms what lies under it (unless another structure does).
      for (const c of session.clicks) {
        const value = answer[c.j * labelmap.size[0] + c.i];
        if (value === label || value === 0) labelmap.set(c.i, c.j, k, value, Provenance.Interactive);
      }
    });
    session.last = axialSliceLabels(labelmap, k);
  }

  /** Resolves once every click so far has been answered (tests, the bench). */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  pointerMove(): void {}

  pointerUp(): void {}

  doubleClick(): void {}

  /** Enter: the slice is done; the next click starts a new session. */
  confirm(): void {
    this.session = null;
  }

  /** Escape (and undo): clicks not yet answered are dropped, the session ends; answered steps stay in history. */
  cancel(): void {
    this.queued = [];
    this.session = null;
  }

  /** The session's clicks, drawn on their slice (green adds, red removes). */
  overlay(): ToolOverlay {
    const s = this.session;
    const pending = this.queued.filter((q) => !s || q.k === s.k).map((q) => q.click);
    const clicks = [...(s?.clicks ?? []), ...pending];
    if (clicks.length === 0) return { kind: 'none' };
    const k = s?.k ?? this.queued[0].k;
    return { kind: 'clicks', orientation: 'axial', sliceIndex: k, clicks: clicks.map((c) => ({ u: c.i, v: c.j, positive: c.positive })) };
  }
}

export const aiClicksTool = defineTool({
  id: 'aiClicks', name: 'AI clicks', keys: ['A'], description: 'AI clicks (left click adds, right or Shift-click removes)',
  gesture: 'AI clicks', edits: true, secondaryClick: true,
  cursor: { kind: 'system', css: 'crosshair' }, settings: ['aiModel'],
  hint: 'Click inside the structure to add it, outside (right or Shift-click) to remove what should not be there. Each click refines the slice; Ctrl+Z undoes one.',
  create: (ctx) => new AiClicksTool(ctx),
});
