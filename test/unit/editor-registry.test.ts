// The tool registry is the one place a tool is declared: keys, help and selection all come from it.
import { describe, expect, test } from 'vitest';
import { LabelmapHistory } from '../../src/renderer/editor/history';
import { Labelmap } from '../../src/renderer/editor/labelmap';
import { EDITOR_SHORTCUTS, shortcutAction } from '../../src/renderer/editor/shortcuts';
import { EditorController } from '../../src/renderer/editor/tool-controller';
import { TOOL_REGISTRY, toolDefinition } from '../../src/renderer/editor/tool-registry';
import type { Geometry } from '../../src/shared/image';

const geometry: Geometry = { size: [16, 16, 4], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] };

describe('tool registry', () => {
  test('every tool has its own id and keys, and its keys select it through the controller', () => {
    const ids = TOOL_REGISTRY.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = TOOL_REGISTRY.flatMap((t) => t.keys);
    expect(new Set(keys).size).toBe(keys.length);
    const labelmap = new Labelmap(geometry);
    const editor = new EditorController({ labelmap, history: new LabelmapHistory(labelmap), tool: 'brush' });
    for (const tool of TOOL_REGISTRY) {
      expect(EDITOR_SHORTCUTS.find((s) => s.action === `tool.${tool.id}`)?.keys).toEqual(tool.keys);
      expect(shortcutAction({ key: tool.keys[0].toLowerCase() })).toBe(`tool.${tool.id}`);
      editor.keyDown({ key: tool.keys[0] });
      expect(editor.activeToolId).toBe(tool.id);
      expect(toolDefinition(tool.id)).toBe(tool);
    }
  });

  test('the crosshair tool moves the linked crosshair and never edits', () => {
    const labelmap = new Labelmap(geometry);
    const visited: number[][] = [];
    const editor = new EditorController({ labelmap, history: new LabelmapHistory(labelmap), tool: 'crosshair', navigate: (v) => visited.push(v) });
    editor.pointerDown({ u: 3, v: 5, orientation: 'coronal', sliceIndex: 7 });
    editor.pointerMove({ u: 4, v: 2, orientation: 'coronal', sliceIndex: 7 });
    editor.pointerUp({ u: 4, v: 2, orientation: 'coronal', sliceIndex: 7 });
    editor.pointerMove({ u: 9, v: 9, orientation: 'coronal', sliceIndex: 7 }); // hovering after release does nothing
    expect(visited).toEqual([[3, 7, 5], [4, 7, 2]]);
    expect(labelmap.countLabel(1)).toBe(0);
  });
});

describe('editor controller', () => {
  test('keeps the settings object it is given (one owner), completed with defaults', () => {
    const settings = { brushRadius: 9 };
    const editor = new EditorController({ settings });
    expect(editor.settings).toBe(settings);
    expect(editor.settings.label).toBe(1);
    editor.keyDown({ key: ']' });
    expect(settings.brushRadius).toBe(11);
  });

  test('without a case, pointer events do nothing and host commands still run', () => {
    const editor = new EditorController();
    let scrolled = 0;
    editor.handle('slice.next', () => { scrolled++; });
    editor.pointerDown({ u: 1, v: 1, orientation: 'axial', sliceIndex: 0 });
    expect(editor.activeTool.state).toBe('idle');
    expect(editor.keyDown({ key: 'ArrowUp' })).toBe('slice.next');
    expect(editor.keyDown({ key: '?', shiftKey: true })).toBe('help');
    expect(scrolled).toBe(1);
    expect(editor.undo()).toBe(false);
  });

  test('a new case cancels the stroke on the old one and becomes the target', () => {
    const a = new Labelmap(geometry), b = new Labelmap(geometry);
    const editor = new EditorController({ labelmap: a, history: new LabelmapHistory(a) });
    editor.pointerDown({ u: 8, v: 8, orientation: 'axial', sliceIndex: 1 });
    expect(a.countLabel(1)).toBeGreaterThan(0);
    editor.setTarget({ labelmap: b, history: new LabelmapHistory(b) });
    expect(a.countLabel(1)).toBe(0);
    editor.pointerDown({ u: 8, v: 8, orientation: 'axial', sliceIndex: 1 });
    editor.pointerUp({ u: 8, v: 8, orientation: 'axial', sliceIndex: 1 });
    expect(b.countLabel(1)).toBeGreaterThan(0);
  });
});

describe('erase piece tool (added as one registry entry and its file)', () => {
  test('a click clears the 3D piece under the pointer, not the other pieces, as one undo entry', () => {
    const labelmap = new Labelmap(geometry);
    const history = new LabelmapHistory(labelmap);
    // Two pieces of label 1: a 3×3×3 block across slices 0–2, and one voxel far away; label 2 touches the block.
    for (let k = 0; k < 3; k++) for (let j = 2; j < 5; j++) for (let i = 2; i < 5; i++) labelmap.set(i, j, k, 1);
    labelmap.set(12, 12, 1, 1);
    labelmap.set(5, 3, 1, 2);
    const editor = new EditorController({ labelmap, history });
    editor.keyDown({ key: 'x' });
    expect(editor.activeToolId).toBe('eraseComponent');
    editor.pointerDown({ u: 10, v: 10, orientation: 'axial', sliceIndex: 1 }); // background: nothing to erase
    expect(history.undoCount).toBe(0);
    editor.pointerDown({ u: 3.2, v: 2.8, orientation: 'axial', sliceIndex: 1 });
    editor.pointerUp({ u: 3.2, v: 2.8, orientation: 'axial', sliceIndex: 1 });
    expect(labelmap.countLabel(1)).toBe(1); // the far voxel stays
    expect(labelmap.countLabel(2)).toBe(1); // another label is another structure
    expect(history.undoCount).toBe(1);
    editor.undo();
    expect(labelmap.countLabel(1)).toBe(28);
  });
});
