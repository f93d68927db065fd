import { describe, expect, test } from 'vitest';
import { paintStroke, stampBrush, type BrushSettings } from '../../src/renderer/editor/brush-strategies';
import { encodeVoxelChanges, forEachVoxelChange } from '../../src/renderer/editor/change-encoding';
import { LabelmapHistory } from '../../src/renderer/editor/history';
import { Labelmap, Provenance, type LabelmapChange } from '../../src/renderer/editor/labelmap';
import type { Geometry } from '../../src/shared/image';

const geometry = (size: [number, number, number]): Geometry => ({
  size, spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
});

const brush = (over: Partial<BrushSettings> = {}): BrushSettings => ({
  operation: 'paint', label: 1, radius: 5, radiusUnit: 'voxels', shape: 'circle',
  overwriteOtherLabels: false, eraseAnyLabel: false, threshold: null, ...over,
});

/** A drag through `points` as one gesture, the way the brush tool does it. */
function drag(history: LabelmapHistory, map: Labelmap, points: [number, number][], settings: BrushSettings, k = 0) {
  history.beginGesture('Brush');
  let last = { u: points[0][0], v: points[0][1] };
  stampBrush(map, 'axial', k, last, settings);
  for (const [u, v] of points.slice(1)) {
    paintStroke(map, 'axial', k, last, { u, v }, settings);
    last = { u, v };
  }
  return history.endGesture();
}

/** Counted, not deep-compared: vitest's toEqual is slow on big typed arrays. */
const differingVoxels = (a: Uint8Array, b: Uint8Array) => a.reduce((n, x, i) => n + (x === b[i] ? 0 : 1), 0);

const snapshot = (map: Labelmap) => ({ labels: map.labels.slice(), provenance: map.provenance.slice() });

describe('change encoding', () => {
  test('round-trips scattered voxels with varied values', () => {
    const indices = [0, 1, 2, 7, 300, 301, 70_000, 2 ** 31 + 5, 2 ** 32 - 2];
    const n = indices.length;
    const values = (seed: number) => Uint8Array.from(indices, (_, i) => (i * seed) % 256);
    const changes = { indices, beforeLabel: values(3), beforeProvenance: values(1).map((x) => x % 3), afterLabel: values(7), afterProvenance: values(5).map((x) => x % 3), count: n };
    const seen: number[][] = [];
    forEachVoxelChange(encodeVoxelChanges(changes), (...args) => seen.push(args));
    expect(seen).toEqual(indices.map((index, i) => [index, changes.beforeLabel[i], changes.beforeProvenance[i], changes.afterLabel[i], changes.afterProvenance[i]]));
  });
});

describe('LabelmapHistory', () => {
  test('one drag is one undo entry; undo restores labels and provenance byte for byte; redo re-applies', () => {
    const map = new Labelmap(geometry([64, 64, 2]));
    const history = new LabelmapHistory(map);
    // Start from a model proposal so provenance is mixed.
    history.transaction('Model run', () => map.applyModelResult(Uint8Array.from({ length: map.voxelCount }, (_, i) => (i % 64 < 20 ? 2 : 0))));
    expect(history.undoCount).toBe(1);
    const before = snapshot(map);
    const entry = drag(history, map, [[10, 10], [30, 20], [50, 40], [20, 50]], brush({ radius: 6, overwriteOtherLabels: true }));
    expect(entry?.changedVoxels).toBeGreaterThan(500);
    expect(history.undoCount).toBe(2);
    const after = snapshot(map);

    expect(history.undo()?.name).toBe('Brush');
    expect(differingVoxels(map.labels, before.labels)).toBe(0);
    expect(differingVoxels(map.provenance, before.provenance)).toBe(0);
    expect(history.redo()?.name).toBe('Brush');
    expect(differingVoxels(map.labels, after.labels)).toBe(0);
    expect(differingVoxels(map.provenance, after.provenance)).toBe(0);

    history.undo();
    history.undo();
    expect(map.countLabel(2)).toBe(0);
    expect(map.provenance.every((p) => p === Provenance.None)).toBe(true);
  });

  test('a new edit after undo clears the redo stack; an edit that changes nothing does not', () => {
    const map = new Labelmap(geometry([32, 32, 1]));
    const history = new LabelmapHistory(map);
    drag(history, map, [[5, 5], [20, 5]], brush());
    history.undo();
    expect(history.canRedo).toBe(true);
    expect(drag(history, map, [[30, 30]], brush({ operation: 'erase' }))).toBeNull(); // nothing to erase
    expect(history.canRedo).toBe(true);
    drag(history, map, [[10, 20]], brush());
    expect(history.canRedo).toBe(false);
    expect(history.redo()).toBeNull();
  });

  test('voxels painted and erased within one gesture leave no entry', () => {
    const map = new Labelmap(geometry([32, 32, 1]));
    const history = new LabelmapHistory(map);
    history.beginGesture('Brush');
    stampBrush(map, 'axial', 0, { u: 10, v: 10 }, brush());
    stampBrush(map, 'axial', 0, { u: 10, v: 10 }, brush({ operation: 'erase' }));
    // Erasing leaves label 0 but human provenance: a real change of the provenance, so it is kept.
    expect(history.endGesture()?.changedVoxels).toBe(81);
    history.undo();
    expect(map.provenance.every((p) => p === 0)).toBe(true);
  });

  test('cancelGesture puts back every voxel and records nothing', () => {
    const map = new Labelmap(geometry([32, 32, 1]));
    const history = new LabelmapHistory(map);
    stampBrush(map, 'axial', 0, { u: 16, v: 16 }, brush({ label: 3, radius: 8 }));
    const before = snapshot(map);
    const events: LabelmapChange[] = [];
    map.onChange((c) => events.push(c));
    history.beginGesture('Brush');
    paintStroke(map, 'axial', 0, { u: 2, v: 2 }, { u: 30, v: 30 }, brush({ radius: 4, overwriteOtherLabels: true }));
    history.cancelGesture();
    expect(differingVoxels(map.labels, before.labels)).toBe(0);
    expect(differingVoxels(map.provenance, before.provenance)).toBe(0);
    expect(history.undoCount).toBe(0);
    expect(events.at(-1)?.source).toBe('history');
  });

  test('a transaction that throws is reverted and rethrown', () => {
    const map = new Labelmap(geometry([16, 16, 1]));
    const history = new LabelmapHistory(map);
    expect(() => history.transaction('Model run', () => {
      map.applyModelResult(new Uint8Array(256).fill(1));
      throw new Error('model crashed');
    })).toThrow('model crashed');
    expect(map.countLabel(1)).toBe(0);
    expect(history.undoCount).toBe(0);
  });

  test('the memory cap drops the oldest entries and keeps the newest', () => {
    const map = new Labelmap(geometry([64, 64, 1]));
    const history = new LabelmapHistory(map, { maxBytes: 600 });
    for (let n = 0; n < 10; n++) drag(history, map, [[3 + 6 * n, 3 + 6 * n]], brush({ label: 1 + n, radius: 2 }));
    expect(history.bytesUsed()).toBeLessThanOrEqual(600);
    expect(history.undoCount).toBeGreaterThan(0);
    expect(history.undoCount).toBeLessThan(10);
    // What is left undoes the newest strokes.
    while (history.undo());
    expect(map.countLabel(10)).toBe(0);
    expect(map.countLabel(1)).toBe(13);
  });

  test('a 20-voxel-radius stroke across a 512² slice costs at most 4 bytes per changed voxel', () => {
    const map = new Labelmap(geometry([512, 512, 1]));
    const history = new LabelmapHistory(map);
    // A wavy stroke from left to right with pointer samples every ~8 px, over an existing structure.
    stampBrush(map, 'axial', 0, { u: 256, v: 256 }, brush({ label: 2, radius: 60 }));
    history.clear();
    const points: [number, number][] = [];
    for (let u = 10; u <= 500; u += 8) points.push([u, 256 + 80 * Math.sin(u / 60)]);
    drag(history, map, points, brush({ radius: 20, overwriteOtherLabels: true }));
    const perVoxel = history.bytesUsed() / history.changedVoxels();
    expect(history.changedVoxels()).toBeGreaterThan(20_000);
    expect(perVoxel).toBeLessThanOrEqual(4);
    // Undo still restores it exactly.
    history.undo();
    expect(map.countLabel(2)).toBe(11_289);
    expect(map.countLabel(1)).toBe(0);
  });
});
