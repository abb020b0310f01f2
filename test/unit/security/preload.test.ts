// The preload is the whole surface page script gets. It is bundled here the way electron-vite
// bundles it (CommonJS, every package left external) and run in a context whose `require` knows
// only 'electron', as in a sandboxed renderer. Then we check what it exposed, and nothing more.
import path from 'node:path';
import vm from 'node:vm';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { build, type Rolldown } from 'vite';
import {
  commandChannel,
  commandNames,
  eventChannel,
  eventNames,
  exposedApiKeys,
  subscriptionName,
} from '../../../shared/contract.ts';

const preloadEntry = path.resolve(import.meta.dirname, '../../../electron/preload/index.ts');
let bundle: Rolldown.OutputChunk;

beforeAll(async () => {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      lib: { entry: preloadEntry, formats: ['cjs'], fileName: 'index' },
      // Leave every package external, as electron-vite does with dependencies: a stray `zod`
      // import then shows up as a require() the sandbox cannot satisfy.
      rollupOptions: { external: (id) => !id.startsWith('.') && !path.isAbsolute(id) },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  bundle = outputs[0].output.find((item): item is Rolldown.OutputChunk => item.type === 'chunk')!;
});

type Listener = (...args: unknown[]) => void;

function fakeElectron() {
  const listeners = new Map<string, Set<Listener>>();
  const exposed: [string, Record<string, unknown>][] = [];
  return {
    exposed,
    listeners,
    emit(channel: string, payload: unknown) {
      const event = { sender: 'the ipcRenderer itself', senderId: 0, ports: [] };
      for (const listener of listeners.get(channel) ?? []) listener(event, payload);
    },
    module: {
      contextBridge: { exposeInMainWorld: vi.fn((key: string, api: Record<string, unknown>) => exposed.push([key, api])) },
      ipcRenderer: {
        invoke: vi.fn(async (channel: string, ...args: unknown[]) => ({ channel, args })),
        on: vi.fn((channel: string, listener: Listener) => {
          if (!listeners.has(channel)) listeners.set(channel, new Set());
          listeners.get(channel)!.add(listener);
        }),
        removeListener: vi.fn((channel: string, listener: Listener) => listeners.get(channel)?.delete(listener)),
        send: vi.fn(),
        sendSync: vi.fn(),
      },
      webUtils: {
        getPathForFile: vi.fn((file: { diskPath?: string }) => {
          if (!file.diskPath) throw new Error('not a file on disk');
          return file.diskPath;
        }),
      },
    },
  };
}

let electron: ReturnType<typeof fakeElectron>;
let api: Record<string, (...args: unknown[]) => unknown>;

beforeEach(() => {
  electron = fakeElectron();
  const sandboxRequire = (id: string) => {
    if (id === 'electron') return electron.module;
    throw new Error(`a sandboxed preload cannot require '${id}'`);
  };
  const module = { exports: {} };
  vm.runInNewContext(bundle.code, { require: sandboxRequire, module, exports: module.exports, console });
  api = electron.exposed[0]?.[1] as typeof api;
});

describe('the bundle', () => {
  it('requires nothing but electron (no zod, no node modules)', () => {
    expect(bundle.imports).toEqual(['electron']);
    expect(bundle.code).not.toMatch(/require\((?!"electron"\))/);
  });

  it('exposes one object, window.otaBench, once', () => {
    expect(electron.module.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(electron.exposed[0][0]).toBe('otaBench');
  });
});

describe('window.otaBench', () => {
  it('has exactly the contract keys, all functions', () => {
    expect(new Set(exposedApiKeys).size).toBe(exposedApiKeys.length);
    expect(Object.keys(api).sort()).toEqual([...exposedApiKeys].sort());
    for (const key of Object.keys(api)) expect(typeof api[key]).toBe('function');
  });

  it('does not hand out ipcRenderer or any of its methods', () => {
    const { ipcRenderer } = electron.module;
    const values = Object.values(api) as unknown[];
    for (const leaked of [ipcRenderer, ...Object.values(ipcRenderer)]) expect(values).not.toContain(leaked);
  });

  it.each(commandNames)('%s invokes its own channel with the argument', async (name) => {
    const arg = { probe: name };
    await expect(api[name](arg)).resolves.toEqual({ channel: commandChannel(name), args: [arg] });
    expect(electron.module.ipcRenderer.invoke).toHaveBeenCalledTimes(1);
  });

  it('forwards only one argument to the main process', async () => {
    await api.cancelJob({ jobId: 'a' }, { jobId: 'b' }, 'c');
    expect(electron.module.ipcRenderer.invoke).toHaveBeenCalledWith(commandChannel('cancelJob'), { jobId: 'a' });
  });

  it.each(eventNames)('%s: the listener gets the payload only, and unsubscribing stops it', (name) => {
    const subscribe = api[subscriptionName(name)] as (listener: Listener) => () => void;
    const first = vi.fn();
    const second = vi.fn();
    const unsubscribeFirst = subscribe(first);
    subscribe(second);

    electron.emit(eventChannel(name), { n: 1 });
    expect(first.mock.calls).toEqual([[{ n: 1 }]]); // no IpcRendererEvent (it carries `sender`)
    unsubscribeFirst();
    electron.emit(eventChannel(name), { n: 2 });

    expect(first).toHaveBeenCalledTimes(1);
    expect(second.mock.calls).toEqual([[{ n: 1 }], [{ n: 2 }]]);
    expect(electron.listeners.get(eventChannel(name))!.size).toBe(1);
  });

  it('subscriptions refuse a non-function listener', () => {
    expect(() => api.onJobChanged('alert(1)')).toThrow(/onJobChanged needs a function/);
    expect(electron.module.ipcRenderer.on).not.toHaveBeenCalled();
  });

  it('pathForFile resolves a File through webUtils, and gives "" for a File not on disk', () => {
    expect(api.pathForFile({ diskPath: '/home/me/fw.bin' })).toBe('/home/me/fw.bin');
    expect(api.pathForFile({})).toBe('');
    expect(electron.module.webUtils.getPathForFile).toHaveBeenCalledTimes(2);
  });
});
