// End-to-end tests of the browser-mode app in Debian's Chromium (never `npx playwright install`).
// The web server is built and started fresh with a temporary MEDSEG_HOME (see test/e2e/serve.ts).
import { defineConfig } from '@playwright/test';
import { E2E_URL } from './test/e2e/e2e-env';

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/e2e-artifacts',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  workers: 1,
  fullyParallel: false,
  reporter: [['list']],
  use: {
    baseURL: E2E_URL,
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    trace: 'retain-on-failure',
  },
  webServer: {
    // `npm test` has just built the app and says so; run alone, Playwright builds it first.
    command: `${process.env.MEDSEG_BUILT ? '' : 'npm run build && '}node --import tsx test/e2e/serve.ts`,
    url: E2E_URL,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
