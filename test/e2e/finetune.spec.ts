// The fine-tune panel in browser mode: review a corrected case, start a job, watch its progress,
// cancel it, start again, and see the new version judged by the regression gate.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { closeImageIo } from '../../src/core/io';
import { createStudio } from '../../src/core/studio';
import { appUrl, E2E_DATA, E2E_HOME } from './e2e-env';
import { trainDiscModel, writeDiscCase } from '../fixtures/finetune-data';

const SHOTS = 'test-results/screenshots';
const MODEL = 'synthetic-disc';
const data = join(E2E_DATA, 'finetune');
let page: Page;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  test.setTimeout(180_000);
  mkdirSync(SHOTS, { recursive: true });
  const models = join(E2E_HOME, 'models');
  await trainDiscModel(models, MODEL, 'A', 30);
  // Three corrected cases in the workspace the server shares; two are reviewed already, the third
  // is reviewed in the page.
  const studio = createStudio({ workspace: join(E2E_HOME, 'workspace'), models: { shipped: join(E2E_HOME, 'no-shipped'), user: models } });
  for (const seed of [1, 2, 3]) {
    const files = await writeDiscCase(data, `case${seed}`, 'B', seed);
    await studio.addCase({ input: files.image, mask: files.mask, model: MODEL, device: 'cpu', reviewed: seed !== 3 });
  }
  page = await browser.newPage();
});

test.afterAll(async () => {
  await page?.close();
  await closeImageIo();
});

test('a corrected case is marked reviewed in the page', async () => {
  await page.goto(appUrl());
  await expect(page.getByTestId('case-name')).toHaveText('abdomen-phantom.nii.gz');
  await page.getByRole('button', { name: 'Open path…' }).click();
  await page.getByTestId('open-path').fill(join(data, 'case3.nii.gz'));
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await expect(page.getByTestId('case-name')).toHaveText('case3.nii.gz');
  await expect(page.getByTestId('case-info')).toContainText(`${MODEL}@1.0.0`);
  await expect(page.getByTestId('case-reviewed')).not.toBeChecked();
  await page.getByTestId('model-select').selectOption(MODEL);
  await page.getByTestId('case-reviewed').check();
  await expect(page.getByTestId('case-split')).toHaveText('(training)');
});

test('starts a job, shows its progress, cancels it, and nothing changes', async () => {
  await page.getByTestId('finetune-epochs').fill('400');
  await page.getByTestId('finetune-start').click();
  await expect(page.getByTestId('finetune-status')).toContainText(/Epoch \d+ of 400/, { timeout: 60_000 });
  await expect(page.getByTestId('finetune-plot')).toBeVisible();
  await expect(page.getByTestId('finetune-job')).toContainText('2 training · 1 held-out case(s) · from synthetic-disc@1.0.0');
  await page.screenshot({ path: `${SHOTS}/09-finetune-running.png` });
  // The app stays usable while the trainer runs: scroll the case.
  await page.keyboard.press('ArrowUp');
  await page.getByTestId('finetune-cancel').click();
  await expect(page.getByTestId('finetune-outcome')).toContainText('Cancelled; nothing was changed');
  await expect(page.getByTestId('finetune-versions')).toHaveCount(0);
});

test('starts again; the gate promotes the better version, and the old one can be restored', async () => {
  await page.getByTestId('finetune-epochs').fill('15');
  await page.getByTestId('finetune-start').click();
  await expect(page.getByTestId('finetune-outcome')).toContainText(/synthetic-disc@1\.1\.0 is now current/, { timeout: 120_000 });
  await expect(page.getByTestId('version-1.1.0')).toContainText('current');
  await expect(page.getByTestId('model-select')).toContainText('(1.1.0)');
  await page.getByTestId('finetune-evaluate').click();
  await expect(page.getByTestId('finetune-evaluation')).toContainText('1.1.0');
  await page.screenshot({ path: `${SHOTS}/10-finetune-promoted.png` });
  await page.getByTestId('use-1.0.0').click();
  await expect(page.getByTestId('version-1.0.0')).toContainText('current');
  await expect(page.getByTestId('model-select')).toContainText('(1.0.0)');
});
