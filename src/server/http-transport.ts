// Browser mode: the StudioApi over HTTP on loopback. POST /api/<method> with the argument array in
// a binary envelope (typed arrays travel as bytes); answers {ok, value} or {ok:false, error} in the
// same envelope. The method list comes from the contract. Progress events are pushed to pages as
// Server-Sent Events on GET /events (one-way push is all they need; no WebSocket library).
//
// Any web page the user visits can send requests here, so nothing a request holds may stop the
// server: every handler is guarded, a malformed URL or envelope is a 400, the Host must be this
// server's own address (a DNS-rebinding page sends its own name), calls from another origin are
// refused, and a body over the cap is refused from its Content-Length or cut off when it gets there.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { STUDIO_METHODS, type StudioApi, type StudioEvent } from '../shared/api';
import { callProblem } from '../shared/call-checks';
import { isUserError } from '../shared/errors';
import { encodeEnvelope, EnvelopeError, EnvelopeReader, EnvelopeTooLarge } from '../shared/binary-envelope';

export interface StudioServerOptions {
  studio: StudioApi;
  /** Built renderer (index.html + assets). */
  staticDir: string;
  host?: string;
  port?: number;
  /** Access token required on every API call; a random one when absent. */
  token?: string;
  /** Largest request body accepted (default 2 GiB). */
  maxBodyBytes?: number;
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

/** A request refused with an HTTP status and a message for whoever sent it. */
class Refusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/**
 * The call's arguments, decoded as the body arrives: each blob lands in a buffer of its own, so a
 * body costs its size once, chunked or not. A declared length over the cap (the Content-Length, or
 * the envelope's own header for a chunked body) is refused before the rest is read.
 */
async function readArguments(req: IncomingMessage, cap: number): Promise<unknown> {
  const declared = declaredLength(req, cap);
  const reader = new EnvelopeReader(cap, declared ?? undefined);
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > (declared ?? cap)) throw new Refusal(413, `the request body is over the limit of ${cap} bytes`);
      reader.push(chunk);
    }
  } catch (e) {
    throw e instanceof EnvelopeTooLarge ? new Refusal(413, `the request body is over the limit of ${cap} bytes: ${e.message}`) : e;
  }
  if (declared !== null && size !== declared) throw new Refusal(400, `the request body ended after ${size} of its ${declared} bytes`);
  return reader.finish();
}

function declaredLength(req: IncomingMessage, cap: number): number | null {
  const header = req.headers['content-length'];
  if (header === undefined) return null;
  if (!/^\d{1,16}$/.test(header)) throw new Refusal(400, `Content-Length must be a number of bytes, not ${JSON.stringify(header)}`);
  const length = Number(header);
  if (length > cap) throw new Refusal(413, `the request body (${length} bytes) is over the limit of ${cap} bytes`);
  return length;
}

function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected), b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The request's path and query, or null for what no browser of ours sends (`//[`, absolute forms). */
function requestUrl(raw: string | undefined): URL | null {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//')) return null;
  try {
    return new URL(raw, 'http://server');
  } catch {
    return null;
  }
}

function staticRelativePath(url: URL): string | null {
  try {
    return normalize(decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)).replace(/^([/\\])+/, '');
  } catch {
    return null;
  }
}

export async function startStudioServer(options: StudioServerOptions): Promise<StudioServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('base64url');
  const cap = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const methods = new Set<string>(STUDIO_METHODS);
  const listeners = new Set<ServerResponse>();
  let ownHosts = new Set<string>();

  const send = (res: ServerResponse, status: number, type: string, body: Uint8Array | string, close = false) => {
    const bytes = typeof body === 'string' ? Buffer.from(body) : body;
    res.writeHead(status, {
      'content-type': type, 'content-length': bytes.byteLength, 'cache-control': 'no-store', ...(close ? { connection: 'close' } : {}),
    });
    res.end(bytes);
  };
  const sendEnvelope = (res: ServerResponse, status: number, body: unknown, close = false) =>
    send(res, status, 'application/octet-stream', encodeEnvelope(body), close);
  const sendText = (res: ServerResponse, status: number, text: string, close = false) => send(res, status, 'text/plain; charset=utf-8', text, close);

  /** Whether the request comes from this server's own page: its Host, and its Origin when a browser sends one. */
  function originProblem(req: IncomingMessage, needsSameOrigin: boolean): string | null {
    const hostHeader = req.headers.host ?? '';
    if (!ownHosts.has(hostHeader.toLowerCase())) return `this server answers only to ${[...ownHosts][0]}, not to "${hostHeader}"`;
    if (!needsSameOrigin) return null;
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${hostHeader}`) return `calls from ${origin} are refused: only the MedSeg Studio page may call`;
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return `calls from a ${site} page are refused`;
    return null;
  }

  async function callApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST' || !methods.has(method)) return sendEnvelope(res, 404, { ok: false, error: `no such method: ${method}` });
    if (!tokenMatches(token, req.headers['x-medseg-token'])) return sendEnvelope(res, 401, { ok: false, error: 'missing or wrong access token' });
    const args = await readArguments(req, cap);
    if (!Array.isArray(args)) throw new Refusal(400, 'the arguments must be an array');
    const problem = callProblem(method, args);
    if (problem) throw new Refusal(400, problem);
    const fn = options.studio[method as keyof StudioApi] as (...a: unknown[]) => Promise<unknown>;
    try {
      return sendEnvelope(res, 200, { ok: true, value: await fn.apply(options.studio, args) });
    } catch (e) {
      if (!isUserError(e)) throw e;
      return sendEnvelope(res, 200, { ok: false, error: e.message });
    }
  }

  function openEvents(req: IncomingMessage, res: ServerResponse, url: URL): void {
    // EventSource cannot send headers, so the token comes as a query parameter here.
    if (!tokenMatches(token, url.searchParams.get('token'))) return sendEnvelope(res, 401, { ok: false, error: 'missing or wrong access token' });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write(': connected\n\n');
    listeners.add(res);
    const forget = () => listeners.delete(res);
    req.on('close', forget);
    res.on('error', forget);
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed');
    const relative = staticRelativePath(url);
    if (relative === null) return sendText(res, 400, 'malformed URL');
    const file = join(options.staticDir, relative);
    if (!file.startsWith(options.staticDir + sep)) return sendText(res, 403, 'forbidden');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return sendText(res, 404, 'not found');
    }
    send(res, 200, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = requestUrl(req.url);
    if (!url) throw new Refusal(400, 'malformed URL');
    const api = url.pathname.startsWith('/api/') || url.pathname === '/events';
    const problem = originProblem(req, api);
    if (problem) throw new Refusal(403, problem);
    if (url.pathname === '/events') return openEvents(req, res, url);
    if (url.pathname.startsWith('/api/')) return callApi(req, res, url.pathname.slice('/api/'.length));
    return serveStatic(req, res, url);
  }

  /** The one place a request ends badly: refused with its status, or 500 for the engine's own errors. */
  function fail(req: IncomingMessage, res: ServerResponse, e: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const refusal = e instanceof Refusal ? e : e instanceof EnvelopeError ? new Refusal(400, e.message) : null;
    const status = refusal?.status ?? 500;
    const error = refusal?.message ?? `Unexpected error: ${(e as Error)?.message ?? String(e)}`;
    // A refused request may have a body left unread: the connection closes once the answer is out.
    const close = refusal !== null;
    if (req.url?.startsWith('/api/') || req.url?.startsWith('/events')) sendEnvelope(res, status, { ok: false, error }, close);
    else sendText(res, status, error, close);
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    req.on('error', () => res.destroy());
    res.on('error', () => res.destroy());
    handle(req, res).catch((e) => {
      try {
        fail(req, res, e);
      } catch {
        res.destroy();
      }
    });
  };
  const server = createServer(onRequest);
  // A client that waits for "100 Continue" before sending a body over the cap never gets to send it.
  server.on('checkContinue', (req, res) => {
    try {
      declaredLength(req, cap);
    } catch (e) {
      return fail(req, res, e);
    }
    res.writeContinue();
    onRequest(req, res);
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const names = host === '127.0.0.1' || host === 'localhost' ? ['127.0.0.1', 'localhost'] : host === '::1' ? ['[::1]', 'localhost'] : [host];
  ownHosts = new Set(names.map((name) => `${name}:${port}`));
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
