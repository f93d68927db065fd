// What the app remembers between reloads of the page (last case, model per modality, device), in
// the browser's localStorage. Losing it is harmless: every reader has a default.
const PREFIX = 'medseg.';

export function recall<T>(key: string): T | null {
  try {
    const text = globalThis.localStorage?.getItem(PREFIX + key);
    return text ? (JSON.parse(text) as T) : null;
  } catch {
    return null; // storage disabled, or a value from another version
  }
}

export function remember(key: string, value: unknown): void {
  try {
    globalThis.localStorage?.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // A full or disabled storage only costs the convenience.
  }
}
