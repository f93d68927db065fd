// The renderer's only door to the engine: Electron's preload bridge when present, else the
// browser-mode server over HTTP (token from the URL fragment the server printed).
import { STUDIO_METHODS, type StudioApi, type StudioEvent } from '../../shared/api';
import { decodeEnvelope, encodeEnvelope } from '../../shared/binary-envelope';

/** Electron's preload adds onEvent beside the contract's methods. */
type BridgedStudio = StudioApi & { onEvent(listener: (event: StudioEvent) => void): () => void };

declare global {
  interface Window { studio?: BridgedStudio }
}

function accessToken(): string {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (!token) throw new Error('No access token in the address: open the URL that `npm run web` printed.');
  return token;
}

/** Listens to progress events (segmentation, fine-tuning); returns the function that stops listening. */
export function onStudioEvent(listener: (event: StudioEvent) => void): () => void {
  if (window.studio) return window.studio.onEvent(listener);
  const source = new EventSource(`/events?token=${encodeURIComponent(accessToken())}`);
  source.onmessage = (message) => listener(JSON.parse(message.data) as StudioEvent);
  return () => source.close();
}

function httpStudio(token: string): StudioApi {
  const call = async (method: string, args: unknown[]) => {
    const response = await fetch(`/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-medseg-token': token },
      // As a Blob: Chromium's DevTools protocol copies ArrayBuffer bodies into its request events,
      // and an autosave of a real-size CT (84 MB) then breaks an attached debugger or Playwright.
      body: new Blob([encodeEnvelope(args)]),
    });
    const reply = decodeEnvelope<{ ok: boolean; value?: unknown; error?: string }>(new Uint8Array(await response.arrayBuffer()));
    if (!reply.ok) throw new Error(reply.error);
    return reply.value;
  };
  return Object.fromEntries(STUDIO_METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)])) as unknown as StudioApi;
}

function studioClient(): StudioApi {
  if (window.studio) return window.studio;
  return httpStudio(accessToken());
}

let client: StudioApi | null = null;
/** The engine, created on first use (browser mode needs the token from the address). */
export function studio(): StudioApi {
  return (client ??= studioClient());
}
