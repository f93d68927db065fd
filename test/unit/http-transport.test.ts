import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STUDIO_METHODS, type StudioApi } from '../../src/shared/api';
import { UserError } from '../../src/shared/errors';
import { startStudioServer, type StudioServer } from '../../src/server/http-transport';

// A studio double that records calls, so the test checks the transport and nothing else.
const calls: [string, unknown[]][] = [];
const studio = Object.fromEntries(
  STUDIO_METHODS.map((m) => [m, async (...args: unknown[]) => {
    calls.push([m, args]);
    if (m === 'imageInfo') throw new UserError(`No such file: ${args[0]}`);
    return { method: m, args };
  }]),
) as unknown as StudioApi;

let server: StudioServer;
const staticDir = mkdtempSync(join(tmpdir(), 'medseg-static-'));
writeFileSync(join(staticDir, 'index.html'), '<h1>studio</h1>');
writeFileSync(join(tmpdir(), 'medseg-secret.txt'), 'secret');

beforeAll(async () => { server = await startStudioServer({ studio, staticDir }); });
afterAll(() => server.close());

const base = () => new URL(server.url).origin;
const api = (method: string, args: unknown, token = server.token) =>
  fetch(`${base()}/api/${method}`, { method: 'POST', headers: { 'x-medseg-token': token }, body: JSON.stringify(args) });

test('listens on loopback with a token in the printed URL', () => {
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{20,}$/);
});

test('every contract method is reachable with its arguments', async () => {
  for (const method of STUDIO_METHODS) {
    if (method === 'imageInfo') continue;
    const reply = await (await api(method, [{ a: 1 }])).json();
    expect(reply).toEqual({ ok: true, value: { method, args: [{ a: 1 }] } });
  }
});

test('user errors come back as messages, unknown methods and wrong tokens are refused', async () => {
  expect(await (await api('imageInfo', ['/nope'])).json()).toEqual({ ok: false, error: 'No such file: /nope' });
  expect((await api('deleteEverything', [])).status).toBe(404);
  const before = calls.length;
  expect((await api('listModels', [], 'wrong-token')).status).toBe(401);
  expect(calls.length).toBe(before);
});

test('static files are served from the renderer folder only', async () => {
  expect(await (await fetch(`${base()}/`)).text()).toBe('<h1>studio</h1>');
  for (const path of ['/..%2Fmedseg-secret.txt', '/%2E%2E/medseg-secret.txt', '/..\\medseg-secret.txt']) {
    const response = await fetch(`${base()}${path}`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await response.text()).not.toContain('secret');
  }
});
