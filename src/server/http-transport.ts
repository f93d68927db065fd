// Browser mode: the StudioApi over HTTP on loopback. POST /api/<method> with the argument array in
// a binary envelope (typed arrays travel as bytes); answers {ok, value} or {ok:false, error} in the
// same envelope. The method list comes from the contract. Progress events are pushed to pages as
// Server-Sent Events on GET /events (one-way push is all they need; no WebSocket library).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { callProblem, STUDIO_METHODS, type StudioApi, type StudioEvent } from '../shared/api';
import { isUserError } from '../shared/errors';
import { decodeEnvelope, encodeEnvelope } from '../shared/binary-envelope';

export interface StudioServerOptions {
  studio: StudioApi;
  /** Built renderer (index.html + assets). */
  staticDir: string;
  host?: string;
  port?: number;
  /** Access token required on every API call; a random one when absent. */
  token?: string;
}

export interface StudioServer {
  server: Server;
  url: string;
  token: string;
  /** Pushes an event to every connected page. */
  broadcast(event: StudioEvent): void;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.wasm': 'application/wasm',
};

// Labelmaps of full CT volumes are sent back for autosave: allow up to 2 GiB.
const MAX_BODY_BYTES = 2 ** 31;

async function readBody(req: IncomingMessage): Promise<Uint8Array> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tokenMatches(expected: string, given: string | null): boolean {
  if (!given) return false;
  const a = Buffer.from(expected), b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startStudioServer(options: StudioServerOptions): Promise<StudioServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const methods = new Set<string>(STUDIO_METHODS);
  const listeners = new Set<ServerResponse>();

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${host}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/octet-stream' });
      res.end(encodeEnvelope(body));
    };
    if (url.pathname === '/events') {
      // EventSource cannot send headers, so the token comes as a query parameter here.
      if (!tokenMatches(token, url.searchParams.get('token'))) return send(401, { ok: false, error: 'missing or wrong access token' });
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      listeners.add(res);
      req.on('close', () => listeners.delete(res));
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      const method = url.pathname.slice('/api/'.length);
      if (req.method !== 'POST' || !methods.has(method)) return send(404, { ok: false, error: `no such method: ${method}` });
      if (!tokenMatches(token, req.headers['x-medseg-token'] as string ?? null)) return send(401, { ok: false, error: 'missing or wrong access token' });
      try {
        const args = decodeEnvelope(await readBody(req));
        if (!Array.isArray(args)) return send(400, { ok: false, error: 'arguments must be an array' });
        const problem = callProblem(method, args);
        if (problem) return send(400, { ok: false, error: problem });
        const fn = options.studio[method as keyof StudioApi] as (...a: unknown[]) => Promise<unknown>;
        return send(200, { ok: true, value: await fn(...args) });
      } catch (e) {
        return send(isUserError(e) ? 200 : 500, { ok: false, error: isUserError(e) ? e.message : `Unexpected error: ${(e as Error).message}` });
      }
    }
    // Static renderer files, confined to staticDir.
    const relative = normalize(decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)).replace(/^([/\\])+/, '');
    const file = join(options.staticDir, relative);
    if (!file.startsWith(options.staticDir + sep)) {
      res.writeHead(403, { 'content-type': 'text/plain' });
      return res.end('forbidden');
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    server,
    token,
    url: `http://${host}:${port}/#token=${token}`,
    broadcast(event) {
      const frame = `data: ${JSON.stringify(event)}\n\n`;
      for (const listener of listeners) listener.write(frame);
    },
    close: () => new Promise<void>((resolve) => {
      for (const listener of listeners) listener.end();
      server.close(() => resolve());
    }),
  };
}
