// The Electron security checklist's session and web-contents rules, as functions of the objects
// they lock down (so they are tested under Node with stand-ins; Electron cannot launch here).
import type { Session, WebContents } from 'electron';

/** The app needs no browser permission and no device: every request and check is denied. */
export function lockDownSession(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

type NavigationEvent = { preventDefault(): void };
export type LockableContents = Pick<WebContents, 'setWindowOpenHandler'> & {
  on(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: NavigationEvent) => void): unknown;
};

/**
 * The window shows one page and stays on it: no new windows, no navigation of it or its frames,
 * no redirects, no webviews. Applied to every web contents the app creates.
 */
export function lockDownContents(contents: LockableContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview'] as const) {
    contents.on(name, (event) => event.preventDefault());
  }
}
