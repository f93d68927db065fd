// The app:// protocol that serves the built renderer: the page gets a standard, secure origin of
// its own (not file://, where any local file is same-origin with the page), and only files inside
// the renderer folder can be fetched from it.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { APP_PAGE_URL, CONTENT_SECURITY_POLICY } from './page-source';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
};

/** The file under `rendererDir` that an app:// URL names, or null when it names none there. */
export function appProtocolFile(requestUrl: string, rendererDir: string): string | null {
  if (!URL.canParse(requestUrl)) return null;
  const url = new URL(requestUrl), page = new URL(APP_PAGE_URL);
  if (url.protocol !== page.protocol || url.host !== page.host) return null;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname === '/' ? page.pathname : url.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const file = join(rendererDir, normalize(path).replace(/^([/\\])+/, ''));
  return file.startsWith(rendererDir.endsWith(sep) ? rendererDir : rendererDir + sep) ? file : null;
}

/** protocol.handle's handler for app://: the renderer's files, with the page's security headers. */
export function appProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const file = request.method === 'GET' ? appProtocolFile(request.url, rendererDir) : null;
    const body = file ? await readFile(file).catch(() => null) : null;
    if (!file || !body) return new Response('not found', { status: 404, headers: { 'content-type': 'text/plain' } });
    return new Response(new Uint8Array(body), {
      headers: {
        'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
      },
    });
  };
}
