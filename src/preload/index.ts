// Exposes StudioApi to the page: one function per contract method, nothing else.
import { contextBridge, ipcRenderer } from 'electron';
import { STUDIO_METHODS } from '../shared/api';

const api = Object.fromEntries(
  STUDIO_METHODS.map((method) => [
    method,
    async (...args: unknown[]) => {
      const reply = await ipcRenderer.invoke(`studio:${method}`, ...args);
      if (!reply.ok) throw new Error(reply.error);
      return reply.value;
    },
  ]),
);
const onEvent = (listener: (event: unknown) => void) => {
  const forward = (_e: unknown, event: unknown) => listener(event);
  ipcRenderer.on('studio:event', forward);
  return () => ipcRenderer.off('studio:event', forward);
};
contextBridge.exposeInMainWorld('studio', { ...api, onEvent });
