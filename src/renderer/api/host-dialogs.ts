// The desktop app's native dialogs (shared/host-dialogs.ts), exposed by the preload as
// `window.studioHost`. Electron's page may open and write only what the user picked in one, so
// when they are there, Open and Export go through them; browser mode has none and uses its own
// pickers (uploads, typed paths, downloads).
import type { HostDialogs } from '../../shared/host-dialogs';

declare global {
  interface Window { studioHost?: HostDialogs }
}

/** The native dialogs in the desktop app; null in browser mode. */
export function hostDialogs(): HostDialogs | null {
  return window.studioHost ?? null;
}
