// The workstation between cases and across reloads: the Auto-segment panel follows the open case,
// the CUDA note shows once, a model meant for another modality asks first and says why, repeated
// messages do not stack, and a reload comes back to the same case, model and device.
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { closeImageIo } from '../../src/core/io';
import { defaultSeriesSpec, makeDicomSeries } from '../fixtures/dicom';
import { appUrl, E2E_DATA, E2E_HOME } from './e2e-env';
import { phantom, writeTestImage, writeThresholdModel } from './e2e-fixtures';

test.describe.configure({ mode: 'serial' });

const ctPath = join(E2E_DATA, 'session-ct.nii.gz');
const mrPath = join(E2E_DATA, 'session-mr-dicom');
let page: Page;
/** What the app calls the DICOM case: its folder, or its series description once DICOM naming is there. */
const MR_NAME = /session-mr-dicom|synthetic T2/;


test.beforeAll(async ({ browser }) => {
  await writeTestImage(ctPath, phantom());
  makeDicomSeries(mrPath, defaultSeriesSpec({
    modality: 'MR', intercept: 0, rowDirection: [1, 0, 0], columnDirection: [0, 1, 0], seriesDescription: 'synthetic T2',
  }));
  writeThresholdModel(join(E2E_HOME, 'models'));
  page = await browser.newPage();
});

test.afterAll(async () => {
  await page?.close();
  await closeImageIo();
});

async function openPath(path: string, name: string | RegExp): Promise<void> {
  if (!(await page.getByTestId('open-path').isVisible())) await page.getByRole('button', { name: 'Open path…' }).click();
  await page.getByTestId('open-path').fill(path);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('case-name')).toHaveText(name);
}

test('the last run belongs to its case; the CUDA note shows once', async () => {
  await page.goto(appUrl());
  await expect(page.getByTestId('case-name')).toBeVisible();
  await openPath(ctPath, 'session-ct.nii.gz');
  await page.getByTitle('Look for new models').click();
  await page.getByTestId('model-select').selectOption('e2e-threshold');
  await page.getByTestId('segment-case').click();
  await expect(page.getByTestId('segment-result')).toContainText('12 slices');
  const noted = await page.getByTestId('provider-note').count();
  await page.getByTestId('segment-case').click();
  await expect(page.getByTestId('segment-result')).toContainText('0 voxels changed');
  // A note about the provider (CUDA missing here) comes with the first run only, and then as a tooltip.
  await expect(page.getByTestId('provider-note')).toHaveCount(0);
  if (noted) await expect(page.getByTestId('segment-provider')).toHaveAttribute('title', /CUDA/);
  await openPath(mrPath, MR_NAME);
  await expect(page.getByTestId('segment-result')).toHaveCount(0);
});

test('a CT model on an MR series asks first and says why', async () => {
  await page.getByTestId('model-select').selectOption('e2e-threshold');
  await page.getByTestId('segment-case').click();
  await expect(page.getByTestId('segment-confirm')).toContainText('trained on CT images, and this image is MR');
  await expect(page.getByTestId('label-count-1')).toHaveText('0');
  await page.screenshot({ path: 'test-results/screenshots/session-modality-question.png' });
  await page.getByTestId('segment-anyway').click();
  await expect(page.getByTestId('segment-result')).toContainText('8 slices');
  await expect(page.getByTestId('segment-confirm')).toHaveCount(0);
});

test('a message repeated does not stack, and no more than three show', async () => {
  await page.getByTestId('undo').click();
  for (let n = 0; n < 4; n++) await page.keyboard.press('i'); // nothing drawn: the same advice each time
  await expect(page.getByTestId('notice').filter({ hasText: 'Fill between slices needs' })).toHaveCount(1);
  await page.keyboard.press('Control+z');
  expect(await page.getByTestId('notice').count()).toBeLessThanOrEqual(3);
});

test('a reload comes back to the same case, model and device', async () => {
  await openPath(ctPath, 'session-ct.nii.gz');
  await page.getByTestId('model-select').selectOption('e2e-threshold');
  await page.getByTestId('device-select').selectOption('cpu');
  await page.reload();
  await expect(page.getByTestId('case-name')).toHaveText('session-ct.nii.gz');
  await expect(page.getByTestId('model-select')).toHaveValue('e2e-threshold');
  await expect(page.getByTestId('device-select')).toHaveValue('cpu');
});
