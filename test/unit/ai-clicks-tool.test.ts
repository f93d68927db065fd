// The AI-clicks tool and propagation against a fake refiner: clicks become one undo entry each with
// AI-interactive provenance, right and Shift-clicks remove, a session restarts from the slice as it
// is after an undo, and propagation carries a label up and down as one gesture until it ends.
import { describe, expect, test } from 'vitest';
import type { SliceClick } from '../../src/shared/api';
import { Provenance } from '../../src/shared/provenance';
import { LabelmapHistory } from '../../src/renderer/editor/history';
import { Labelmap } from '../../src/renderer/editor/labelmap';
import { EditorController } from '../../src/renderer/editor/tool-controller';
import { AiClicksTool } from '../../src/renderer/editor/tools/ai-clicks-tool';
import { propagateSlice } from '../../src/renderer/editor/ai-propagation';
import { shortcutAction } from '../../src/renderer/editor/shortcuts';
import type { SliceRefiner, ToolPointerEvent } from '../../src/renderer/editor/tools/tool-types';

const W = 20, H = 16;
const geometry = (depth: number) => ({ size: [W, H, depth] as [number, number, number], spacing: [1, 1, 1] as [number, number, number], origin: [0, 0, 0] as [number, number, number], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] });

/** Answers with the previous mask, plus a 3 × 3 square at each positive click, minus one at each negative. */
function squaresRefiner() {
  const requests: { k: number; clicks: SliceClick[] }[] = [];
  const refiner: SliceRefiner = {
    async refine({ k, clicks, mask, label }) {
      requests.push({ k, clicks: [...clicks] });
      const out = mask.slice();
      for (const c of clicks) {
        for (let j = c.j - 1; j <= c.j + 1; j++) for (let i = c.i - 1; i <= c.i + 1; i++) {
          if (i >= 0 && j >= 0 && i < W && j < H && (out[j * W + i] === 0 || out[j * W + i] === label)) out[j * W + i] = c.positive ? label : 0;
        }
      }
      return out;
    },
  };
  return { refiner, requests };
}

function setup(refiner: SliceRefiner | null, depth = 3) {
  const labelmap = new Labelmap(geometry(depth));
  const history = new LabelmapHistory(labelmap);
  const editor = new EditorController({ labelmap, history, refiner, tool: 'aiClicks', settings: { label: 2 } });
  const tool = editor.activeTool as AiClicksTool;
  const click = async (event: Partial<ToolPointerEvent> & { u: number; v: number }) => {
    editor.pointerDown({ orientation: 'axial', sliceIndex: 1, ...event });
    editor.pointerUp({ orientation: 'axial', sliceIndex: 1, ...event });
    await tool.settled();
  };
  return { labelmap, history, editor, tool, click };
}

describe('AI-clicks tool', () => {
  test('each click is one undo entry whose voxels are AI-interactive; undo restores the slice', async () => {
    const { refiner, requests } = squaresRefiner();
    const { labelmap, history, editor, click } = setup(refiner);
    await click({ u: 5, v: 5 });
    expect(labelmap.countLabel(2)).toBe(9);
    expect(labelmap.getProvenance(5, 5, 1)).toBe(Provenance.Interactive);
    expect(labelmap.getProvenance(4, 4, 1)).toBe(Provenance.Interactive);
    await click({ u: 12, v: 8 });
    expect(labelmap.countLabel(2)).toBe(18);
    expect(requests.map((r) => r.clicks.length)).toEqual([1, 2]);
    expect(history.undoCount).toBe(2);
    expect(history.nextUndoName).toBe('AI clicks');
    editor.undo();
    expect(labelmap.countLabel(2)).toBe(9);
    editor.undo();
    expect(labelmap.countLabel(2)).toBe(0);
    expect(labelmap.getProvenance(5, 5, 1)).toBe(Provenance.None);
  });

  test('right and Shift-clicks remove', async () => {
    const { refiner, requests } = squaresRefiner();
    const { labelmap, click } = setup(refiner);
    await click({ u: 5, v: 5 });
    await click({ u: 5, v: 5, button: 'secondary' });
    expect(labelmap.countLabel(2)).toBe(0);
    await click({ u: 10, v: 10 });
    await click({ u: 10, v: 10, modifiers: { shift: true } });
    expect(requests.at(-1)!.clicks.map((c) => c.positive)).toEqual([true, false, true, false]);
  });

  test('after an undo the next click starts a new session from the slice as it is', async () => {
    const { refiner, requests } = squaresRefiner();
    const { labelmap, editor, click } = setup(refiner);
    await click({ u: 5, v: 5 });
    await click({ u: 12, v: 8 });
    editor.undo();
    await click({ u: 3, v: 12 });
    expect(requests.at(-1)!.clicks).toEqual([{ i: 3, j: 12, positive: true }]);
    expect(labelmap.countLabel(2)).toBe(18);
  });

  test('another slice starts another session; clicks are drawn on their slice', async () => {
    const { refiner, requests } = squaresRefiner();
    const { editor, click } = setup(refiner);
    await click({ u: 5, v: 5 });
    expect(editor.overlay()).toEqual({ kind: 'clicks', orientation: 'axial', sliceIndex: 1, clicks: [{ u: 5, v: 5, positive: true }] });
    await click({ u: 5, v: 5, sliceIndex: 2 });
    expect(requests.at(-1)).toEqual({ k: 2, clicks: [{ i: 5, j: 5, positive: true }] });
  });

  test('clicks made while the model answers go with the next request', async () => {
    const { refiner, requests } = squaresRefiner();
    const { editor, tool } = setup(refiner);
    for (const u of [3, 9, 15]) editor.pointerDown({ u, v: 4, orientation: 'axial', sliceIndex: 1 });
    await tool.settled();
    expect(requests.map((r) => r.clicks.length)).toEqual([1, 3]);
  });

  test('a failed request changes nothing; other planes and a missing model are explained', async () => {
    const { labelmap, history, click, editor } = setup({ refine: async () => null });
    await click({ u: 5, v: 5 });
    expect(labelmap.countLabel(2)).toBe(0);
    expect(history.undoCount).toBe(0);
    expect(() => editor.pointerDown({ u: 5, v: 1, orientation: 'coronal', sliceIndex: 3 })).toThrow(/axial/);
    expect(() => setup(null).editor.pointerDown({ u: 5, v: 5, orientation: 'axial', sliceIndex: 1 })).toThrow(/click-guided model/);
  });

  test('A selects the tool and Shift+A propagates', () => {
    expect(shortcutAction({ key: 'a' })).toBe('tool.aiClicks');
    expect(shortcutAction({ key: 'A', shiftKey: true })).toBe('ai.propagate');
  });
});

describe('AI propagation', () => {
  test('carries the label up and down, each slice seeded by the one before, until the structure ends; one undo entry', async () => {
    const labelmap = new Labelmap(geometry(7));
    const history = new LabelmapHistory(labelmap);
    for (let j = 4; j < 10; j++) for (let i = 4; i < 10; i++) labelmap.set(i, j, 2, 1, Provenance.Human);
    labelmap.set(0, 0, 4, 3, Provenance.Human); // another label on the way: kept
    const seen: number[] = [];
    // The structure spans slices 0..4: the model answers with the seed there, nothing above.
    const refiner: SliceRefiner = {
      async refine({ k, mask, clicks }) {
        expect(clicks).toEqual([]);
        seen.push(k);
        return k <= 4 ? mask : new Uint8Array(W * H);
      },
    };
    const result = await propagateSlice(labelmap, history, refiner, 2, 1);
    expect(result).toEqual({ slices: [3, 4, 1, 0], stopped: 'ended' });
    expect(seen).toEqual([3, 4, 5, 1, 0]);
    for (const k of [0, 1, 3, 4]) expect(labelmap.get(6, 6, k)).toBe(1);
    expect(labelmap.get(6, 6, 5)).toBe(0);
    expect(labelmap.get(0, 0, 4)).toBe(3);
    expect(labelmap.getProvenance(6, 6, 3)).toBe(Provenance.Interactive);
    expect(history.undoCount).toBe(1);
    history.undo();
    expect(labelmap.countLabel(1)).toBe(36);
  });

  test('a slice without the label has nothing to carry', async () => {
    const labelmap = new Labelmap(geometry(3));
    await expect(propagateSlice(labelmap, new LabelmapHistory(labelmap), squaresRefiner().refiner, 1, 1)).rejects.toThrow(/Nothing to propagate/);
  });
});
