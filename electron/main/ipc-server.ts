// The main-process end of the IPC contract. Every command passes three gates before the engine sees
// it: the sender must be the top frame of our own page, the argument must match
// commandArgs[name] exactly (zod, strict objects), and only then is the engine called. Two commands
// have a fourth: dropped files must come with the proof of a drop (dropped-files.ts), and an address
// to add must be on the local network or confirmed by the user (address-gate.ts). A push or plan
// without credentials gets the device's saved ones from the credential store, which the page never
// reads back (credential-store.ts).
// Everything but `registerIpcServer` is plain functions, testable without Electron.
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import {
  commandArgs,
  commandChannel,
  commandNames,
  eventChannel,
  eventNames,
  type CommandArg,
  type CommandName,
  type CommandResults,
  type EventName,
  type EventPayloads,
} from '../../shared/contract.ts';
import type { ImageInfo } from '../../shared/domain.ts';
import type { EngineEvents, OtaEngine } from '../engine/engine-api.ts';
import { createAddressGate, type AddressGate, type ConfirmRemoteAddress } from './address-gate.ts';
import type { RememberChoice } from '../../shared/credential-schemas.ts';
import { sessionOnlyCredentialStore, type CredentialStore, type Credentials } from './credential-store.ts';
import { verifyDroppedFiles } from './dropped-files.ts';
import { reopenRecordedImage } from './recorded-image.ts';
import type { SenderFrame } from './trusted-sender.ts';

export type CommandHandlers = {
  [K in CommandName]: (arg: CommandArg<K>) => CommandResults[K] | Promise<CommandResults[K]>;
};

/** A native dialog shown by the main process; resolves to the inspected choice, or null when cancelled. */
export type OpenDialog = () => Promise<ImageInfo | null>;

/**
 * The dialogs behind "Open image…" and "Open build folder…". The page never names a path for them:
 * the user picks in the OS dialog, and the main process inspects what was picked.
 */
export interface FileDialogs {
  openImageDialog: OpenDialog;
  openFolderDialog: OpenDialog;
  /** "Export history": asks where to save (suggesting `defaultName`), writes `text`; the chosen file's name, or null. */
  saveExport: (defaultName: string, text: string) => Promise<string | null>;
}

interface CredentialAsk {
  deviceId: string;
  credentials?: Credentials;
  remember?: RememberChoice;
  keychainOptIn?: true;
}

/**
 * The credentials a push or plan goes with: the ones typed (kept as asked), else the device's saved
 * ones. A failure to keep them does not stop the push: the store's answer (savedCredentials) says so.
 */
async function credentialsFor(
  store: CredentialStore,
  engine: Pick<OtaEngine, 'listDevices'>,
  ask: CredentialAsk,
): Promise<Credentials | undefined> {
  if (ask.credentials) {
    if (ask.remember) {
      await store
        .remember(ask.deviceId, ask.credentials, ask.remember, ask.keychainOptIn)
        .catch((error: unknown) => console.error(`[main] credentials not remembered: ${(error as Error).message}`));
    }
    return ask.credentials;
  }
  // BLE devices take no password: a damaged credentials file must not stand in their way.
  if (engine.listDevices().find((device) => device.id === ask.deviceId)?.transport === 'ble') return undefined;
  return (await store.recall(ask.deviceId)) ?? undefined;
}

/** What each command does, once its sender and argument have been checked. */
export function commandHandlers(
  engine: OtaEngine,
  dialogs: FileDialogs,
  addressGate: AddressGate,
  credentialStore: CredentialStore,
): CommandHandlers {
  return {
    listDevices: () => engine.listDevices(),
    addDevice: ({ target }) => addressGate.admit(target, () => engine.resolveDevice(target)),
    deviceStatus: ({ deviceId }) => engine.deviceStatus(deviceId),
    setSerialPort: (settings) => engine.setSerialPort(settings),
    getDiscoveryStatus: () => engine.discoveryStatus(),
    openImageDialog: () => dialogs.openImageDialog(),
    openFolderDialog: () => dialogs.openFolderDialog(),
    inspectDroppedFiles: async ({ files }) => engine.inspectImages(await verifyDroppedFiles(files)),
    planPush: async ({ deviceId, imageId, protocol, ...ask }) => {
      const credentials = await credentialsFor(credentialStore, engine, { deviceId, ...ask });
      return engine.planPush(deviceId, imageId, undefined, { protocol, credentials });
    },
    listJobs: () => engine.listJobs(),
    push: async ({ remember, keychainOptIn, ...request }) => {
      const credentials = await credentialsFor(credentialStore, engine, { ...request, remember, keychainOptIn });
      return engine.push({ ...request, ...(credentials ? { credentials } : {}) });
    },
    cancelJob: ({ jobId }) => engine.cancelJob(jobId),
    commitJob: ({ jobId }) => engine.commitJob(jobId),
    revertJob: ({ jobId }) => engine.revertJob(jobId),
    dismissJob: ({ jobId }) => {
      engine.dismissJob(jobId);
      return null;
    },
    imageSlotAction: (request) => engine.imageSlotAction(request),
    commitDevice: ({ deviceId }) => engine.commitDevice(deviceId),
    revertDevice: ({ deviceId }) => engine.revertDevice(deviceId),
    savedCredentials: ({ deviceId }) => credentialStore.info(deviceId),
    forgetCredentials: ({ deviceId }) => {
      // The engine's own memory of them too: Forget means the next push goes without.
      engine.forgetCredentials(deviceId);
      return credentialStore.forget(deviceId);
    },
    startFleet: async (request) => {
      // A run with one password for all keeps it; boards without one get their own saved ones (per device, in the runner).
      if (request.credentials) return engine.startFleet(request);
      const saved: Record<string, Credentials> = {};
      for (const deviceId of request.deviceIds) {
        const recalled = await credentialsFor(credentialStore, engine, { deviceId });
        if (recalled) saved[deviceId] = recalled;
      }
      return engine.startFleet(request, { credentialsFor: saved });
    },
    listFleets: () => engine.listFleets(),
    cancelFleet: ({ fleetId }) => engine.cancelFleet(fleetId),
    retryFleet: ({ fleetId }) => engine.retryFleet(fleetId),
    commitFleet: ({ fleetId }) => engine.commitFleet(fleetId),
    dismissFleet: ({ fleetId }) => {
      engine.dismissFleet(fleetId);
      return null;
    },
    listHistory: (query) => engine.listHistory(query),
    historyEntry: ({ jobId }) => engine.historyEntry(jobId),
    exportHistory: async ({ format, query }) => {
      const { text, rows } = engine.exportHistory(format, query);
      const fileName = await dialogs.saveExport(`ota-bench-history.${format}`, text);
      return { fileName, rows };
    },
    reopenHistoryImage: ({ jobId }) => reopenRecordedImage(engine, jobId),
    listInventory: () => engine.listInventory(),
    setDeviceNote: ({ deviceId, label, notes }) => engine.setDeviceNote(deviceId, { label, notes }),
  };
}

// Error text goes back to the page; keep echoed keys short so a huge bogus argument stays out of it.
const clip = (text: string, max = 60) => (text.length > max ? `${text.slice(0, max)}…` : text);

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

function describeIssue(issue: Issue): string {
  const field = issue.path.length > 0 ? issue.path.map((part) => clip(String(part))).join('.') : 'argument';
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    const keys = issue.keys.slice(0, 5).map((key) => JSON.stringify(clip(key)));
    return `${field}: unexpected field${keys.length > 1 ? 's' : ''} ${keys.join(', ')}`;
  }
  if (issue.code === 'invalid_type' && issue.path.length > 0 && issue.message.endsWith('received undefined')) {
    return `${field}: missing`;
  }
  return `${field}: ${clip(issue.message, 200)}`;
}

/** Parses one command's argument, or throws an error naming the command and the bad field. */
export function parseCommandArg<K extends CommandName>(name: K, args: unknown[]): CommandArg<K> {
  if (args.length > 1) throw new Error(`${name}: invalid argument: expected one argument, got ${args.length}`);
  const result = commandArgs[name].safeParse(args[0]);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 3).map((issue) => describeIssue(issue as Issue));
    throw new Error(`${name}: invalid argument: ${issues.join('; ')}`);
  }
  return result.data as CommandArg<K>;
}

export interface IpcServerOptions {
  engine: OtaEngine;
  /** True only for the top frame of the app's own page (see trusted-sender.ts). */
  isTrustedSender: (frame: SenderFrame | null | undefined) => boolean;
  dialogs: FileDialogs;
  /** Asks the user before addDevice contacts an address outside the local network. */
  confirmRemoteAddress: ConfirmRemoteAddress;
  /** Board credentials remembered per device (safeStorage in the app); default: this session only. */
  credentialStore?: CredentialStore;
}

/** The gate for addDevice; a known device's id or name passes without a probe. */
export function addressGateFor(engine: Pick<OtaEngine, 'listDevices'>, confirm: ConfirmRemoteAddress): AddressGate {
  const isKnownDevice = (target: string) => {
    const wanted = target.trim().toLowerCase();
    return engine
      .listDevices()
      .some((device) => [device.id, device.name, device.hostname].some((name) => name?.toLowerCase() === wanted));
  };
  return createAddressGate({ confirm, isKnownDevice });
}

/** The sender's frame as Electron gives it; the getter throws once the frame is gone. */
type InvokeEvent = Pick<IpcMainInvokeEvent, 'senderFrame'>;

function senderFrameOf(event: InvokeEvent): SenderFrame | null {
  try {
    return event.senderFrame;
  } catch {
    return null;
  }
}

/** One function that runs a command through all three gates: what `ipcMain.handle` calls. */
export function createCommandDispatcher({
  engine,
  isTrustedSender,
  dialogs,
  confirmRemoteAddress,
  credentialStore = sessionOnlyCredentialStore(),
}: IpcServerOptions) {
  const handlers = commandHandlers(engine, dialogs, addressGateFor(engine, confirmRemoteAddress), credentialStore);
  return async <K extends CommandName>(name: K, event: InvokeEvent, args: unknown[]): Promise<CommandResults[K]> => {
    if (!isTrustedSender(senderFrameOf(event))) {
      throw new Error(`${name}: refused: the request did not come from the OTA Bench window`);
    }
    const arg = parseCommandArg(name, args);
    const handler = handlers[name] as (arg: CommandArg<K>) => CommandResults[K] | Promise<CommandResults[K]>;
    return handler(arg);
  };
}

/** Registers one `ipcMain.handle` per command. Returns a function that removes them again. */
export function registerIpcServer(options: IpcServerOptions & { ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'> }) {
  const dispatch = createCommandDispatcher(options);
  for (const name of commandNames) {
    options.ipcMain.handle(commandChannel(name), (event, ...args: unknown[]) => dispatch(name, event, args));
  }
  return () => {
    for (const name of commandNames) options.ipcMain.removeHandler(commandChannel(name));
  };
}

/** Sends every engine event to the renderer on its contract channel. Returns an unsubscribe. */
export function forwardEngineEvents(
  engine: Pick<OtaEngine, 'on'>,
  send: (channel: string, payload: unknown) => void,
): () => void {
  const forward = <K extends EventName>(name: K) =>
    engine.on(name, ((payload: EventPayloads[K]) => send(eventChannel(name), payload)) as EngineEvents[K]);
  const unsubscribes = eventNames.map(forward);
  return () => unsubscribes.forEach((unsubscribe) => unsubscribe());
}
