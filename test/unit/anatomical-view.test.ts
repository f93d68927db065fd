// Anatomical display: whatever the voxel order, each view shows the same pixels with the same
// patient directions on its edges, and screen ↔ voxel stays exact.
import { describe, expect, test } from 'vitest';
import { directionLetters, nearestAxes, orientationCode } from '../../src/shared/anatomical-axes';
import { renderLabelSliceRGBA } from '../../src/renderer/editor/label-rendering';
import { rasterToSlice, sliceAxes, sliceToVoxel, voxelToSlice, type Orientation } from '../../src/renderer/editor/slices';
import { pictureSlicing, VIEW_PLANES, viewSlicing, type ViewPlane } from '../../src/renderer/viewer/anatomical-view';
import { renderImageSliceRGBA } from '../../src/renderer/viewer/image-rendering';
import { screenRadii, screenToSlice, sliceToScreen, viewTransform } from '../../src/renderer/viewer/view-transform';
import type { VolumeImage } from '../../src/shared/image';
import { allVoxelOrders, reorderedVoxel, reorderVolume } from '../fixtures/reoriented-volume';
import { obliqueDirection } from '../fixtures/volumes';

/** 5×6×7 in LPS order (i → left, j → posterior, k → superior), every voxel its own value. */
function lpsVolume(): VolumeImage {
  const size: [number, number, number] = [5, 6, 7];
  const data = new Uint8Array(5 * 6 * 7);
  for (let n = 0; n < data.length; n++) data[n] = n;
  return { size, spacing: [0.8, 0.9, 2.5], origin: [-10, 20, 30], direction: [1, 0, 0, 0, 1, 0, 0, 0, 1], components: 1, pixelType: 'uint8', data, modality: 'CT' };
}

const voxelNormal = (plane: Orientation) => sliceAxes(plane).normal;

/** The view's raster through voxel `at` (grey = voxel value: the window maps 0..255 onto itself). */
function viewPixels(image: VolumeImage, view: ViewPlane, at: readonly number[]): { width: number; pixels: number[] } {
  const s = viewSlicing(image, view);
  const rgba = new Uint8ClampedArray(s.width * s.height * 4);
  renderImageSliceRGBA(image, s.plane, voxelToSlice(s.plane, at).index, { center: 127.5, width: 255 }, rgba, null, s.layout);
  return { width: s.width, pixels: [...rgba].filter((_, n) => n % 4 === 0) };
}

describe('nearest patient axes', () => {
  test('axis-aligned, mirrored and swapped directions', () => {
    expect(nearestAxes([1, 0, 0, 0, 1, 0, 0, 0, 1])).toEqual({ worldAxis: [0, 1, 2], sign: [1, 1, 1], obliqueDegrees: 0 });
    expect(nearestAxes([-1, 0, 0, 0, -1, 0, 0, 0, 1])).toEqual({ worldAxis: [0, 1, 2], sign: [-1, -1, 1], obliqueDegrees: 0 });
    expect(nearestAxes([0, 1, 0, 1, 0, 0, 0, 0, 1]).worldAxis).toEqual([1, 0, 2]);
    expect(orientationCode([1, 0, 0, 0, 1, 0, 0, 0, 1])).toBe('LPS');
    expect(orientationCode([-1, 0, 0, 0, -1, 0, 0, 0, 1])).toBe('RAS');
    expect(orientationCode([0, 0, -1, 1, 0, 0, 0, -1, 0])).toBe('PIR');
  });

  test('an oblique volume gets its nearest axes and how far off they are', () => {
    const a = nearestAxes(obliqueDirection(0.3, 0.2));
    expect(a.worldAxis).toEqual([0, 1, 2]);
    expect(a.obliqueDegrees).toBeGreaterThan(15);
    expect(a.obliqueDegrees).toBeLessThan(25);
    expect(directionLetters([1, 0, 0])).toBe('L');
    expect(directionLetters([Math.cos(0.5), -Math.sin(0.5), 0])).toBe('LA');
    expect(directionLetters([0, 0, -1])).toBe('I');
  });
});

describe('radiological display', () => {
  test('an LPS volume: axial R|L with anterior up; coronal and sagittal superior up, sagittal anterior left', () => {
    const image = lpsVolume();
    const letters = Object.fromEntries(VIEW_PLANES.map((v) => [v, viewSlicing(image, v).letters]));
    expect(letters.axial).toEqual({ left: 'R', right: 'L', top: 'A', bottom: 'P' });
    expect(letters.coronal).toEqual({ left: 'R', right: 'L', top: 'S', bottom: 'I' });
    expect(letters.sagittal).toEqual({ left: 'A', right: 'P', top: 'S', bottom: 'I' });
    expect(viewSlicing(image, 'axial').layout).toEqual({ transpose: false, flipH: false, flipV: false });
    expect(viewSlicing(image, 'coronal').layout).toEqual({ transpose: false, flipH: false, flipV: true });
  });

  test('all 48 voxel orders show the same pixels and letters in every view', () => {
    const source = lpsVolume();
    const at = [1, 4, 2];
    const expected = VIEW_PLANES.map((v) => ({ raster: viewPixels(source, v, at), letters: viewSlicing(source, v).letters }));
    for (const order of allVoxelOrders()) {
      const image = reorderVolume(source, order);
      const x = reorderedVoxel(source, order, at);
      VIEW_PLANES.forEach((v, n) => {
        expect(viewPixels(image, v, x), `${v} of ${JSON.stringify(order)}`).toEqual(expected[n].raster);
        expect(viewSlicing(image, v).letters).toEqual(expected[n].letters);
      });
    }
  });

  test('an edit lands on the voxel under the pointer: screen → slice → voxel is exact in every order', () => {
    const source = lpsVolume();
    for (const order of allVoxelOrders()) {
      const image = reorderVolume(source, order);
      for (const v of VIEW_PLANES) {
        const s = viewSlicing(image, v);
        const t = viewTransform(s, { zoom: 1.7, panX: 13, panY: -8 }, { width: 400, height: 300 });
        // The centre of raster pixel (2, 1) on screen is the slice point the view draws there, and back.
        const drawn = rasterToSlice(s.layout, s.width, s.height, 2, 1);
        const screen = sliceToScreen(t, drawn);
        expect(screen.x).toBeCloseTo(t.originX + 2.5 * t.scaleX, 9);
        expect(screen.y).toBeCloseTo(t.originY + 1.5 * t.scaleY, 9);
        const back = screenToSlice(t, { x: screen.x + 0.3 * t.scaleX, y: screen.y - 0.3 * t.scaleY });
        expect([Math.round(back.u), Math.round(back.v)]).toEqual([drawn.u, drawn.v]);
        // …and that voxel holds the source voxel the LPS volume draws at the same raster pixel.
        const voxel = sliceToVoxel(s.plane, 0, drawn);
        const reference = viewSlicing(source, v);
        const sourceDrawn = sliceToVoxel(reference.plane, 0, rasterToSlice(reference.layout, reference.width, reference.height, 2, 1));
        const inPlane = (ijk: number[], plane: typeof s.plane) => ijk.filter((_, a) => a !== voxelNormal(plane));
        expect(inPlane(reorderedVoxel(source, order, sourceDrawn), s.plane)).toEqual(inPlane(voxel, s.plane));
      }
    }
  });

  test('the brush outline follows the slice axes when the view turns the slice', () => {
    const t = { originX: 0, originY: 0, scaleX: 2, scaleY: 3, width: 10, height: 10, transpose: true, flipH: false, flipV: true };
    expect(screenRadii(t, 4, 1)).toEqual({ rx: 1.5 * 2, ry: 4.5 * 3 });
  });

  test('labels are laid out like the image, and a dirty rectangle maps onto the turned raster', () => {
    const image = reorderVolume(lpsVolume(), { permutation: [1, 0, 2], flip: [true, false, false] });
    const s = viewSlicing(image, 'axial');
    expect(s.layout).toEqual({ transpose: true, flipH: false, flipV: true });
    const labels = new Uint8Array(image.data.length);
    labels[0] = 1; // voxel (0, 0, 0) of the stored order
    const rgba = new Uint8ClampedArray(s.width * s.height * 4);
    const colors = new Map([[1, [255, 0, 0] as const]]);
    renderLabelSliceRGBA(labels, image.size, s.plane, 0, rgba, { colors, opacity: 1, outline: false, layout: s.layout, rect: { u0: 0, v0: 0, u1: 0, v1: 0 } });
    const red = [...Array(s.width * s.height).keys()].filter((p) => rgba[p * 4] === 255);
    // Transposed, rows flipped: slice (u, v) = (0, 0) is raster column 0, last row.
    expect(red).toEqual([(s.height - 1) * s.width]);
  });

  test('a picture is shown as stored, in pixels, without patient letters', () => {
    const s = pictureSlicing({ size: [32, 24, 1] });
    expect(s).toMatchObject({ plane: 'axial', width: 32, height: 24, pixelWidth: 1, pixelHeight: 1, letters: { left: '' }, screenAxes: null });
  });
});
