import { expect, test } from 'vitest';
import { imageModality, modalityMismatch, modelChoices, namedModality } from '../../src/core/model-fit';
import type { ModelSummary } from '../../src/shared/api';
import { testManifest } from '../fixtures/onnx-builder';

const liver = testManifest({ id: 'liver', name: 'Liver CT', modality: 'CT', preprocessing: { window: { center: 60, width: 400 }, scale: 1, mean: [0], std: [1] } });
const lung = testManifest({ id: 'lung', name: 'Lung', modality: 'CT (8-bit windowed slices)' });
const polyp = testManifest({ id: 'polyp', name: 'Polyp', modality: 'endoscopy', input: { channels: 3, sizeMultiple: 1, layout: 'NCHW' } });
const hu = new Int16Array(1000).map((_, i) => (i < 500 ? -1000 : 300));

test('the image modality comes from the file, else from Hounsfield-looking voxels', () => {
  expect(imageModality({ modality: 'MR', data: hu, components: 1 })).toBe('MR');
  expect(imageModality({ modality: 'ES', data: new Uint8Array(3), components: 3 })).toBe('ENDOSCOPY');
  expect(imageModality({ modality: 'unknown', data: hu, components: 1 })).toBe('CT');
  expect(imageModality({ modality: 'unknown', data: new Int16Array(100).fill(400), components: 1 })).toBeNull();
  expect(imageModality({ modality: 'OT', data: new Uint8Array(30), components: 3 })).toBe('PHOTO');
  expect(namedModality('mr')).toBe('MR');
});

test('a model made for another modality does not fit, and says why', () => {
  expect(modalityMismatch(liver, 'CT')).toBeNull();
  expect(modalityMismatch(liver, 'MR')).toMatch(/Liver CT is made for CT \(it windows Hounsfield units\), and this image is MR/);
  expect(modalityMismatch(liver, 'PHOTO')).toMatch(/windows Hounsfield units\), and this image is a photo/);
  expect(modalityMismatch(liver, null)).toBeNull(); // nothing known: never refused
  expect(modalityMismatch(lung, 'MR')).toMatch(/made for CT \(8-bit windowed slices\), and this image is MR/);
  expect(modalityMismatch(lung, 'PHOTO')).toBeNull(); // its training data were PNG slices
  expect(modalityMismatch(polyp, 'CT')).toMatch(/made for endoscopy/);
  expect(modalityMismatch(polyp, 'ENDOSCOPY')).toBeNull();
});

test('models for an image list the fitting ones first, in their order', () => {
  const summaries = [lung, liver, polyp].map((manifest) => ({ id: manifest.id, manifest }) as ModelSummary);
  expect(modelChoices(summaries, 'CT').map((c) => [c.id, c.mismatch === null])).toEqual([['lung', true], ['liver', true], ['polyp', false]]);
  expect(modelChoices(summaries, 'ENDOSCOPY').map((c) => c.id)).toEqual(['polyp', 'lung', 'liver']);
});
