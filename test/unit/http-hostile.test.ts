// Browser mode as any web page (or local process) can reach it: requests that once stopped the
// server or made it read without limit (issue 10, items 1, 5 and 8). Traffic to 127.0.0.1 only;
// every exchange has a time limit, every loop a count.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STUDIO_METHODS, type StudioApi } from '../../src/shared/api';
import { startStudioServer, type StudioServer } from '../../src/server/http-transport';
import { decodeEnvelope, encodeEnvelope } from '../../src/shared/binary-envelope';
import { rawExchange, streamUntilRefused } from '../fixtures/raw-http';

const calls: string[] = [];
const studio = Object.fromEntries(STUDIO_METHODS.map((m) => [m, async () => { calls.push(m); return m; }])) as unknown as StudioApi;
const staticDir = mkdtempSync(join(tmpdir(), 'medseg-static-'));
writeFileSync(join(staticDir, 'index.html'), '<h1>studio</h1>');
const CAP = 1 << 20;

let server: StudioServer;
let port: number;
beforeAll(async () => {
  server = await startStudioServer({ studio, staticDir, maxBodyBytes: CAP });
  port = Number(new URL(server.url).port);
});
afterAll(() => server.close());

const own = () => `127.0.0.1:${port}`;
const post = (method: string, headers: string[], body: Uint8Array) => rawExchange(port, Buffer.concat([
  Buffer.from([`POST /api/${method} HTTP/1.1`, `Host: ${own()}`, `x-medseg-token: ${server.token}`, `Content-Length: ${body.byteLength}`, ...headers, '', ''].join('\r\n')),
  body,
]));
const stillServing = async () => expect((await fetch(`http://${own()}/`)).status).toBe(200);

test('malformed URLs answer 400 and the server keeps serving', async () => {
  for (const target of ['/%E0%A4%A', '//[', '/%', '/api/%E0%A4%A', 'http://[/', '/index.html%00']) {
    const answer = await rawExchange(port, `GET ${target} HTTP/1.1\r\nHost: ${own()}\r\n\r\n`);
    expect(answer.status, target).toBeGreaterThanOrEqual(400);
    expect(answer.status, target).toBeLessThan(500);
    await stillServing();
  }
  expect((await rawExchange(port, `GET /%E0%A4%A HTTP/1.1\r\nHost: ${own()}\r\n\r\n`)).status).toBe(400);
  expect((await rawExchange(port, `GET //[ HTTP/1.1\r\nHost: ${own()}\r\n\r\n`)).status).toBe(400);
});

test('a Host other than the server\'s own address is refused (DNS rebinding)', async () => {
  const before = calls.length;
  for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${port + 1}`, '']) {
    const answer = await post('listModels', [], encodeEnvelope([]));
    expect(answer.status).toBe(200);
    const rebound = await rawExchange(port, `POST /api/listModels HTTP/1.1\r\nHost: ${host}\r\nx-medseg-token: ${server.token}\r\nContent-Length: 0\r\n\r\n`);
    expect(rebound.status, host).toBe(403);
    expect((await rawExchange(port, `GET / HTTP/1.1\r\nHost: ${host}\r\n\r\n`)).status, host).toBe(403);
  }
  expect(calls.length).toBe(before + 4);
  expect((await rawExchange(port, `GET / HTTP/1.1\r\nHost: localhost:${port}\r\n\r\n`)).status).toBe(200);
});

test('calls from another origin are refused (CSRF); the page\'s own origin passes', async () => {
  const before = calls.length;
  const body = encodeEnvelope([]);
  expect((await post('recentCases', ['Origin: http://evil.example'], body)).status).toBe(403);
  expect((await post('recentCases', ['Origin: null'], body)).status).toBe(403);
  expect((await post('recentCases', ['Sec-Fetch-Site: cross-site'], body)).status).toBe(403);
  expect((await rawExchange(port, `GET /events?token=${server.token} HTTP/1.1\r\nHost: ${own()}\r\nOrigin: http://evil.example\r\n\r\n`)).status).toBe(403);
  expect(calls.length).toBe(before);
  expect((await post('recentCases', [`Origin: http://${own()}`, 'Sec-Fetch-Site: same-origin'], body)).status).toBe(200);
});

test('a body over the cap is refused from its Content-Length, before it is sent', async () => {
  const started = performance.now();
  const answer = await rawExchange(port, `POST /api/listModels HTTP/1.1\r\nHost: ${own()}\r\nx-medseg-token: ${server.token}\r\nContent-Length: 3000000000\r\n\r\n`);
  expect(answer.status).toBe(413);
  expect(performance.now() - started).toBeLessThan(4000);
  const waiting = await rawExchange(port, `POST /api/listModels HTTP/1.1\r\nHost: ${own()}\r\nx-medseg-token: ${server.token}\r\nContent-Length: ${CAP + 1}\r\nExpect: 100-continue\r\n\r\n`);
  expect(waiting.status).toBe(413); // never "100 Continue"
  expect((await rawExchange(port, `POST /api/listModels HTTP/1.1\r\nHost: ${own()}\r\nx-medseg-token: ${server.token}\r\nContent-Length: -1\r\n\r\n`)).status).toBe(400);
  await stillServing();
});

test('a streamed body stops being read at the cap', async () => {
  const head = `POST /api/listModels HTTP/1.1\r\nHost: ${own()}\r\nx-medseg-token: ${server.token}\r\nTransfer-Encoding: chunked\r\n\r\n`;
  const answer = await streamUntilRefused(port, head, 256 << 10, 1024); // offers up to 256 MiB
  expect(answer.status).toBe(413);
  // The cap is 1 MiB; what else was accepted sat in socket buffers when the server closed.
  expect(answer.sentBytes).toBeLessThan(64 << 20);
  await stillServing();
});

/** An upload's envelope up to its blob (prefix, header, JSON) whose header declares a blob of `bytes`. */
function uploadDeclaring(bytes: number): Buffer {
  const honest = encodeEnvelope([[{ name: 'a.png', bytes: new Uint8Array(0) }]]);
  const view = new DataView(honest.buffer);
  const header = Buffer.from(JSON.stringify({ blobs: [bytes] }));
  const lying = Buffer.concat([Buffer.alloc(8), header, honest.subarray(8 + view.getUint32(0, true))]);
  lying.writeUInt32LE(header.length, 0);
  lying.writeUInt32LE(view.getUint32(4, true), 4);
  return lying;
}

/** A chunked-encoding frame of `bytes`. */
const frame = (bytes: Uint8Array) => Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
const chunkedHead = (method: string) => `POST /api/${method} HTTP/1.1\r\nHost: ${own()}\r\nx-medseg-token: ${server.token}\r\nTransfer-Encoding: chunked\r\n\r\n`;

test('a chunked body is decoded as it arrives, and refused once its envelope declares more than the cap', async () => {
  const before = calls.length;
  const upload = encodeEnvelope([[{ name: 'a.png', bytes: new Uint8Array(300_000).fill(3) }]]);
  const pieces = [0, 5, 100, 65_536, upload.length].map((at, i, all) => upload.subarray(at, all[i + 1] ?? at)).filter((p) => p.length);
  const honest = await rawExchange(port, Buffer.concat([Buffer.from(chunkedHead('openUploadedCase')), ...pieces.map(frame), Buffer.from('0\r\n\r\n')]));
  expect(honest.status).toBe(200);
  expect(calls.length).toBe(before + 1);
  // Only the envelope's prefix and header are sent: they declare 64 MiB, the answer comes without the rest.
  const refused = await rawExchange(port, Buffer.concat([Buffer.from(chunkedHead('openUploadedCase')), frame(uploadDeclaring(64 << 20))]));
  expect(refused.status).toBe(413);
  expect(refused.text).toMatch(/over the limit of 1048576 bytes: malformed request envelope: it declares \d+ bytes, over the limit/);
  expect(calls.length).toBe(before + 1);
  await stillServing();
});

test('declared blob lengths are checked against the body: a 100-byte request cannot declare 64 MiB', async () => {
  const before = calls.length;
  const lying = uploadDeclaring(64 << 20);
  expect(lying.length).toBeLessThan(100);
  const answer = await post('openUploadedCase', [], lying);
  expect(answer.status).toBe(400);
  expect(answer.text).toContain('malformed request envelope');
  expect(calls.length).toBe(before);
});

test('two hundred hostile requests in a row leave the server serving', async () => {
  const targets = ['/%E0%A4%A', '//[', '/%C0', '/api/%ZZ', '/%'];
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) =>
    rawExchange(port, `GET ${targets[i % targets.length]} HTTP/1.1\r\nHost: ${own()}\r\n\r\n`, 10_000)));
  expect(answers.filter((a) => a.status === 400).length).toBe(160);
  expect(answers.filter((a) => a.status === 404).length).toBe(40); // /api/%ZZ names no method
  const reply = decodeEnvelope(new Uint8Array(await (await fetch(`http://${own()}/api/listModels`, {
    method: 'POST', headers: { 'x-medseg-token': server.token }, body: encodeEnvelope([]),
  })).arrayBuffer()));
  expect(reply).toEqual({ ok: true, value: 'listModels' });
});
