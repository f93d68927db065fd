import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STUDIO_METHODS, type StudioApi } from '../../src/shared/api';
import { UserError } from '../../src/shared/errors';
import { startStudioServer, type StudioServer } from '../../src/server/http-transport';
import { decodeEnvelope, encodeEnvelope } from '../../src/shared/binary-envelope';
import { sampleArguments } from '../fixtures/call-samples';

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
  fetch(`${base()}/api/${method}`, { method: 'POST', headers: { 'x-medseg-token': token }, body: encodeEnvelope(args) });
const reply = async (response: Response) => decodeEnvelope(new Uint8Array(await response.arrayBuffer()));

test('listens on loopback with a token in the printed URL', () => {
  expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{20,}$/);
});

test('every contract method is reachable with its arguments; misshapen calls are refused', async () => {
  for (const method of STUDIO_METHODS) {
    if (method === 'imageInfo') continue;
    const args = sampleArguments(method);
    expect(await reply(await api(method, args))).toEqual({ ok: true, value: { method, args } });
  }
  const before = calls.length;
  const refused = await api('segment', ['not a request']);
  expect(refused.status).toBe(400);
  expect(await reply(refused)).toEqual({ ok: false, error: 'argument 1 of segment must be a request {input, model, out, device?, allowOtherModality?}, not the string "not a request"' });
  expect(calls.length).toBe(before);
});

test('user errors come back as messages, unknown methods and wrong tokens are refused', async () => {
  expect(await reply(await api('imageInfo', ['/nope']))).toEqual({ ok: false, error: 'No such file: /nope' });
  expect((await api('deleteEverything', [])).status).toBe(404);
  const before = calls.length;
  expect((await api('listModels', [], 'wrong-token')).status).toBe(401);
  expect(calls.length).toBe(before);
});

test('typed arrays cross as bytes both ways', async () => {
  const labelmap = new Uint8Array([0, 1, 2, 3]);
  const request = { caseId: '0123456789abcdef', labelmap, out: '/data/m.nii.gz' };
  const answer = await reply(await api('exportMask', [request])) as { value: { args: [{ labelmap: Uint8Array }] } };
  expect(answer.value.args[0].labelmap).toBeInstanceOf(Uint8Array);
  expect(Array.from(answer.value.args[0].labelmap)).toEqual([0, 1, 2, 3]);
});

test('progress events reach pages holding the token', async () => {
  const controller = new AbortController();
  expect((await fetch(`${base()}/events?token=wrong`)).status).toBe(401);
  const response = await fetch(`${base()}/events?token=${server.token}`, { signal: controller.signal });
  const reader = response.body!.getReader();
  await reader.read(); // the ': connected' comment
  server.broadcast({ kind: 'progress', jobId: 'j1', done: 2, total: 8 });
  const { value } = await reader.read();
  expect(new TextDecoder().decode(value)).toBe('data: {"kind":"progress","jobId":"j1","done":2,"total":8}\n\n');
  controller.abort();
});

test('static files are served from the renderer folder only', async () => {
  expect(await (await fetch(`${base()}/`)).text()).toBe('<h1>studio</h1>');
  for (const path of ['/..%2Fmedseg-secret.txt', '/%2E%2E/medseg-secret.txt', '/..\\medseg-secret.txt']) {
    const response = await fetch(`${base()}${path}`);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await response.text()).not.toContain('secret');
  }
});
