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
import { droppedFileDigest } from '../../../shared/dropped-file-proof.ts';

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
      contextBridge: {
        exposeInMainWorld: vi.fn((key: string, api: Record<string, unknown>) => exposed.push([key, api])),
      },
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
  vm.runInNewContext(bundle.code, {
    require: sandboxRequire,
    module,
    exports: module.exports,
    console,
    crypto: globalThis.crypto,
  });
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

  it.each(commandNames.filter((name) => name !== 'inspectDroppedFiles'))(
    '%s invokes its own channel with the argument',
    async (name) => {
      const arg = { probe: name };
      await expect(api[name](arg)).resolves.toEqual({ channel: commandChannel(name), args: [arg] });
      expect(electron.module.ipcRenderer.invoke).toHaveBeenCalledTimes(1);
    },
  );

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

  it('offers the page no way to turn a File into a path', () => {
    expect(api).not.toHaveProperty('pathForFile');
  });
});

describe('inspectDroppedFiles', () => {
  const onDisk = (bytes: string, name: string, diskPath: string) =>
    Object.assign(new File([bytes], name), { diskPath });

  it('resolves each File with webUtils and sends the path with the digest of its bytes', async () => {
    const fw = onDisk('firmware bytes', 'fw.bin', '/home/me/fw.bin');
    await api.inspectDroppedFiles([fw]);
    expect(electron.module.webUtils.getPathForFile).toHaveBeenCalledWith(fw);
    expect(electron.module.ipcRenderer.invoke).toHaveBeenCalledWith(commandChannel('inspectDroppedFiles'), {
      files: [
        {
          path: '/home/me/fw.bin',
          name: 'fw.bin',
          size: 14,
          digest: await droppedFileDigest(new Blob(['firmware bytes'])),
        },
      ],
    });
  });

  it('sends no digest for a File whose bytes cannot be read (a folder)', async () => {
    const folder = Object.assign(new File([], 'build'), {
      diskPath: '/home/me/build',
      slice: () => ({ arrayBuffer: () => Promise.reject(new Error('NotReadableError')) }),
    });
    await api.inspectDroppedFiles([folder]);
    expect(electron.module.ipcRenderer.invoke).toHaveBeenCalledWith(commandChannel('inspectDroppedFiles'), {
      files: [{ path: '/home/me/build', name: 'build', size: 0, digest: null }],
    });
  });

  it('refuses a File that is not on disk, in words, and sends nothing', async () => {
    await expect(api.inspectDroppedFiles([new File(['x'], 'from-the-browser.bin')])).rejects.toThrow(
      '“from-the-browser.bin” is not a file on disk (dragged from a browser or an archive?). Save it first, then drop it again.',
    );
    expect(electron.module.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('takes File objects only: a path string from the page is not one', async () => {
    await expect(api.inspectDroppedFiles(['/etc/passwd'])).rejects.toThrow(/takes the dropped File objects/);
    await expect(api.inspectDroppedFiles({ paths: ['/etc/passwd'] })).rejects.toThrow(
      /needs an array of dropped Files/,
    );
    expect(electron.module.ipcRenderer.invoke).not.toHaveBeenCalled();
  });
});
