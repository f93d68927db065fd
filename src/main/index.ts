// Electron main process: one locked-down window; StudioApi bound to ipcMain, one channel per method.
import { app, BrowserWindow, ipcMain } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STUDIO_METHODS, type StudioApi } from '../shared/api';
import { createStudio } from '../core/studio';
import { isUserError } from '../shared/errors';

function bindStudio(studio: StudioApi): void {
  for (const method of STUDIO_METHODS) {
    ipcMain.handle(`studio:${method}`, async (_event, ...args: unknown[]) => {
      try {
        return { ok: true, value: await (studio[method] as (...a: unknown[]) => Promise<unknown>)(...args) };
      } catch (e) {
        return { ok: false, error: isUserError(e) ? e.message : `Unexpected error: ${(e as Error).message}` };
      }
    });
  }
}

const here = fileURLToPath(new URL('.', import.meta.url));

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
    },
  });
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void win.loadFile(join(here, '../renderer/index.html'));
}

void app.whenReady().then(() => {
  bindStudio(createStudio({
    emit: (event) => BrowserWindow.getAllWindows().forEach((w) => w.webContents.send('studio:event', event)),
  }));
  createWindow();
});
app.on('window-all-closed', () => app.quit());
