// The sandboxed preload: the renderer's only door to the main process. It exposes `window.otaBench`
// with exactly `exposedApiKeys` — one function per command, one `onX` subscription per event — and
// never ipcRenderer itself, so page script can reach no other channel.
// Dropped files: the page hands over File objects, never paths. The preload resolves each path with
// webUtils and sends it with the digest that proves the drop (shared/dropped-file-proof.ts), so page
// script cannot make the main process open a path it names.
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
import { droppedFileDigest, notOnDiskMessage } from '../../shared/dropped-file-proof.ts';

type Listener = (payload: unknown) => void;

/** The path of a dropped File and the proof of the drop; throws for a File that is not on disk. */
async function describeDroppedFile(file: File) {
  // No instanceof: the File arrives through the context bridge. webUtils judges what it is.
  if (typeof file !== 'object' || file === null || typeof file.name !== 'string') {
    throw new TypeError('inspectDroppedFiles takes the dropped File objects');
  }
  let path = '';
  try {
    path = webUtils.getPathForFile(file);
  } catch {
    // not a File backed by a file on disk
  }
  if (!path) throw new Error(notOnDiskMessage(file.name));
  return { path, name: file.name, size: file.size, digest: await droppedFileDigest(file) };
}

function buildApi(): Record<string, unknown> {
  const api: Record<string, unknown> = {};

  for (const name of commandNames) {
    if (name === 'inspectDroppedFiles') continue; // takes Files, not a raw argument: below
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

  api.inspectDroppedFiles = async (files: File[]) => {
    if (!Array.isArray(files)) throw new TypeError('inspectDroppedFiles needs an array of dropped Files');
    const described = await Promise.all(files.map(describeDroppedFile));
    return ipcRenderer.invoke(commandChannel('inspectDroppedFiles'), { files: described });
  };

  return api;
}

const api = buildApi() as unknown as OtaBenchApi;
contextBridge.exposeInMainWorld('otaBench', api);
