// Electron main process: one locked-down window; StudioApi bound to ipcMain, one channel per
// method, every call checked (sender, method, arguments) before it reaches the engine.
import { app, BrowserWindow, ipcMain, session, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { STUDIO_METHODS, type StudioApi } from '../shared/api';
import { callProblem } from '../shared/call-checks';
import { createStudio } from '../core/studio';
import { isUserError } from '../shared/errors';

const here = fileURLToPath(new URL('.', import.meta.url));
const rendererFile = join(here, '../renderer/index.html');
const devServer = process.env.ELECTRON_RENDERER_URL;
/** Mirrors the page's own meta tag, for the dev server's pages that come over HTTP. */
const CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

/** Only the app's own page may call the engine: not an iframe, not a page it was navigated to. */
function fromOwnPage(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  return devServer ? url.startsWith(devServer) : url === pathToFileURL(rendererFile).href;
}

function bindStudio(studio: StudioApi): void {
  for (const method of STUDIO_METHODS) {
    ipcMain.handle(`studio:${method}`, async (event, ...args: unknown[]) => {
      if (!fromOwnPage(event)) return { ok: false, error: 'Refused: the call did not come from the MedSeg Studio page.' };
      const problem = callProblem(method, args);
      if (problem) return { ok: false, error: `Refused: ${problem}.` };
      try {
        return { ok: true, value: await (studio[method] as (...a: unknown[]) => Promise<unknown>)(...args) };
      } catch (e) {
        return { ok: false, error: isUserError(e) ? e.message : `Unexpected error: ${(e as Error).message}` };
      }
    });
  }
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'MedSeg Studio',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      // Middle-click would ask for a new window; the window-open handler denies it, this stops the ask.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  if (devServer) void win.loadURL(devServer);
  else void win.loadFile(rendererFile);
}

void app.whenReady().then(() => {
  // The app needs no camera, microphone, notifications or other browser permissions.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  bindStudio(createStudio({
    emit: (event) => BrowserWindow.getAllWindows().forEach((w) => w.webContents.send('studio:event', event)),
  }));
  createWindow();
});
app.on('window-all-closed', () => app.quit());
