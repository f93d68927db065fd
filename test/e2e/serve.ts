// The e2e web server: a fresh temporary MEDSEG_HOME and data root, a fixed port and token, then the
// real browser-mode entry (src/server/main.ts). Playwright's webServer runs it after `npm run build`.
import { mkdirSync, rmSync } from 'node:fs';
import { E2E_DATA, E2E_HOME, E2E_PORT, E2E_ROOT, E2E_TOKEN } from './e2e-env';

rmSync(E2E_ROOT, { recursive: true, force: true });
mkdirSync(E2E_HOME, { recursive: true });
mkdirSync(E2E_DATA, { recursive: true });
Object.assign(process.env, {
  MEDSEG_HOME: E2E_HOME, MEDSEG_ROOTS: E2E_DATA, MEDSEG_TOKEN: E2E_TOKEN, MEDSEG_PORT: String(E2E_PORT),
});
await import('../../src/server/main');
