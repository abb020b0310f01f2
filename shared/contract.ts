// The one IPC contract between the renderer and the main process. Both ends are derived from it:
// the preload exposes exactly `commandNames` + `eventNames` (as `onX` subscriptions),
// the IPC server validates every argument with `commandArgs[name]`, and the renderer is typed by
// `OtaBenchApi`. The Chromium test bridge implements the same `OtaBenchApi` over HTTP.
import { z } from 'zod';
import type {
  Device,
  DeviceStatus,
  ImageInfo,
  ImageSlotActionRequest,
  ImageSlotActionResult,
  Job,
  PushPlan,
} from './domain.ts';
import type { FleetRun } from './fleet.ts';
import type { HistoryEntry, InventoryDevice } from './history.ts';
import type { CommandName, EventName } from './contract-names.ts';
import { MAX_IMAGE_PATHS } from './contract-limits.ts';
import {
  fleetRequestSchema,
  historyQuerySchema,
  imageSlotActionSchema,
  protocolIdSchema,
  pushRequestSchema,
  serialPortSettingsSchema,
} from './request-schemas.ts';
import { rememberFields, type SavedCredentials } from './credential-schemas.ts';

export * from './contract-names.ts';
export * from './contract-limits.ts';
export * from './request-schemas.ts';
export * from './credential-schemas.ts';

const id = z.string().min(1).max(200);

const jobRef = z.object({ jobId: id }).strict();
const fleetRef = z.object({ fleetId: id }).strict();

/** One dropped File as the preload describes it: the path webUtils resolved, and the proof of the drop. */
export const droppedFileSchema = z
  .object({
    path: z.string().min(1).max(4096),
    name: z.string().min(1).max(1024),
    size: z.number().int().min(0),
    /** SHA-256 of the File's sampled bytes (dropped-file-proof.ts); null when the File could not be read (a folder). */
    digest: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'a digest is 64 lowercase hex digits')
      .nullable(),
  })
  .strict();

/**
 * The push command: the engine's PushRequest plus whether the main process should remember its
 * credentials (`remember`, `keychainOptIn`); those two never reach the engine.
 */
export const pushCommandSchema = pushRequestSchema.extend(rememberFields).strict();

/** Argument schema of every renderer → main command (each takes one object, or nothing). */
export const commandArgs = {
  listDevices: z.undefined(),
  /**
   * Add a board by `host[:port]` without discovery; the main process probes it. Also `udp://host[:port]`
   * (MCUmgr over UDP, port 1337 by default) and `serial:/dev/ttyACM0[@115200]` (a port not listed by the OS).
   */
  addDevice: z.object({ target: z.string().min(1).max(260) }).strict(),
  deviceStatus: z.object({ deviceId: id }).strict(),
  /** A serial port's settings, and whether OTA Bench may write to it (probe and push). */
  setSerialPort: serialPortSettingsSchema,
  getDiscoveryStatus: z.undefined(),
  /** The main process shows the file dialog, opens and inspects the file. */
  openImageDialog: z.undefined(),
  /** The main process shows a folder dialog and looks for a user1/user2 pair in the folder. */
  openFolderDialog: z.undefined(),
  /**
   * Files the user dropped on the window: one file, a user1/user2 pair, or a build folder. Only the
   * preload sends this: it resolves each File's path itself and proves the drop with a digest of the
   * File's bytes (shared/dropped-file-proof.ts); the page hands the preload File objects, never paths.
   */
  inspectDroppedFiles: z.object({ files: z.array(droppedFileSchema).min(1).max(MAX_IMAGE_PATHS) }).strict(),
  /** What a push of this image to this device would send, and the pre-flight checks. */
  planPush: z
    .object({
      deviceId: id,
      imageId: id,
      protocol: protocolIdSchema.optional(),
      credentials: pushRequestSchema.shape.credentials,
      ...rememberFields,
    })
    .strict(),
  listJobs: z.undefined(),
  /** A push; `remember` asks the main process to keep its credentials (credential-store.ts). */
  push: pushCommandSchema,
  cancelJob: jobRef,
  commitJob: jobRef,
  revertJob: jobRef,
  dismissJob: jobRef,
  /** Commit / revert the firmware a board runs uncommitted, with no job of ours waiting on it (the plan panel). */
  commitDevice: z.object({ deviceId: id }).strict(),
  revertDevice: z.object({ deviceId: id }).strict(),
  imageSlotAction: imageSlotActionSchema,
  /** Whether credentials are saved for a device (never the secret itself). */
  savedCredentials: z.object({ deviceId: id }).strict(),
  /** Forgets a device's saved credentials, in the keychain file and in this session. */
  forgetCredentials: z.object({ deviceId: id }).strict(),
  /** Several boards at once (fleet/): a run with a card of its own; boards without credentials get their saved ones. */
  startFleet: fleetRequestSchema,
  listFleets: z.undefined(),
  /** Cancels every push of the run that has not ended and starts no more. */
  cancelFleet: fleetRef,
  /** Pushes again to the run's boards that failed or rolled back (same images, same options). */
  retryFleet: fleetRef,
  /** "Commit all healthy": commits every board of the run waiting for a decision. */
  commitFleet: fleetRef,
  dismissFleet: fleetRef,
  /** Rows of the push history (SQLite, shared with the CLI), newest first. */
  listHistory: historyQuerySchema,
  /** One history row with the last lines of its job's log. */
  historyEntry: jobRef,
  /** The main process asks where to save (a native dialog) and writes the rows the query selects. */
  exportHistory: z.object({ format: z.enum(['csv', 'json']), query: historyQuerySchema }).strict(),
  /**
   * "Push this image again": the main process opens the file that job sent, from the path it recorded,
   * and inspects it; refused when the file is gone or its SHA-256 is no longer the one pushed.
   */
  reopenHistoryImage: jobRef,
  /** Every board ever seen (offline ones too), with pushed and reported versions kept apart. */
  listInventory: z.undefined(),
  setDeviceNote: z
    .object({ deviceId: id, label: z.string().max(80).nullable(), notes: z.string().max(2000).nullable() })
    .strict(),
} as const satisfies Record<CommandName, z.ZodType>;

// Compile-time proof that the engine's one-shape slot action takes every request the schema accepts,
// with the same fields: a field added to one and not the other fails `npm run typecheck`.
type KeysOfUnion<T> = T extends unknown ? keyof T : never;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type SlotActionInput = z.infer<typeof imageSlotActionSchema>;
export type SlotActionShapeAgrees = [
  Assert<Same<KeysOfUnion<SlotActionInput>, keyof ImageSlotActionRequest>>,
  Assert<SlotActionInput extends ImageSlotActionRequest ? true : false>,
];

export interface DiscoveryStatus {
  state: 'starting' | 'running' | 'unavailable';
  message: string;
  /** Bluetooth scanning, beside mDNS: `off` when the user turned BLE off (OTA_BENCH_BLE=off). */
  ble?: { state: 'off' | 'starting' | 'scanning' | 'unavailable'; message: string };
  /**
   * Serial ports, beside mDNS and BLE: `watching` while the port list is polled; `unavailable` when the
   * serialport native module cannot load (message says why); `off` with OTA_BENCH_SERIAL=off.
   */
  serial?: { state: 'off' | 'starting' | 'watching' | 'unavailable'; message: string; ports: number };
}

export interface CommandResults {
  listDevices: Device[];
  addDevice: Device;
  deviceStatus: DeviceStatus;
  setSerialPort: Device;
  getDiscoveryStatus: DiscoveryStatus;
  openImageDialog: ImageInfo | null;
  openFolderDialog: ImageInfo | null;
  inspectDroppedFiles: ImageInfo;
  planPush: PushPlan;
  listJobs: Job[];
  push: Job;
  cancelJob: Job;
  commitJob: Job;
  revertJob: Job;
  dismissJob: null;
  commitDevice: DeviceStatus;
  revertDevice: DeviceStatus;
  imageSlotAction: ImageSlotActionResult;
  savedCredentials: SavedCredentials;
  forgetCredentials: SavedCredentials;
  startFleet: FleetRun;
  listFleets: FleetRun[];
  cancelFleet: FleetRun;
  retryFleet: FleetRun;
  commitFleet: FleetRun;
  dismissFleet: null;
  listHistory: HistoryEntry[];
  historyEntry: HistoryEntry;
  /** `fileName`: the name the rows were saved under; null when the dialog was cancelled. */
  exportHistory: { fileName: string | null; rows: number };
  reopenHistoryImage: ImageInfo;
  listInventory: InventoryDevice[];
  setDeviceNote: InventoryDevice;
}

/** Main → renderer events. */
export interface EventPayloads extends Record<EventName, unknown> {
  devicesChanged: Device[];
  jobChanged: Job;
  discoveryChanged: DiscoveryStatus;
  fleetChanged: FleetRun;
  /** A history row was written (a job changed state, or one was marked interrupted). */
  historyChanged: HistoryEntry;
}

export type CommandArg<K extends CommandName> = z.infer<(typeof commandArgs)[K]>;

type Commands = {
  [K in CommandName]: CommandArg<K> extends undefined
    ? () => Promise<CommandResults[K]>
    : (arg: CommandArg<K>) => Promise<CommandResults[K]>;
};
type Subscriptions = {
  [K in EventName as `on${Capitalize<K>}`]: (listener: (payload: EventPayloads[K]) => void) => () => void;
};

/** What `window.otaBench` offers the renderer. */
export type OtaBenchApi = Omit<Commands, 'inspectDroppedFiles'> &
  Subscriptions & {
    /**
     * Inspects dropped Files as one image or pair. The preload resolves their paths (Electron's
     * webUtils) and proves the drop; the page never sees or names a path. Rejects a File not on disk.
     */
    inspectDroppedFiles(files: File[]): Promise<ImageInfo>;
  };
