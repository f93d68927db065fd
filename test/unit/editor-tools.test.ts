import { describe, expect, test } from 'vitest';
import { LabelmapHistory } from '../../src/renderer/editor/history';
import { Labelmap } from '../../src/renderer/editor/labelmap';
import { EDITOR_SHORTCUTS, formatShortcut, shortcutAction } from '../../src/renderer/editor/shortcuts';
import { EditorController, nextBrushRadius } from '../../src/renderer/editor/tool-controller';
import type { ToolPointerEvent } from '../../src/renderer/editor/tools/tool-types';
import type { Geometry } from '../../src/shared/image';

const geometry = (size: [number, number, number]): Geometry => ({
  size, spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
});

function setup(size: [number, number, number] = [64, 64, 3], image?: Int16Array) {
  const labelmap = new Labelmap(geometry(size));
  const history = new LabelmapHistory(labelmap);
  const editor = new EditorController({ labelmap, history, image: image ? { data: image } : null, settings: { brushRadius: 3 } });
  return { labelmap, history, editor };
}

/** Counted, not deep-compared: vitest's toEqual is slow on big typed arrays. */
const differingVoxels = (a: Uint8Array, b: Uint8Array) => a.reduce((n, x, i) => n + (x === b[i] ? 0 : 1), 0);

const at = (u: number, v: number, sliceIndex = 1): ToolPointerEvent => ({ u, v, orientation: 'axial', sliceIndex });

describe('brush tool', () => {
  test('idle → pointing → drawing → idle; one drag is one undo entry', () => {
    const { labelmap, history, editor } = setup();
    const tool = editor.activeTool;
    expect(tool.state).toBe('idle');
    editor.pointerDown(at(10, 10));
    expect(tool.state).toBe('pointing');
    expect(labelmap.countLabel(1)).toBe(29); // the stamp shows on press
    editor.pointerMove(at(20, 10));
    expect(tool.state).toBe('drawing');
    editor.pointerMove(at(40, 30));
    editor.pointerUp(at(40, 30));
    expect(tool.state).toBe('idle');
    expect(history.undoCount).toBe(1);
    editor.undo();
    expect(labelmap.countLabel(1)).toBe(0);
  });

  test('fast pointer jumps leave no gaps', () => {
    const { labelmap, editor } = setup();
    editor.pointerDown(at(2, 30));
    editor.pointerMove(at(33, 30));
    editor.pointerUp(at(60, 30));
    for (let i = 2; i <= 60; i++) expect(labelmap.get(i, 30, 1)).toBe(1);
  });

  test('Escape mid-stroke reverts the stroke and leaves no entry', () => {
    const { labelmap, history, editor } = setup();
    editor.pointerDown(at(10, 10));
    editor.pointerMove(at(30, 30));
    expect(editor.keyDown({ key: 'Escape' })).toBe('cancel');
    expect(editor.activeTool.state).toBe('idle');
    expect(labelmap.countLabel(1)).toBe(0);
    expect(history.undoCount).toBe(0);
    editor.pointerMove(at(40, 40)); // hovering after cancel paints nothing
    expect(labelmap.countLabel(1)).toBe(0);
  });

  test('the eraser and the threshold brush are the same machine with other rules', () => {
    const image = new Int16Array(64 * 64 * 3).fill(0);
    for (let index = 0; index < image.length; index++) if (index % 64 >= 32) image[index] = 500;
    const { labelmap, editor } = setup([64, 64, 3], image);
    editor.settings.thresholdRange = { lo: 400, hi: 600 };
    editor.keyDown({ key: 't' });
    expect(editor.activeToolId).toBe('thresholdBrush');
    editor.pointerDown(at(20, 20));
    editor.pointerUp(at(44, 20));
    expect(labelmap.get(25, 20, 1)).toBe(0);
    expect(labelmap.get(40, 20, 1)).toBe(1);
    editor.keyDown({ key: 'e' });
    editor.pointerDown(at(40, 20));
    editor.pointerUp(at(40, 20));
    expect(labelmap.get(40, 20, 1)).toBe(0);
  });

  test('the cursor overlay follows the pointer with the brush radius', () => {
    const { editor } = setup();
    editor.pointerMove(at(5.4, 6.6));
    expect(editor.overlay()).toEqual({ kind: 'brushCursor', orientation: 'axial', sliceIndex: 1, center: { u: 5, v: 7 }, radiusU: 3, radiusV: 3 });
  });
});

describe('polygon tool', () => {
  const square = [at(10, 10), at(20, 10), at(20, 20), at(10, 20)];
  const click = (editor: EditorController, e: ToolPointerEvent) => { editor.pointerDown(e); editor.pointerUp(e); };

  test('clicks add vertices; clicking near the first vertex closes and fills as one entry', () => {
    const { labelmap, history, editor } = setup();
    editor.keyDown({ key: 'p' });
    const tool = editor.activeTool;
    editor.pointerDown(square[0]);
    expect(tool.state).toBe('pointing');
    editor.pointerUp(square[0]);
    expect(tool.state).toBe('drawing');
    for (const p of square.slice(1)) click(editor, p);
    expect(labelmap.countLabel(1)).toBe(0); // nothing until closed
    editor.pointerMove(at(11, 11));
    expect(editor.overlay()).toMatchObject({ kind: 'polygon', closable: true });
    click(editor, at(11, 11));
    expect(tool.state).toBe('idle');
    expect(labelmap.countLabel(1)).toBe(100);
    expect(history.undoCount).toBe(1);
  });

  test('Escape cancels a polygon without touching the labelmap', () => {
    const { labelmap, history, editor } = setup();
    labelmap.set(15, 15, 1, 2);
    const before = labelmap.labels.slice();
    editor.selectTool('polygon');
    for (const p of square) click(editor, p);
    expect(editor.activeTool.state).toBe('drawing');
    editor.keyDown({ key: 'Escape' });
    expect(editor.activeTool.state).toBe('idle');
    expect(editor.overlay()).toEqual({ kind: 'none' });
    expect(differingVoxels(labelmap.labels, before)).toBe(0);
    expect(history.undoCount).toBe(0);
    editor.keyDown({ key: 'Enter' }); // nothing left to close
    expect(differingVoxels(labelmap.labels, before)).toBe(0);
  });

  test('Enter or a double-click closes the polygon', () => {
    for (const close of ['enter', 'doubleClick'] as const) {
      const { labelmap, editor } = setup();
      editor.selectTool('polygon');
      for (const p of square.slice(0, 3)) click(editor, p);
      if (close === 'enter') editor.keyDown({ key: 'Enter' });
      else { click(editor, square[3]); editor.doubleClick(square[3]); }
      expect(editor.activeTool.state).toBe('idle');
      // Enter closes the triangle (10,10),(20,10),(20,20): rows of 10, 9, …, 1 pixels.
      expect(labelmap.countLabel(1)).toBe(close === 'enter' ? 55 : 100);
    }
  });

  test('dragging from the first press draws a lasso that fills on release', () => {
    const { labelmap, history, editor } = setup();
    editor.selectTool('polygon');
    editor.pointerDown(at(10, 10));
    editor.pointerMove(at(20, 10));
    expect(editor.activeTool.state).toBe('drawing');
    editor.pointerMove(at(20, 20));
    editor.pointerMove(at(10, 20));
    editor.pointerUp(at(10, 20));
    expect(editor.activeTool.state).toBe('idle');
    expect(labelmap.countLabel(1)).toBe(100);
    expect(history.undoCount).toBe(1);
  });
});

describe('flood fill tool', () => {
  test('fills on press, one entry on release; Escape while pressed reverts', () => {
    const { labelmap, history, editor } = setup([16, 16, 3]);
    editor.selectTool('floodFill');
    editor.pointerDown(at(3, 3));
    expect(labelmap.countLabel(1)).toBe(256);
    editor.keyDown({ key: 'Escape' });
    expect(labelmap.countLabel(1)).toBe(0);
    editor.pointerDown(at(3, 3));
    editor.pointerUp(at(3, 3));
    expect(history.undoCount).toBe(1);
    expect(labelmap.countLabel(1)).toBe(256);
  });
});

describe('shortcuts and controller', () => {
  test('the key map', () => {
    expect(shortcutAction({ key: 'b' })).toBe('tool.brush');
    expect(shortcutAction({ key: 'B', shiftKey: true })).toBeNull();
    expect(shortcutAction({ key: 'z', ctrlKey: true })).toBe('undo');
    expect(shortcutAction({ key: 'z', metaKey: true })).toBe('undo');
    expect(shortcutAction({ key: 'Z', ctrlKey: true, shiftKey: true })).toBe('redo');
    expect(shortcutAction({ key: 'y', ctrlKey: true })).toBe('redo');
    expect(shortcutAction({ key: '[' })).toBe('brush.smaller');
    expect(shortcutAction({ key: 'i' })).toBe('interpolate');
    expect(shortcutAction({ key: 'q' })).toBeNull();
    expect(new Set(EDITOR_SHORTCUTS.map((s) => s.action)).size).toBe(EDITOR_SHORTCUTS.length);
    expect(formatShortcut('Mod+Shift+Z', 'other')).toBe('Ctrl+Shift+Z');
    expect(formatShortcut('Mod+Shift+Z', 'mac')).toBe('⌘⇧Z');
  });

  test('[ and ] resize the brush; undo, redo and interpolate go through the history', () => {
    const { labelmap, history, editor } = setup([32, 32, 9]);
    editor.keyDown({ key: ']' });
    expect(editor.settings.brushRadius).toBe(4);
    editor.keyDown({ key: '[' });
    editor.keyDown({ key: '[' });
    expect(editor.settings.brushRadius).toBe(2);
    expect(nextBrushRadius(1, -1)).toBe(1);
    expect(nextBrushRadius(20, 1)).toBe(24);

    editor.settings.brushRadius = 5;
    for (const k of [0, 8]) { editor.pointerDown(at(16, 16, k)); editor.pointerUp(at(16, 16, k)); }
    editor.keyDown({ key: 'i' });
    expect(history.undoCount).toBe(3);
    expect(labelmap.countLabel(1)).toBe(9 * 81);
    editor.keyDown({ key: 'z', ctrlKey: true });
    expect(labelmap.countLabel(1)).toBe(2 * 81);
    editor.keyDown({ key: 'y', ctrlKey: true });
    expect(labelmap.countLabel(1)).toBe(9 * 81);
  });
});
