// The window a newly opened image starts with.
import { expect, test } from 'vitest';
import { defaultWindow } from '../../src/renderer/viewer/display-window';

const image = (modality: string, values: number[]) => ({ modality, components: 1, data: Int16Array.from(values) });

test('CT opens in the abdomen window; so does a NIfTI whose voxels are Hounsfield units', () => {
  expect(defaultWindow(image('CT', [0, 10, 20]))).toEqual({ preset: 'abdomen', window: { width: 400, center: 40 } });
  expect(defaultWindow(image('', [-1024, -1000, -80, 45, 700])).preset).toBe('abdomen');
});

test('MR, photos and data that is not HU open with the automatic window', () => {
  expect(defaultWindow(image('MR', [-1000, 0, 900])).preset).toBe('auto');
  expect(defaultWindow(image('', [0, 20, 255])).preset).toBe('auto');
  expect(defaultWindow(image('', [-32768, 0, 32767])).preset).toBe('auto'); // a signed range, not air
  expect(defaultWindow({ modality: 'OT', components: 3, data: Uint8Array.from([0, 128, 255]) }).preset).toBe('auto');
});
