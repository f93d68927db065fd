// Electron main process: one locked-down window showing the app's own page over app://; the
// StudioApi bound to ipcMain (ipc-bindings.ts) behind a path guard that lets the page use only
// the files the user picked, the workspace and the model store (desktop-access.ts).
import { app, BrowserWindow, dialog, ipcMain, protocol, session, utilityProcess, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStudio } from '../core/studio';
import { appRoot, medsegHome } from '../core/paths';
import { CaseStore } from '../core/workspace/case-store';
import { confineStudio } from '../core/confinement/path-guard';
import { useLoadTestLauncher } from '../core/inference/cuda-load-test';
import { appProtocolHandler } from './app-protocol';
import { lockDownContents, lockDownSession } from './contents-policy';
import { desktopAccess, DialogGrants } from './desktop-access';
import { bindHostDialogs, bindStudio } from './ipc-bindings';
import { APP_SCHEME, CONTENT_SECURITY_POLICY, fromOwnPage, pageSource } from './page-source';

const here = fileURLToPath(new URL('.', import.meta.url));
const source = pageSource(app.isPackaged, process.env);
const isOwnPage = (event: IpcMainInvokeEvent) => fromOwnPage(event.senderFrame, source);

// Before ready: app:// is a standard, secure origin (fetch and module scripts work as over https).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();
app.on('web-contents-created', (_event, contents) => lockDownContents(contents));

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
  void win.loadURL(source.url);
}

void app.whenReady().then(() => {
  lockDownSession(session.defaultSession);
  // The runAsNode fuse is off, so the app's binary cannot be a Node child: the CUDA load test gets a utility process.
  useLoadTestLauncher((modulePath, env) => utilityProcess.fork(modulePath, [], { env, stdio: 'pipe', serviceName: 'MedSeg CUDA load test' }));
  protocol.handle(APP_SCHEME, appProtocolHandler(join(here, '../renderer')));
  // The dev server's pages come over HTTP without the policy the app:// protocol sends.
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  const workspace = join(medsegHome(), 'workspace');
  const modelStore = join(medsegHome(), 'models');
  const grants = new DialogGrants();
  const access = desktopAccess({
    grants, cases: new CaseStore(workspace), workspace, modelStore, appFiles: app.isPackaged ? process.resourcesPath : appRoot(),
  });
  const studio = createStudio({
    workspace, models: { user: modelStore },
    emit: (event) => BrowserWindow.getAllWindows().forEach((w) => w.webContents.send('studio:event', event)),
  });
  bindStudio(ipcMain, confineStudio(studio, access), isOwnPage);
  bindHostDialogs(ipcMain, {
    showOpenDialog: (event, options) => dialog.showOpenDialog(BrowserWindow.fromWebContents(event.sender)!, options),
    showSaveDialog: (event, options) => dialog.showSaveDialog(BrowserWindow.fromWebContents(event.sender)!, options),
  }, grants, isOwnPage);
  createWindow();
});
app.on('window-all-closed', () => app.quit());
