// The device menu's check in browser mode: the page shows what the engine's provider probe finds on
// this machine — providers, each missing CUDA library by name, and the commands that fix them.
import { mkdirSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { probeDevices } from '../../src/core/inference/cuda-probe';
import { appUrl } from './e2e-env';

test('Check devices lists the providers, the missing CUDA libraries and the fixes the probe found', async ({ page }) => {
  mkdirSync('test-results/screenshots', { recursive: true });
  const here = await probeDevices();
  await page.goto(appUrl());
  await page.getByTestId('device-check').click();
  await expect(page.getByTestId('device-report')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('device-summary')).toHaveText(here.cudaReady ? /^CUDA ready/ : 'CUDA not available: segmentation runs on the CPU');
  await expect(page.getByTestId('device-provider')).toHaveText([/^CPU: installed \(ONNX Runtime [\d.]+\)$/, /^CUDA: (installed|not installed)/]);
  const missing = here.libraries.filter((l) => !l.path).map((l) => l.name);
  await expect(page.getByTestId('device-missing').locator('code')).toHaveText(missing);
  await expect(page.getByTestId('device-fix')).toHaveText(here.fixes);
  await page.getByTestId('device-report').screenshot({ path: 'test-results/screenshots/device-check.png' });
});
