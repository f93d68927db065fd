// Matching models to the open image's modality: families from manifest words and DICOM codes.
import { describe, expect, test } from 'vitest';
import { imageFamily, modelFamily, modelMismatch, modelsFor } from '../../src/shared/model-match';

const model = (id: string, modality: string) => ({ id, manifest: { name: id, modality } as never });
const volume = (modality: string, values: number[]) => ({ size: [4, 4, 4] as [number, number, number], components: 1, modality, data: Int16Array.from(values) });

describe('modality families', () => {
  test('manifest words and image codes', () => {
    expect(modelFamily('CT')).toBe('CT');
    expect(modelFamily('CT (8-bit windowed slices)')).toBe('CT');
    expect(modelFamily('MRI T2')).toBe('MR');
    expect(modelFamily('endoscopy')).toBe('picture');
    expect(modelFamily('microscopy')).toBe('picture');
    expect(modelFamily('ultrasound')).toBe('unknown');
    expect(imageFamily(volume('CT', [0]))).toBe('CT');
    expect(imageFamily(volume('MR', [-1000, 500]))).toBe('MR');
    expect(imageFamily(volume('', [-1024, -1000, 40, 300]))).toBe('CT'); // a NIfTI of Hounsfield units
    expect(imageFamily(volume('', [0, 80, 900]))).toBe('unknown');
    expect(imageFamily({ size: [32, 24, 1], components: 3, modality: 'OT', data: new Uint8Array(32 * 24 * 3) })).toBe('picture');
  });

  test('a CT model on an MR series or a photo is asked about, with the reason', () => {
    expect(modelMismatch(model('liver', 'CT'), volume('CT', [0]))).toBeNull();
    expect(modelMismatch(model('liver', 'CT'), volume('MR', [0]))).toMatch(/trained on CT images, and this image is MR/);
    expect(modelMismatch(model('liver', 'CT'), volume('', [0, 80, 900]))).toBeNull(); // unknown: nothing to go on
    expect(modelMismatch(model('polyp', 'endoscopy'), volume('CT', [0]))).toMatch(/trained on endoscopy images, and this image is CT/);
    expect(modelMismatch(model('odd', 'ultrasound'), volume('CT', [0]))).toBeNull(); // nothing to go on: no question
  });

  test('a picture is refused only by a model that windows Hounsfield units (8-bit slices are pictures too)', () => {
    const photo = { size: [32, 24, 1] as [number, number, number], components: 1, modality: 'OT', data: new Uint8Array(32 * 24) };
    const windowed = { id: 'liver', manifest: { name: 'liver', modality: 'CT', preprocessing: { window: { center: 60, width: 400 } } } as never };
    expect(modelMismatch(windowed, photo)).toMatch(/trained on CT images, and this image is a 2D picture/);
    expect(modelMismatch(model('lung', 'CT (8-bit windowed slices)'), photo)).toBeNull();
    expect(modelMismatch(model('polyp', 'endoscopy'), photo)).toBeNull();
  });

  test("the image's models come first, those for the plain modality before variants", () => {
    const models = [model('lung', 'CT (8-bit windowed slices)'), model('polyp', 'endoscopy'), model('liver', 'CT')];
    expect(modelsFor(models, 'CT').matching.map((m) => m.id)).toEqual(['liver', 'lung']); // plain "CT" first
    expect(modelsFor(models, 'CT').others.map((m) => m.id)).toEqual(['polyp']);
    expect(modelsFor(models, 'unknown').matching).toEqual([]);
  });
});
