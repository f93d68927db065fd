// The page's two doors into main: the StudioApi (one channel per contract method) and the native
// dialogs (HostDialogs). Every call is checked before it does anything: it must come from the
// app's own page, name a known method and carry arguments of the contract's declared kinds.
import type { IpcMainInvokeEvent, OpenDialogOptions, OpenDialogReturnValue, SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import { existsSync } from 'node:fs';
import { extensionOf, READ_EXTENSIONS } from '../core/io/formats';
import { STUDIO_METHODS, type StudioApi } from '../shared/api';
import { callProblem } from '../shared/call-checks';
import { isUserError } from '../shared/errors';
import { hostDialogChannel, type HostDialogs } from '../shared/host-dialogs';
import type { DialogGrants } from './desktop-access';

export type Reply = { ok: true; value: unknown } | { ok: false; error: string };
export interface IpcRegistry {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<Reply>): void;
}

const NOT_OWN_PAGE: Reply = { ok: false, error: 'Refused: the call did not come from the MedSeg Studio page.' };

async function reply(run: () => Promise<unknown>): Promise<Reply> {
  try {
    return { ok: true, value: await run() };
  } catch (e) {
    return { ok: false, error: isUserError(e) ? e.message : `Unexpected error: ${(e as Error).message}` };
  }
}

export function bindStudio(ipc: IpcRegistry, studio: StudioApi, fromOwnPage: (event: IpcMainInvokeEvent) => boolean): void {
  for (const method of STUDIO_METHODS) {
    ipc.handle(`studio:${method}`, async (event, ...args) => {
      if (!fromOwnPage(event)) return NOT_OWN_PAGE;
      const problem = callProblem(method, args);
      if (problem) return { ok: false, error: `Refused: ${problem}.` };
      return reply(() => (studio[method] as (...a: unknown[]) => Promise<unknown>)(...args));
    });
  }
}

export interface NativeDialogs {
  showOpenDialog(event: IpcMainInvokeEvent, options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
  showSaveDialog(event: IpcMainInvokeEvent, options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
}

// Electron's filters take one suffix each ('.nii.gz' → 'gz'), taken from the readers' own table so a
// format added there is offered here. DICOM slices often have no extension: they need "All files".
export const IMAGE_FILTERS = [
  { name: 'Images', extensions: [...new Set(READ_EXTENSIONS.map((e) => e.slice(e.lastIndexOf('.') + 1)))] },
  { name: 'All files', extensions: ['*'] },
];
// Electron's filters take one suffix each: 'nrrd' covers Slicer's .seg.nrrd, 'dcm' a DICOM SEG.
const MASK_FILTERS = [{ name: 'Masks', extensions: ['gz', 'nii', 'nrrd', 'mha', 'png', 'dcm'] }];

/**
 * Linux's save dialog returns a name typed without an extension as it is ("liver"), which no writer
 * takes: it gets the suggested one ("liver.nii.gz"), unless a file of that name exists (the dialog
 * asked about overwriting "liver", not it).
 */
function withSuggestedExtension(picked: string, suggested: unknown): string {
  const extension = typeof suggested === 'string' ? extensionOf(suggested) : '';
  if (extensionOf(picked) !== '' || extension === '' || existsSync(picked + extension)) return picked;
  return picked + extension;
}

/** What the user picks becomes usable by the page: readable when opened, writable when saved to. */
export function bindHostDialogs(ipc: IpcRegistry, dialogs: NativeDialogs, grants: DialogGrants, fromOwnPage: (event: IpcMainInvokeEvent) => boolean): void {
  const handlers: { [M in keyof HostDialogs]: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<string | null> } = {
    async pickImage(event, kind) {
      if (kind !== 'file' && kind !== 'folder') throw new TypeError('pickImage takes "file" or "folder"');
      const picked = await dialogs.showOpenDialog(event, { properties: [kind === 'folder' ? 'openDirectory' : 'openFile'], filters: kind === 'file' ? IMAGE_FILTERS : [] });
      const path = picked.canceled ? undefined : picked.filePaths[0];
      if (!path) return null;
      await grants.grantRead(path);
      return path;
    },
    async pickExportTarget(event, suggestedPath) {
      const picked = await dialogs.showSaveDialog(event, {
        ...(typeof suggestedPath === 'string' && suggestedPath.length < 4096 ? { defaultPath: suggestedPath } : {}), filters: MASK_FILTERS,
      });
      if (picked.canceled || !picked.filePath) return null;
      const target = withSuggestedExtension(picked.filePath, suggestedPath);
      await grants.grantWrite(target);
      return target;
    },
  };
  for (const [method, handler] of Object.entries(handlers) as [keyof HostDialogs, (typeof handlers)[keyof HostDialogs]][]) {
    ipc.handle(hostDialogChannel(method), async (event, ...args) => (fromOwnPage(event) ? reply(() => handler(event, ...args)) : NOT_OWN_PAGE));
  }
}
