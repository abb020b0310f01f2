// The page side of the test bridge: defines `window.otaBench` with exactly the OtaBenchApi shape
// (the names come from shared/contract.ts, passed in as data) over fetch + EventSource.
// Injected with page.addInitScript, which serialises the function: it must be self-contained.
import type { CommandName, EventName } from '../../../shared/contract.ts';

export interface BridgeClientNames {
  commandNames: CommandName[];
  eventNames: EventName[];
}

export function installBridgeClient({ commandNames, eventNames }: BridgeClientNames): void {
  type Listener = (payload: unknown) => void;
  const listeners = new Map<string, Set<Listener>>(eventNames.map((name) => [name, new Set<Listener>()]));
  const events = new EventSource('/api/events');
  for (const name of eventNames) {
    events.addEventListener(name, (event) => {
      const payload: unknown = JSON.parse((event as MessageEvent<string>).data);
      for (const listener of listeners.get(name) ?? []) listener(payload);
    });
  }
  // Like IPC, events must not be missed between a command's answer and the subscription: every
  // command waits until the event stream is connected (the server subscribes before replying).
  const connected = new Promise<void>((resolve) => events.addEventListener('open', () => resolve(), { once: true }));

  const api: Record<string, unknown> = {};
  for (const name of commandNames) {
    api[name] = async (arg?: unknown) => {
      await connected;
      const response = await fetch(`/api/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: arg === undefined ? '' : JSON.stringify(arg),
      });
      const body: unknown = await response.json().catch(() => null);
      if (!response.ok) {
        const message = (body as { error?: unknown } | null)?.error;
        throw new Error(typeof message === 'string' ? message : `${name}: HTTP ${response.status}`);
      }
      return body;
    };
  }
  for (const name of eventNames) {
    api[`on${name[0].toUpperCase()}${name.slice(1)}`] = (listener: Listener) => {
      listeners.get(name)?.add(listener);
      return () => {
        listeners.get(name)?.delete(listener);
      };
    };
  }
  // What the preload does with dropped Files (electron/preload/index.ts), with the File's name where
  // webUtils gives an absolute path: the bridge looks the name up in its drop directory. The digest
  // is shared/dropped-file-proof.ts's, repeated here because this function is serialised into the
  // page. A File of type 'inode/directory' stands for a dropped folder (whose bytes cannot be read).
  const SAMPLE = 64 * 1024;
  const digestOf = async (file: File): Promise<string | null> => {
    if (file.type === 'inode/directory') return null;
    const ranges =
      file.size <= 2 * SAMPLE
        ? [[0, file.size]]
        : [
            [0, SAMPLE],
            [file.size - SAMPLE, file.size],
          ];
    const parts = await Promise.all(ranges.map(([start, end]) => file.slice(start, end).arrayBuffer()));
    const digest = await crypto.subtle.digest('SHA-256', await new Blob(parts).arrayBuffer());
    return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
  };
  const sendCommand = api.inspectDroppedFiles as (arg: unknown) => Promise<unknown>;
  api.inspectDroppedFiles = async (files: File[]) => {
    if (!Array.isArray(files)) throw new TypeError('inspectDroppedFiles needs an array of dropped Files');
    const described = await Promise.all(
      files.map(async (file) => {
        if (!(file instanceof File)) throw new TypeError('inspectDroppedFiles takes the dropped File objects');
        if (!file.name)
          throw new Error(
            `“${file.name}” is not a file on disk (dragged from a browser or an archive?). Save it first, then drop it again.`,
          );
        return { path: file.name, name: file.name, size: file.size, digest: await digestOf(file) };
      }),
    );
    return sendCommand({ files: described });
  };

  Object.defineProperty(window, 'otaBench', { value: Object.freeze(api), configurable: false, enumerable: true });
}
