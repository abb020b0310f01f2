// The sandboxed preload: the renderer's only door to the main process. It exposes `window.otaBench`
// with exactly `exposedApiKeys` — one function per command, one `onX` subscription per event and
// `pathForFile` — and never ipcRenderer itself, so page script can reach no other channel.
// Sandboxed preloads are CommonJS and may only require 'electron': import the zod-free names only.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { IpcRendererEvent } from 'electron';
import {
  commandChannel,
  commandNames,
  eventChannel,
  eventNames,
  subscriptionName,
} from '../../shared/contract-names.ts';
import type { OtaBenchApi } from '../../shared/contract.ts';

type Listener = (payload: unknown) => void;

function buildApi(): Record<string, unknown> {
  const api: Record<string, unknown> = {};

  for (const name of commandNames) {
    const channel = commandChannel(name);
    // Forward at most one argument: the main process validates it against commandArgs[name].
    api[name] = (arg?: unknown) => ipcRenderer.invoke(channel, arg);
  }

  for (const name of eventNames) {
    const channel = eventChannel(name);
    api[subscriptionName(name)] = (listener: Listener) => {
      if (typeof listener !== 'function') throw new TypeError(`${subscriptionName(name)} needs a function`);
      // Drop the IpcRendererEvent: it carries `sender` (the ipcRenderer) into page script.
      const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
      ipcRenderer.on(channel, forward);
      return () => {
        ipcRenderer.removeListener(channel, forward);
      };
    };
  }

  api.pathForFile = (file: File): string => {
    try {
      return webUtils.getPathForFile(file);
    } catch {
      return ''; // not a File backed by a file on disk
    }
  };

  return api;
}

const api = buildApi() as unknown as OtaBenchApi;
contextBridge.exposeInMainWorld('otaBench', api);
