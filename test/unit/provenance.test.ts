// Corrections, by hand or with AI clicks, are what a model re-run keeps and fine-tuning learns from.
import { expect, test } from 'vitest';
import { isCorrection, Provenance } from '../../src/shared/provenance';
import { Labelmap } from '../../src/renderer/editor/labelmap';

test('hand edits and AI-clicks voxels are corrections; model proposals and untouched voxels are not', () => {
  expect([Provenance.None, Provenance.Model, Provenance.Human, Provenance.Interactive].map(isCorrection)).toEqual([false, false, true, true]);
});

test('a model re-run leaves AI-clicks voxels as they are', () => {
  const map = new Labelmap({ size: [3, 1, 1], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1] });
  map.setAt(0, 1, Provenance.Interactive);
  map.setAt(1, 1, Provenance.Human);
  map.setAt(2, 1, Provenance.Model);
  map.applyModelResult(new Uint8Array([0, 0, 0]));
  expect(Array.from(map.labels)).toEqual([1, 1, 0]);
  expect(map.getProvenance(0, 0, 0)).toBe(Provenance.Interactive);
});
