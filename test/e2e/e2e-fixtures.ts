// Inputs the e2e tests make with the engine's own writer (no copied data): a CT-like phantom with a
// bright cube, an RGB photo, and a tiny ONNX model that labels voxels above 100 exactly.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { writeImage } from '../../src/core/io';
import type { VolumeImage } from '../../src/shared/image';
import { sliceToScreen, type ViewTransform } from '../../src/renderer/viewer/view-transform';
import type { SlicePoint } from '../../src/renderer/editor/slices';
import { testManifest, writeConvModel } from '../fixtures/onnx-builder';

export const PHANTOM_SIZE: [number, number, number] = [64, 64, 12];
/** The bright cube: i, j in [20, 40), k in [3, 9) → 20·20·6 = 2400 voxels above the model's threshold. */
export const CUBE = { i0: 20, i1: 40, j0: 20, j1: 40, k0: 3, k1: 9 };
export const CUBE_VOXELS = 2400;
export const CUBE_VALUE = 200;

export function phantom(): VolumeImage {
  const [nx, ny, nz] = PHANTOM_SIZE;
  const data = new Int16Array(nx * ny * nz);
  for (let k = 0, n = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, n++) {
        const inCube = i >= CUBE.i0 && i < CUBE.i1 && j >= CUBE.j0 && j < CUBE.j1 && k >= CUBE.k0 && k < CUBE.k1;
        data[n] = inCube ? CUBE_VALUE : (i * 7 + j * 3 + k) % 50; // background stays under 50
      }
    }
  }
  return {
    size: PHANTOM_SIZE, spacing: [0.8, 0.8, 2.5], origin: [-10, 20, 30], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    components: 1, pixelType: 'int16', data, modality: 'CT',
  };
}

/** 32×24 RGB: left half pure red, right half pure blue. */
export function rgbPhoto(): VolumeImage {
  const [w, h] = [32, 24];
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 3;
      if (x < w / 2) data[p] = 255; else data[p + 2] = 255;
    }
  }
  return {
    size: [w, h, 1], spacing: [1, 1, 1], origin: [0, 0, 0], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    components: 3, pixelType: 'uint8', data, modality: 'OT',
  };
}

export async function writeTestImage(path: string, image: VolumeImage): Promise<string> {
  return (await writeImage(path, image)).out;
}

/** sigmoid(x − 100) > 0.5 ⇔ x > 100: the phantom's cube and nothing else. */
export function writeThresholdModel(modelsDir: string): string {
  mkdirSync(modelsDir, { recursive: true });
  return writeConvModel(join(modelsDir, 'e2e-threshold.onnx'), {
    weights: [[1]], bias: [-100], activation: 'none',
    manifest: testManifest({
      id: 'e2e-threshold', name: 'E2E threshold model', task: 'bright cube segmentation', modality: 'CT',
      output: { activation: 'sigmoid', threshold: 0.5, labels: [{ value: 1, name: 'cube', color: '#00c8ff' }] },
      training: { data: 'none: a hand-set 1×1 convolution for tests', epochs: 0 },
      metrics: { dice: 1 },
    }),
  });
}

/** Page coordinates of slice point (u, v) in a view, from the transform the view publishes. */
export async function slicePointOnPage(page: Page, orientation: string, p: SlicePoint): Promise<{ x: number; y: number }> {
  const stage = page.getByTestId(`view-${orientation}`);
  const box = await stage.boundingBox();
  const t = JSON.parse((await stage.getAttribute('data-transform')) ?? 'null') as ViewTransform | null;
  if (!box || !t) throw new Error(`The ${orientation} view has no layout yet`);
  const s = sliceToScreen(t, p);
  return { x: box.x + s.x, y: box.y + s.y };
}

export async function viewTransformOf(page: Page, orientation: string): Promise<ViewTransform> {
  return JSON.parse((await page.getByTestId(`view-${orientation}`).getAttribute('data-transform'))!) as ViewTransform;
}

/**
 * An asymmetric CT-like phantom in LPS order (i → patient left, j → posterior, k → superior), odd
 * sizes so the centre voxel stays the centre in any voxel order: a bright block at the patient's
 * left front, a dimmer one at the right back, and values that climb with k.
 */
export function asymmetricPhantom(): VolumeImage {
  const size: [number, number, number] = [49, 41, 25];
  const [nx, ny, nz] = size;
  const data = new Int16Array(nx * ny * nz);
  for (let k = 0, n = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++, n++) {
        const leftFront = i > 30 && j < 12 && k > 14;
        const rightBack = i < 15 && j > 25;
        data[n] = leftFront ? 240 : rightBack ? 120 : -150 + ((i * 3 + j * 5) % 40) + 4 * k;
      }
    }
  }
  return {
    size, spacing: [0.9, 0.8, 2], origin: [-20, -15, 40], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    components: 1, pixelType: 'int16', data, modality: 'CT',
  };
}
