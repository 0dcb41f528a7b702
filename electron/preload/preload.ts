/**
 * The preload: the one module on the renderer side that touches `ipcRenderer` (a lint
 * rule keeps it so). It exposes `window.tearline`, built from the contract, through
 * contextBridge; the page gets named functions, never ipcRenderer, never an IPC event.
 * Bundled to one file (dist/electron/preload.cjs), as a sandboxed preload must be.
 */
import './zod-jitless';
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_GLOBAL, EVENT_CHANNEL, ipcChannelFor } from '../../shared/ipc';
import { buildApi } from './api';

contextBridge.exposeInMainWorld(
  API_GLOBAL,
  buildApi({
    invoke: (name, request) => ipcRenderer.invoke(ipcChannelFor(name), request),
    subscribe: (listener) => {
      const handler = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
      ipcRenderer.on(EVENT_CHANNEL, handler);
      return () => {
        ipcRenderer.removeListener(EVENT_CHANNEL, handler);
      };
    },
  }),
);
