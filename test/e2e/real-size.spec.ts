// The main job at real size in browser mode: a 512×512×160 CT series (made with DCMTK) opened by
// path, auto-segmented, painted, autosaved and reopened with its edits; the workspace keeps a
// small record and one work file, never the voxels in JSON.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { closeImageIo } from '../../src/core/io';
import { CaseStore } from '../../src/core/workspace/case-store';
import { appUrl, E2E_DATA, E2E_HOME } from './e2e-env';
import { slicePointOnPage, writeThresholdModel } from './e2e-fixtures';
import { SERIES_SIZE, liverVoxels, makeRealSizeCtSeries } from '../fixtures/ct-phantom-series';
import { HAS_DCMTK } from '../fixtures/dicom';

const SHOTS = 'test-results/screenshots';
const series = join(E2E_DATA, 'real-size-ct');
let page: Page;
let liver = 0;

test.describe.configure({ mode: 'serial' });
test.skip(!HAS_DCMTK, 'needs DCMTK (dump2dcm) to make the series');

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  makeRealSizeCtSeries(series);
  liver = liverVoxels();
  writeThresholdModel(join(E2E_HOME, 'models'));
  page = await browser.newPage();
});

test.afterAll(async () => {
  await page?.close();
  await closeImageIo();
});

const count = (label = 1) => page.getByTestId(`label-count-${label}`);

async function openSeries(): Promise<void> {
  await page.getByRole('button', { name: 'Open path…' }).click();
  await page.getByTestId('open-path').fill(series);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('case-info')).toContainText(SERIES_SIZE.join(' × '), { timeout: 60_000 });
}

test('a 512×512×160 CT series opens by path, segments, takes a brush stroke and autosaves', async () => {
  test.setTimeout(300_000);
  await page.goto(appUrl());
  await expect(page.getByTestId('case-name')).toHaveText('abdomen-phantom.nii.gz');
  await openSeries();

  await page.getByTitle('Look for new models').click();
  await page.getByTestId('model-select').selectOption('e2e-threshold');
  await page.getByTestId('segment-case').click();
  await expect(count()).toHaveText(String(liver), { timeout: 120_000 });
  await expect(page.getByTestId('segment-result')).toContainText(`${SERIES_SIZE[2]} slices`);

  // A stroke in the body, right of the liver, on the slice shown.
  await page.keyboard.press('b');
  await page.getByTestId('brush-radius').fill('5');
  await page.getByTestId('brush-radius').blur();
  const a = await slicePointOnPage(page, 'axial', { u: 330, v: 250 });
  const b = await slicePointOnPage(page, 'axial', { u: 380, v: 250 });
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 10 });
  await page.mouse.up();
  await expect.poll(async () => Number(await count().textContent())).toBeGreaterThan(liver + 300);
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved', { timeout: 60_000 });
  await page.screenshot({ path: `${SHOTS}/real-size-01-segmented-painted.png` });
});

test('the series reopens with its edits, and the workspace holds no voxels in its record', async () => {
  test.setTimeout(180_000);
  const painted = await count().textContent();
  await page.getByRole('button', { name: 'Sample', exact: true }).click();
  await expect(page.getByTestId('case-name')).toHaveText('abdomen-phantom.nii.gz');
  await openSeries();
  await expect(count()).toHaveText(painted!);

  const folder = join(E2E_HOME, 'workspace', 'cases', CaseStore.caseId(series));
  const files = readdirSync(folder).sort();
  expect(files).toEqual(['case.json', JSON.parse(readFileSync(join(folder, 'case.json'), 'utf8')).work]);
  expect(statSync(join(folder, 'case.json')).size).toBeLessThan(4096);
});
