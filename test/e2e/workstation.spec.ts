// The workstation end to end in browser mode: open a generated NIfTI, look around, auto-segment,
// correct by hand, undo/redo, autosave, export, and read the export back with the engine's reader.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { closeImageIo, readImage } from '../../src/core/io';
import { indexToWorld, sameGeometry } from '../../src/shared/geometry';
import { appUrl, E2E_DATA, E2E_HOME } from './e2e-env';
import {
  CUBE, CUBE_VALUE, CUBE_VOXELS, phantom, rgbPhoto, slicePointOnPage, viewTransformOf, writeTestImage, writeThresholdModel,
} from './e2e-fixtures';

const SHOTS = 'test-results/screenshots';
const phantomPath = join(E2E_DATA, 'phantom.nii.gz');
const photoPath = join(E2E_DATA, 'photo.png');
const exportPath = join(E2E_DATA, 'exported', 'phantom-mask.nii.gz');
/** The polygon square: voxel centres u 5..14, v 45..54 (vertices on half-voxel lines: no centre on an edge). */
const SQUARE = { u0: 4.5, u1: 14.5, v0: 44.5, v1: 54.5, voxels: 100 };

test.describe.configure({ mode: 'serial' });

let page: Page;
const pageErrors: string[] = [];

test.beforeAll(async ({ browser }) => {
  mkdirSync(SHOTS, { recursive: true });
  mkdirSync(join(E2E_DATA, 'exported'), { recursive: true });
  await writeTestImage(phantomPath, phantom());
  await writeTestImage(photoPath, rgbPhoto());
  writeThresholdModel(join(E2E_HOME, 'models'));
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) pageErrors.push(m.text()); });
});

test.afterAll(async () => {
  await page?.close();
  await closeImageIo();
});

const count = (label = 1) => page.getByTestId(`label-count-${label}`);
const slice = (orientation = 'axial') => page.getByTestId(`view-${orientation}`);

async function goToSlice(k: number): Promise<void> {
  await page.locator('[data-orientation="axial"] .slice-slider').fill(String(k));
  await expect(slice()).toHaveAttribute('data-slice', String(k));
}

async function clickVoxel(u: number, v: number): Promise<void> {
  const p = await slicePointOnPage(page, 'axial', { u, v });
  await page.mouse.click(p.x, p.y);
}

async function dragVoxels(from: [number, number], to: [number, number]): Promise<void> {
  const a = await slicePointOnPage(page, 'axial', { u: from[0], v: from[1] });
  const b = await slicePointOnPage(page, 'axial', { u: to[0], v: to[1] });
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 8 });
  await page.mouse.up();
}

test('starts on the sample case, then opens a generated NIfTI by path', async () => {
  await page.goto(appUrl());
  await expect(page.getByTestId('case-name')).toHaveText('abdomen-phantom.nii.gz');
  await page.screenshot({ path: `${SHOTS}/01-sample-case.png` });

  await page.getByRole('button', { name: 'Open path…' }).click();
  await page.getByTestId('open-path').fill(phantomPath);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('case-name')).toHaveText('phantom.nii.gz');
  await expect(page.getByTestId('case-info')).toContainText('64 × 64 × 12');
  await expect(slice()).toHaveAttribute('data-slice', '6');
  await expect(count()).toHaveText('0');
});

test('coronal and sagittal views keep the voxel proportions', async () => {
  for (const o of ['coronal', 'sagittal']) {
    const t = await viewTransformOf(page, o);
    expect(t.scaleY / t.scaleX).toBeCloseTo(2.5 / 0.8, 5);
    expect(t.flipV).toBe(true);
  }
  const axial = await viewTransformOf(page, 'axial');
  expect(axial.scaleY / axial.scaleX).toBeCloseTo(1, 5);
});

test('scrolls slices, reads out voxels and changes the window', async () => {
  const centre = await slicePointOnPage(page, 'axial', { u: 32, v: 32 });
  await page.mouse.move(centre.x, centre.y);
  await page.mouse.wheel(0, 100);
  await expect(slice()).toHaveAttribute('data-slice', '7');
  await page.keyboard.press('ArrowDown');
  await expect(slice()).toHaveAttribute('data-slice', '6');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowDown');
  await expect(slice()).toHaveAttribute('data-slice', '6');

  // Readout of voxel (30, 30, 6): inside the cube; world = origin + index × spacing (identity direction).
  const p = await slicePointOnPage(page, 'axial', { u: 30, v: 30 });
  await page.mouse.move(p.x, p.y);
  await expect(page.getByTestId('readout-voxel')).toHaveText('(30, 30, 6)');
  await expect(page.getByTestId('readout-value')).toHaveText(String(CUBE_VALUE));
  const world = indexToWorld(phantom(), [30, 30, 6]).map((x) => x.toFixed(1)).join(', ');
  await expect(page.getByTestId('readout-world')).toHaveText(`${world} mm (LPS)`);

  // Crosshair tool: clicking moves the linked crosshair, so the coronal and sagittal slices follow.
  await page.keyboard.press('c');
  await clickVoxel(20, 41);
  await expect(slice('sagittal')).toHaveAttribute('data-slice', '20');
  await expect(slice('coronal')).toHaveAttribute('data-slice', '41');

  await page.getByTestId('preset-bone').click();
  await expect(page.getByTestId('window-width')).toHaveValue('1800');
  await expect(page.getByTestId('window-level')).toHaveValue('400');
  // Right-drag to the right widens the window.
  await page.mouse.move(p.x, p.y);
  await page.mouse.down({ button: 'right' });
  await page.mouse.move(p.x + 60, p.y, { steps: 4 });
  await page.mouse.up({ button: 'right' });
  expect(Number(await page.getByTestId('window-width').inputValue())).toBeGreaterThan(1800);
  await page.getByTestId('preset-auto').click();
  expect(Number(await page.getByTestId('window-width').inputValue())).toBeLessThan(1800);

  // Ctrl+wheel zooms about the pointer.
  const before = await viewTransformOf(page, 'axial');
  await page.mouse.move(p.x, p.y);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -200);
  await page.keyboard.up('Control');
  await expect.poll(async () => (await viewTransformOf(page, 'axial')).scaleX).toBeGreaterThan(before.scaleX);
  await page.locator('[data-orientation="axial"] header').getByRole('button', { name: 'Fit' }).click();
  await expect.poll(async () => (await viewTransformOf(page, 'axial')).scaleX).toBeCloseTo(before.scaleX, 5);
});

test('auto-segments the case with a model as one undoable step', async () => {
  await page.getByTitle('Look for new models').click();
  await expect(page.getByTestId('model-select')).toContainText('E2E threshold model');
  await page.getByTestId('model-select').selectOption('e2e-threshold');
  await page.getByTestId('model-card-button').click();
  await expect(page.getByTestId('model-card')).toContainText('bright cube segmentation');
  await expect(page.getByTestId('model-card')).toContainText('dice 1');
  await page.screenshot({ path: `${SHOTS}/02-model-card.png` });
  await page.getByTestId('model-card').getByRole('button', { name: 'Close' }).click();

  await page.getByTestId('segment-case').click();
  await expect(count()).toHaveText(String(CUBE_VOXELS));
  await expect(page.getByTestId('segment-provider')).toHaveText(/cpu|cuda/i);
  await expect(page.getByTestId('label-1').locator('input.name')).toHaveValue('cube');
  await page.screenshot({ path: `${SHOTS}/03-segmented.png` });

  await page.getByTestId('undo').click();
  await expect(count()).toHaveText('0');
  await page.keyboard.press('Control+Shift+Z');
  await expect(count()).toHaveText(String(CUBE_VOXELS));
});

test('paints and erases with the mouse, with undo and redo', async () => {
  await goToSlice(11);
  await page.keyboard.press('b');
  await page.getByTestId('brush-radius').fill('3');
  await page.getByTestId('brush-radius').blur(); // keys go to the app again, not into the number field
  await dragVoxels([45, 10], [55, 10]);
  await expect(count()).not.toHaveText(String(CUBE_VOXELS));
  const painted = Number(await count().textContent());
  expect(painted).toBeGreaterThan(CUBE_VOXELS + 60); // a 10-voxel stroke, 7 voxels wide

  await page.keyboard.press('e');
  await page.keyboard.press(']'); // 3 → 4
  await expect(page.getByTestId('brush-radius')).toHaveValue('4');
  await dragVoxels([43, 10], [57, 10]);
  await expect(count()).toHaveText(String(CUBE_VOXELS));

  await page.keyboard.press('Control+z');
  await expect(count()).toHaveText(String(painted));
  await page.getByTestId('redo').click();
  await expect(count()).toHaveText(String(CUBE_VOXELS));
});

test('fills polygons and fills between slices', async () => {
  await page.getByTestId('add-label').click(); // label 2 becomes the active label
  await expect(page.getByTestId('label-2')).toHaveClass(/active/);
  await page.keyboard.press('p');
  for (const k of [0, 4]) {
    await goToSlice(k);
    await clickVoxel(SQUARE.u0, SQUARE.v0);
    await clickVoxel(SQUARE.u1, SQUARE.v0);
    await clickVoxel(SQUARE.u1, SQUARE.v1);
    await clickVoxel(SQUARE.u0, SQUARE.v1);
    await page.keyboard.press('Enter');
  }
  await expect(count(2)).toHaveText(String(2 * SQUARE.voxels));
  await page.keyboard.press('i'); // slices 1, 2, 3 get the square too
  await expect(page.getByTestId('notice').filter({ hasText: 'Filled 3 slice(s)' })).toBeVisible();
  await expect(count(2)).toHaveText(String(5 * SQUARE.voxels));
  await expect(count(1)).toHaveText(String(CUBE_VOXELS));
  await goToSlice(2);
  await page.getByTestId('outline').check();
  await page.screenshot({ path: `${SHOTS}/04-edited-outline.png` });
  await page.getByTestId('outline').uncheck();
});

test('autosaves, and the saved work comes back when the case is reopened', async () => {
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved', { timeout: 15_000 });
  await page.getByRole('button', { name: 'Sample', exact: true }).click();
  await expect(page.getByTestId('case-name')).toHaveText('abdomen-phantom.nii.gz');
  await page.getByRole('button', { name: 'Open path…' }).click();
  await page.getByTestId('open-path').fill(phantomPath);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('case-name')).toHaveText('phantom.nii.gz');
  await expect(count(1)).toHaveText(String(CUBE_VOXELS));
  await expect(count(2)).toHaveText(String(5 * SQUARE.voxels));
});

test('exports a NIfTI mask that matches the edits voxel for voxel', async () => {
  await page.getByTestId('export').click();
  // Empty: the workspace's exports folder. A file in the data folder needs the explicit check.
  await expect(page.getByTestId('export-path')).toHaveValue('');
  await page.getByTestId('export-path').fill(exportPath);
  await page.getByTestId('export-run').click();
  await expect(page.getByText(/inside the folder of the case's source image/)).toBeVisible();
  await page.getByTestId('export-beside-source').check();
  await page.getByTestId('export-run').click();
  await expect(page.getByTestId('export-written')).toContainText(exportPath);
  await expect(page.getByTestId('export-written')).toContainText('phantom-mask.labels.json');
  await page.screenshot({ path: `${SHOTS}/05-exported.png` });
  await page.getByTestId('export-dialog').getByRole('button', { name: 'Close' }).click();

  const mask = await readImage(exportPath);
  const source = await readImage(phantomPath);
  expect(sameGeometry(mask, source)).toBe(true);
  const [nx, ny, nz] = mask.size;
  const at = (i: number, j: number, k: number) => mask.data[i + nx * (j + ny * k)];
  const counts = [0, 0, 0];
  let mismatches = 0;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const inCube = i >= CUBE.i0 && i < CUBE.i1 && j >= CUBE.j0 && j < CUBE.j1 && k >= CUBE.k0 && k < CUBE.k1;
        const inSquare = k <= 4 && i >= 5 && i <= 14 && j >= 45 && j <= 54;
        const want = inCube ? 1 : inSquare ? 2 : 0;
        const got = at(i, j, k);
        if (got < counts.length) counts[got]++;
        if (got !== want) mismatches++;
      }
    }
  }
  expect(counts[1]).toBe(CUBE_VOXELS);
  expect(counts[2]).toBe(5 * SQUARE.voxels);
  expect(mismatches).toBe(0);
  // The label names and colours travel with the mask.
  const sidecar = JSON.parse(readFileSync(join(E2E_DATA, 'exported', 'phantom-mask.labels.json'), 'utf8'));
  expect(sidecar.labels.find((l: { value: number }) => l.value === 1)).toMatchObject({ name: 'cube', color: '#00c8ff' });
});

test('opens uploads (an RGB photo in colour) and reports a bad file without losing the case', async () => {
  await page.getByTestId('file-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: readFileSync(photoPath) });
  await expect(page.getByTestId('case-name')).toHaveText('photo.png');
  await expect(page.getByTestId('case-info')).toContainText('uint8 × 3');
  // Left half red, right half blue, read back from the image layer's canvas.
  const colourAt = async (u: number, v: number) => {
    const p = await slicePointOnPage(page, 'axial', { u, v });
    const box = (await slice().boundingBox())!;
    return page.evaluate(({ x, y }) => {
      const canvas = document.querySelector('[data-testid="view-axial"] canvas') as HTMLCanvasElement;
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      return [...canvas.getContext('2d')!.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data];
    }, { x: p.x - box.x, y: p.y - box.y });
  };
  expect(await colourAt(4, 12)).toEqual([255, 0, 0, 255]);
  expect(await colourAt(28, 12)).toEqual([0, 0, 255, 255]);
  await page.screenshot({ path: `${SHOTS}/06-rgb-photo.png` });

  await page.getByTestId('file-input').setInputFiles({ name: 'broken.nii.gz', mimeType: 'application/gzip', buffer: Buffer.from('not an image at all') });
  await expect(page.getByTestId('notice').filter({ hasText: 'Could not open broken.nii.gz' })).toBeVisible();
  await expect(page.getByTestId('case-name')).toHaveText('photo.png');
  await page.screenshot({ path: `${SHOTS}/07-error-message.png` });
});

test('segments the bundled sample with the shipped liver model', async () => {
  await page.getByRole('button', { name: 'Sample', exact: true }).click();
  await expect(page.getByTestId('case-name')).toHaveText('abdomen-phantom.nii.gz');
  await page.getByTestId('model-select').selectOption('dra-unet-liver-ct');
  await page.getByTestId('segment-case').click();
  // 32 slices of 192² through DRA-UNet: ~3 s on an idle 2-core machine, 30 s when others share it.
  await expect(page.getByTestId('segment-result')).toContainText('32 slices', { timeout: 120_000 });
  await expect(page.getByTestId('label-1').locator('input.name')).toHaveValue('liver');
  await expect.poll(async () => Number(await count(1).textContent())).toBeGreaterThan(1000);
  await page.screenshot({ path: `${SHOTS}/08-shipped-model.png` });
  await page.getByTestId('undo').click();
  await expect(count(1)).toHaveText('0');
});

test('shows the shortcut help with ?', async () => {
  await page.keyboard.press('?');
  await expect(page.getByTestId('help-overlay')).toContainText('Fill the slices between labelled slices');
  await page.screenshot({ path: `${SHOTS}/09-help.png` });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('help-overlay')).toBeHidden();
  expect(pageErrors).toEqual([]);
});
