// Segment statistics, the 3D view and DICOM SEG export in browser mode: the table shows the right mL
// for a phantom of known volume (and exports it as CSV), the 3D view draws the surface and follows an
// edit, and a generated (dcmtk) series is exported as a DICOM SEG that reads back voxel for voxel.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { closeImageIo, readImage } from '../../src/core/io';
import { createStudio } from '../../src/core/studio';
import { readDicomSegOnGrid } from '../../src/core/dicom-seg/seg-read';
import { appUrl, E2E_DATA, E2E_HOME } from './e2e-env';
import { CUBE_VALUE, CUBE_VOXELS, phantom, slicePointOnPage, writeTestImage, writeThresholdModel } from './e2e-fixtures';
import { HAS_DCMTK, defaultSeriesSpec, makeDicomSeries } from '../fixtures/dicom';

const SHOTS = 'test-results/screenshots';
const phantomPath = join(E2E_DATA, 'stats-phantom.nii.gz');
const seriesPath = join(E2E_DATA, 'seg-series');
// Stored values are HU here (intercept 0), so the threshold model (HU > 100) finds voxels on every slice.
const seriesSpec = defaultSeriesSpec({ intercept: 0, slices: 6 });

test.describe.configure({ mode: 'serial' });

let page: Page;
const pageErrors: string[] = [];

test.beforeAll(async ({ browser }) => {
  mkdirSync(SHOTS, { recursive: true });
  await writeTestImage(phantomPath, phantom());
  writeThresholdModel(join(E2E_HOME, 'models'));
  page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) pageErrors.push(m.text()); });
  await page.goto(appUrl());
});

test.afterAll(async () => {
  await page?.close();
  await closeImageIo();
});

async function openPath(path: string, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Open path…' }).click();
  await page.getByTestId('open-path').fill(path);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('case-name')).toHaveText(name);
}

async function segmentWithThreshold(): Promise<void> {
  await page.getByTitle('Look for new models').click();
  await page.getByTestId('model-select').selectOption('e2e-threshold');
  await page.getByTestId('segment-case').click();
}

/** Pixels of the 3D canvas that are not its background colour. */
function drawnPixels(): Promise<number> {
  return page.getByTestId('surface-canvas').evaluate((canvas: HTMLCanvasElement) => {
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(canvas, 0, 0);
    const { data } = ctx.getImageData(0, 0, copy.width, copy.height);
    let n = 0;
    for (let p = 0; p < data.length; p += 4) if (Math.abs(data[p] - 13) + Math.abs(data[p + 1] - 14) + Math.abs(data[p + 2] - 18) > 30) n++;
    return n;
  });
}

test('the statistics table shows the phantom cube\'s known volume, intensity and diameters, and exports CSV', async () => {
  await openPath(phantomPath, 'stats-phantom.nii.gz');
  await segmentWithThreshold();
  await expect(page.getByTestId('label-count-1')).toHaveText(String(CUBE_VOXELS));
  // 20 × 20 × 6 voxels of 0.8 × 0.8 × 2.5 mm = 3840 mm³; a 16 mm square: diagonal 22.6 mm both ways.
  await expect(page.getByTestId('statistics-ml-1')).toHaveText('3.84');
  await expect(page.getByTestId('statistics-mean-1')).toHaveText(`${CUBE_VALUE} ± 0`);
  await expect(page.getByTestId('statistics-diameters-1')).toHaveText('22.6 × 22.6');
  await page.getByTestId('statistics-panel').screenshot({ path: `${SHOTS}/20-statistics.png` });
  const download = page.waitForEvent('download');
  await page.getByTestId('statistics-csv').click();
  const csv = readFileSync((await (await download).path())!, 'utf8').split('\r\n');
  expect(csv[0]).toMatch(/^value,name,voxels,volume_ml,mean,sd,min,max,max_diameter_mm,perpendicular_diameter_mm,/);
  // NIfTI keeps the spacing as float32: 3.8400001 mL.
  expect(csv[1]).toMatch(new RegExp(`^1,cube,${CUBE_VOXELS},3\\.84000\\d*,${CUBE_VALUE},0,${CUBE_VALUE},${CUBE_VALUE},22\\.627417`));
});

test('the 3D view draws the surface and follows an edit; the table follows it too', async () => {
  await page.getByTestId('layout').selectOption('four-up');
  const status = page.getByTestId('surface-status');
  await expect(status).toHaveText(/triangles/);
  const before = Number(await status.getAttribute('data-triangles'));
  expect(before).toBeGreaterThan(100);
  await expect.poll(drawnPixels).toBeGreaterThan(500);
  await page.screenshot({ path: `${SHOTS}/21-surface-view.png` });
  await page.getByTestId('surface-view').screenshot({ path: `${SHOTS}/22-surface-view-close.png` });

  // A brush dab beside the cube adds a second blob: more triangles, more mL.
  await page.locator('[data-orientation="axial"] .slice-slider').first().fill('6');
  await page.keyboard.press('b');
  await page.getByTestId('brush-radius').fill('3');
  const p = await slicePointOnPage(page, 'axial', { u: 50, v: 50 });
  await page.mouse.click(p.x, p.y);
  await expect.poll(async () => Number(await status.getAttribute('data-triangles'))).toBeGreaterThan(before);
  await expect.poll(async () => Number(await page.getByTestId('statistics-ml-1').textContent())).toBeGreaterThan(3.84);
  // Rotating changes the picture; Reset brings back the anterior view's letters.
  const box = (await page.getByTestId('surface-canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('surface-view').locator('.letter.right')).not.toHaveText('L');
  await page.getByTestId('surface-reset').click();
  await expect(page.getByTestId('surface-view').locator('.letter.right')).toHaveText('L');
  await expect(page.getByTestId('surface-view').locator('.letter.top')).toHaveText('S');
  expect(pageErrors).toEqual([]);
});

test('a generated DICOM series is exported as a DICOM SEG that reads back voxel for voxel', async () => {
  test.skip(!HAS_DCMTK, 'dcmtk (dump2dcm) is not installed');
  makeDicomSeries(seriesPath, seriesSpec);
  // A DICOM case is named from its headers (patient · series), not its folder.
  await openPath(seriesPath, `Synthetic, Phantom · ${seriesSpec.seriesDescription}`);
  await segmentWithThreshold();
  await expect(page.getByTestId('label-count-1')).not.toHaveText('0');
  // What the page holds, as the workspace saved it: the SEG must give back exactly this.
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved', { timeout: 15_000 });
  const saved = (await createStudio({ workspace: join(E2E_HOME, 'workspace') }).openCase({ path: seriesPath })).labelmap!;
  expect(saved.reduce((n, v) => n + (v === 1 ? 1 : 0), 0)).toBe(Number(await page.getByTestId('label-count-1').textContent()));

  await page.getByTestId('export').click();
  await page.getByTestId('export-dicom-seg').click();
  const out = join(E2E_DATA, 'seg-series-seg.dcm');
  await page.getByTestId('export-path').fill(out);
  await expect(page.getByTestId('export-run')).toHaveText('Export DICOM SEG');
  await page.getByTestId('export-run').click();
  await expect(page.getByTestId('export-written')).toContainText('cube: automatic');
  await page.getByTestId('export-dialog').screenshot({ path: `${SHOTS}/23-dicom-seg-export.png` });

  const back = await readDicomSegOnGrid(out, await readImage(seriesPath), [{ value: 1, name: 'cube', color: '#00c8ff' }]);
  expect(back.labelmap).toEqual(saved);
  expect(back.labels.map((l) => l.name)).toEqual(['cube']);
  const validator = spawnSync('dciodvfy', [out], { encoding: 'utf8' });
  if (!validator.error) expect(`${validator.stdout}${validator.stderr}`.split('\n').filter((l) => /^Error/.test(l))).toEqual([]);
});
