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
  // Electron's webUtils.getPathForFile gives an absolute path; here the name stands for a file in
  // the bridge's drop directory. '' for an empty name, like a File that is not on disk.
  api.pathForFile = (file: File) => file.name;

  Object.defineProperty(window, 'otaBench', { value: Object.freeze(api), configurable: false, enumerable: true });
}
