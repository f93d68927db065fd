// Exposes StudioApi to the page (one function per contract method, nothing else) as
// `window.studio`, and the native dialogs (shared/host-dialogs.ts) as `window.studioHost`.
import { contextBridge, ipcRenderer } from 'electron';
import { STUDIO_METHODS } from '../shared/api';
import { HOST_DIALOG_METHODS, hostDialogChannel } from '../shared/host-dialogs';

const invoker = (channel: string) => async (...args: unknown[]) => {
  const reply = await ipcRenderer.invoke(channel, ...args);
  if (!reply.ok) throw new Error(reply.error);
  return reply.value;
};
const api = Object.fromEntries(STUDIO_METHODS.map((method) => [method, invoker(`studio:${method}`)]));
const onEvent = (listener: (event: unknown) => void) => {
  const forward = (_e: unknown, event: unknown) => listener(event);
  ipcRenderer.on('studio:event', forward);
  return () => ipcRenderer.off('studio:event', forward);
};
contextBridge.exposeInMainWorld('studio', { ...api, onEvent });
contextBridge.exposeInMainWorld('studioHost', Object.fromEntries(HOST_DIALOG_METHODS.map((m) => [m, invoker(hostDialogChannel(m))])));
