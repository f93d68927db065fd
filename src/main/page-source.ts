// Which page the window shows, and which frames count as that page when they call the engine.
// A packaged app always shows its own built page over app://; electron-vite's dev server (its URL
// in ELECTRON_RENDERER_URL) is honoured only when not packaged, and only on this machine.

export const APP_SCHEME = 'app';
/** The built renderer, served by the app:// protocol (app-protocol.ts). */
export const APP_PAGE_URL = `${APP_SCHEME}://medseg/index.html`;

/** Mirrors the page's own meta tag; sent as a header with every page response too. */
export const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export interface PageSource {
  kind: 'app' | 'dev-server';
  url: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

export function pageSource(isPackaged: boolean, env: Record<string, string | undefined>): PageSource {
  const dev = env.ELECTRON_RENDERER_URL;
  if (!isPackaged && dev) {
    const url = URL.canParse(dev) ? new URL(dev) : null;
    if (url && url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return { kind: 'dev-server', url: url.href };
  }
  return { kind: 'app', url: APP_PAGE_URL };
}

/**
 * Whether a frame's URL is the page itself: scheme, host, port and path compared exactly (never a
 * prefix: `http://localhost:5173.evil.example/` is not `http://localhost:5173/`); query and
 * fragment may differ.
 */
export function isOwnPage(frameUrl: string, source: PageSource): boolean {
  if (!URL.canParse(frameUrl)) return false;
  const frame = new URL(frameUrl), page = new URL(source.url);
  return frame.protocol === page.protocol && frame.host === page.host && frame.pathname === page.pathname && frame.username === '' && frame.password === '';
}

/** The frame an IPC message came from, as Electron reports it (null once the frame is gone). */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

/** Only the page's main frame may call: not an iframe, not a page the window was navigated to. */
export function fromOwnPage(frame: SenderFrame | null | undefined, source: PageSource): boolean {
  return !!frame && frame.parent === null && isOwnPage(frame.url, source);
}
