// The Electron main process's security policies (issue 10, item 9), as pure functions under Node:
// Electron cannot launch on this machine, so each policy is tested on stand-ins for the objects it
// locks down, and the packaging fuses on the builder config.
import { expect, test } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import type { IpcMainInvokeEvent } from 'electron';
import { STUDIO_METHODS, type StudioApi } from '../../src/shared/api';
import { confineStudio } from '../../src/core/confinement/path-guard';
import { CaseStore } from '../../src/core/workspace/case-store';
import { appProtocolFile, appProtocolHandler } from '../../src/main/app-protocol';
import { lockDownContents, lockDownSession, type LockableContents } from '../../src/main/contents-policy';
import { desktopAccess, DialogGrants } from '../../src/main/desktop-access';
import { bindHostDialogs, bindStudio, IMAGE_FILTERS, type IpcRegistry, type Reply } from '../../src/main/ipc-bindings';
import { APP_PAGE_URL, fromOwnPage, isOwnPage, pageSource } from '../../src/main/page-source';
import { sampleArguments } from '../fixtures/call-samples';

test('the builder flips the fuses that turn the app into a plain Node or let it load foreign code', () => {
  const config = readFileSync('electron-builder.yml', 'utf8');
  const block = /^electronFuses:\n((?: {2}\w+: \w+\n)+)/m.exec(config)?.[1] ?? '';
  const fuses = Object.fromEntries([...block.matchAll(/ {2}(\w+): (\w+)/g)].map(([, k, v]) => [k, v === 'true']));
  expect(fuses).toMatchObject({
    runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true, onlyLoadAppFromAsar: true, grantFileProtocolExtraPrivileges: false,
  });
  expect(config).not.toMatch(/^asar: false/m); // asar integrity and only-from-asar need the archive
});

test('the dev server URL is honoured only when not packaged, and only on this machine', () => {
  const dev = { ELECTRON_RENDERER_URL: 'http://localhost:5173/' };
  expect(pageSource(true, dev)).toEqual({ kind: 'app', url: APP_PAGE_URL });
  expect(pageSource(false, dev)).toEqual({ kind: 'dev-server', url: 'http://localhost:5173/' });
  for (const url of ['https://evil.example/', 'http://192.168.1.5:5173/', 'file:///tmp/index.html', 'not a url']) {
    expect(pageSource(false, { ELECTRON_RENDERER_URL: url }).kind, url).toBe('app');
  }
  expect(pageSource(false, {}).url).toBe('app://medseg/index.html');
});

test('only the page itself counts as the page: compared exactly, main frame only', () => {
  const app = pageSource(true, {});
  const dev = pageSource(false, { ELECTRON_RENDERER_URL: 'http://localhost:5173' });
  expect(isOwnPage('app://medseg/index.html', app)).toBe(true);
  expect(isOwnPage('app://medseg/index.html#case=1', app)).toBe(true);
  expect(isOwnPage('http://localhost:5173/', dev)).toBe(true);
  for (const [url, source] of [
    ['http://localhost:5173.evil.example/', dev], ['http://localhost:51730/', dev], ['http://user@localhost:5173/', dev],
    ['app://medseg/other.html', app], ['app://evil/index.html', app], ['file:///opt/medseg/out/renderer/index.html', app], ['', app],
  ] as const) {
    expect(isOwnPage(url, source), url).toBe(false);
  }
  expect(fromOwnPage({ url: 'app://medseg/index.html', parent: null }, app)).toBe(true);
  expect(fromOwnPage({ url: 'app://medseg/index.html', parent: {} }, app)).toBe(false); // an iframe
  expect(fromOwnPage(null, app)).toBe(false);
});

test('app:// serves the renderer folder and nothing outside it, with the page\'s policy', async () => {
  const base = mkdtempSync(join(tmpdir(), 'medseg-app-protocol-'));
  const renderer = join(base, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<h1>page</h1>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'export {}');
  writeFileSync(join(base, 'secret.txt'), 'secret');
  expect(appProtocolFile('app://medseg/', renderer)).toBe(join(renderer, 'index.html'));
  expect(appProtocolFile('app://medseg/assets/app.js?v=1', renderer)).toBe(join(renderer, 'assets', 'app.js'));
  for (const url of ['app://medseg/%E0%A4%A', 'app://medseg/a%00b', 'app://other/index.html', 'file:///etc/passwd', 'https://medseg/index.html']) {
    expect(appProtocolFile(url, renderer), url).toBeNull();
  }
  // Dot segments, plain or encoded, end inside the folder, never above it.
  for (const url of ['app://medseg/%2e%2e/%2e%2e/secret.txt', 'app://medseg/..%2f..%2fsecret.txt', 'app://medseg/..%5csecret.txt']) {
    expect(appProtocolFile(url, renderer)!.startsWith(renderer + sep), url).toBe(true);
  }
  const handler = appProtocolHandler(renderer);
  const page = await handler(new Request('app://medseg/index.html'));
  expect(await page.text()).toBe('<h1>page</h1>');
  expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  for (const url of ['app://medseg/%2e%2e/secret.txt', 'app://medseg/..%2fsecret.txt', 'app://medseg/..%5c..%5csecret.txt']) {
    expect((await handler(new Request(url))).status, url).toBe(404);
  }
  expect((await handler(new Request('app://medseg/index.html', { method: 'POST', body: 'x' }))).status).toBe(404);
});

test('every permission request and check is denied, devices included', () => {
  const handlers: Record<string, (...args: any[]) => unknown> = {};
  lockDownSession({
    setPermissionRequestHandler: (h: any) => { handlers.request = h; },
    setPermissionCheckHandler: (h: any) => { handlers.check = h; },
    setDevicePermissionHandler: (h: any) => { handlers.device = h; },
  });
  const granted: boolean[] = [];
  for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'fileSystem']) {
    handlers.request(null, permission, (g: boolean) => granted.push(g), {});
  }
  expect(granted).toEqual([false, false, false, false, false]);
  expect(handlers.check(null, 'hid', 'app://medseg', {})).toBe(false);
  expect(handlers.device({ deviceType: 'usb', origin: 'app://medseg' })).toBe(false);
});

test('the window cannot be navigated, redirected, framed elsewhere or made to open windows', () => {
  const listeners = new Map<string, (event: { preventDefault(): void }) => void>();
  let openHandler: (() => unknown) | null = null;
  const contents = {
    setWindowOpenHandler: (h: () => unknown) => { openHandler = h; },
    on: (name: string, listener: (event: { preventDefault(): void }) => void) => { listeners.set(name, listener); },
  } as unknown as LockableContents;
  lockDownContents(contents);
  expect(openHandler!()).toEqual({ action: 'deny' });
  for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
    let prevented = false;
    listeners.get(name)!({ preventDefault: () => { prevented = true; } });
    expect(prevented, name).toBe(true);
  }
});

/** An ipcMain stand-in: handlers by channel, invoked as if from a frame at `url`. */
function fakeIpc() {
  const handlers = new Map<string, (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<Reply>>();
  const registry: IpcRegistry = { handle: (channel, listener) => { handlers.set(channel, listener); } };
  const invoke = (channel: string, url: string, ...args: unknown[]) =>
    handlers.get(channel)!({ senderFrame: { url, parent: null } } as unknown as IpcMainInvokeEvent, ...args);
  return { registry, invoke };
}
const own = (event: IpcMainInvokeEvent) => fromOwnPage(event.senderFrame, pageSource(true, {}));

test('main answers only its own page, on the contract\'s channels, with arguments of the declared kinds', async () => {
  const calls: string[] = [];
  const studio = Object.fromEntries(STUDIO_METHODS.map((m) => [m, async () => { calls.push(m); return m; }])) as unknown as StudioApi;
  const ipc = fakeIpc();
  bindStudio(ipc.registry, studio, own);
  expect(await ipc.invoke('studio:segment', APP_PAGE_URL, ...sampleArguments('segment'))).toEqual({ ok: true, value: 'segment' });
  expect(await ipc.invoke('studio:segment', 'https://evil.example/', ...sampleArguments('segment'))).toMatchObject({ ok: false, error: /did not come from/ });
  expect(await ipc.invoke('studio:importModel', APP_PAGE_URL, { file: new Uint8Array([47]) })).toMatchObject({ ok: false, error: /"file" must be a file or folder path/ });
  expect(calls).toEqual(['segment']);
});

test('the page may name only what the user picked, the workspace and the model store; a picked save target becomes writable', async () => {
  const base = mkdtempSync(join(tmpdir(), 'medseg-desktop-'));
  const [workspace, modelStore, appFiles, images, elsewhere] = ['workspace', 'models', 'app', 'images', 'elsewhere'].map((d) => join(base, d));
  for (const dir of [workspace, modelStore, appFiles, images, elsewhere]) mkdirSync(dir);
  for (const f of ['ct.nii.gz', 'mr.nii.gz']) writeFileSync(join(images, f), 'image');
  symlinkSync(join(elsewhere), join(images, 'link'));
  const seen: unknown[][] = [];
  const studio = Object.fromEntries(STUDIO_METHODS.map((m) => [m, async (...args: unknown[]) => { seen.push(args); return m; }])) as unknown as StudioApi;
  const grants = new DialogGrants();
  const cases = new CaseStore(workspace);
  const guarded = confineStudio(studio, desktopAccess({ grants, cases, workspace, modelStore, appFiles }));
  const dialogs = { showOpenDialog: async () => ({ canceled: false, filePaths: [join(images, 'ct.nii.gz')] }), showSaveDialog: async () => ({ canceled: false, filePath: join(images, 'ct-mask.nii.gz') }) };
  const ipc = fakeIpc();
  bindHostDialogs(ipc.registry, dialogs, grants, own);

  // Before any dialog, a path the page types or makes up is refused.
  await expect(guarded.openCase({ path: join(images, 'ct.nii.gz') })).rejects.toThrow(/Choose it with Open/);
  await expect(guarded.exportMask({ caseId: 'c', labelmap: new Uint8Array(1), out: join(images, 'ct-mask.nii.gz') })).rejects.toThrow(/Export dialog/);
  expect(await ipc.invoke('host:pickExportTarget', 'https://evil.example/', '/tmp/x.nii.gz')).toMatchObject({ ok: false });

  expect(await ipc.invoke('host:pickImage', APP_PAGE_URL, 'file')).toEqual({ ok: true, value: join(images, 'ct.nii.gz') });
  expect(await guarded.openCase({ path: join(images, 'ct.nii.gz') })).toBe('openCase');
  await expect(guarded.openCase({ path: join(images, 'mr.nii.gz') })).rejects.toThrow(/outside the files this page may open/);
  await expect(guarded.imageInfo(join(images, 'link'))).rejects.toThrow(/outside/);
  expect(await ipc.invoke('host:pickExportTarget', APP_PAGE_URL, join(images, 'suggested.nii.gz'))).toEqual({ ok: true, value: join(images, 'ct-mask.nii.gz') });
  expect(await guarded.exportMask({ caseId: 'c', labelmap: new Uint8Array(1), out: join(images, 'ct-mask.nii.gz') })).toBe('exportMask');
  await expect(guarded.exportMask({ caseId: 'c', labelmap: new Uint8Array(1), out: join(images, 'other-mask.nii.gz') })).rejects.toThrow(/outside the folders this page may write to/);
  // The workspace and the model store are readable; the model store and the app are never written.
  expect(await guarded.imageInfo(join(workspace, 'uploads', 'x.png'))).toBe('imageInfo');
  expect(await guarded.importModel({ file: join(modelStore, 'm.onnx') })).toBe('importModel');
  await grants.grantWrite(join(modelStore, 'm.nii.gz'));
  await expect(guarded.exportMask({ caseId: 'c', labelmap: new Uint8Array(1), out: join(modelStore, 'm.nii.gz') })).rejects.toThrow(/never written/);
  expect(seen.length).toBe(4);
});

test('the Open dialog offers every suffix the readers take, DICOM\'s .dicom and .ima included', () => {
  const offered = IMAGE_FILTERS[0].extensions;
  for (const suffix of ['gz', 'nii', 'nrrd', 'nhdr', 'mha', 'mhd', 'dcm', 'dicom', 'ima', 'png', 'jpg', 'jpeg', 'tif', 'tiff', 'bmp']) expect(offered).toContain(suffix);
  expect(new Set(offered).size).toBe(offered.length);
});

test('a save target typed without an extension gets the suggested one, and that file is what becomes writable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'medseg-save-'));
  writeFileSync(join(dir, 'kept.nii.gz'), 'an earlier export');
  const answers = [join(dir, 'liver'), join(dir, 'kept'), join(dir, 'named.nrrd')];
  const dialogs = { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showSaveDialog: async () => ({ canceled: false, filePath: answers.shift()! }) };
  const grants = new DialogGrants();
  const ipc = fakeIpc();
  bindHostDialogs(ipc.registry, dialogs, grants, own);
  const suggested = join(dir, 'ct-mask.nii.gz');
  expect(await ipc.invoke('host:pickExportTarget', APP_PAGE_URL, suggested)).toEqual({ ok: true, value: join(dir, 'liver.nii.gz') });
  // The dialog asked about overwriting "kept", not "kept.nii.gz": an existing file is never taken over unasked.
  expect(await ipc.invoke('host:pickExportTarget', APP_PAGE_URL, suggested)).toEqual({ ok: true, value: join(dir, 'kept') });
  expect(await ipc.invoke('host:pickExportTarget', APP_PAGE_URL, suggested)).toEqual({ ok: true, value: join(dir, 'named.nrrd') });
  expect([...grants.writes].sort()).toEqual([join(dir, 'kept'), join(dir, 'liver.nii.gz'), join(dir, 'named.nrrd')].sort());
});
