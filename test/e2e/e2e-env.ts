// One place for the e2e server's address, token and folders (the config, the server launcher and
// the specs all import it). Everything lives under a temporary folder: tests never touch the user's home.
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const E2E_PORT = Number(process.env.MEDSEG_E2E_PORT ?? 47651);
export const E2E_TOKEN = 'medseg-e2e-token';
export const E2E_ROOT = join(tmpdir(), `medseg-e2e-${E2E_PORT}`);
/** MEDSEG_HOME of the server: workspace and the user model store ($MEDSEG_HOME/models). */
export const E2E_HOME = join(E2E_ROOT, 'home');
/** Images the tests write and masks they export (the server's allowed root). */
export const E2E_DATA = join(E2E_ROOT, 'data');
export const E2E_URL = `http://127.0.0.1:${E2E_PORT}/`;
export const appUrl = (extra = '') => `${E2E_URL}#token=${E2E_TOKEN}${extra}`;
