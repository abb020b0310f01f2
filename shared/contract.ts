// The one IPC contract between the renderer and the main process. Both ends are derived from it:
// the preload exposes exactly `commandNames` + `eventNames` (as `onX` subscriptions) + `pathForFile`,
// the IPC server validates every argument with `commandArgs[name]`, and the renderer is typed by
// `OtaBenchApi`. The Chromium test bridge implements the same `OtaBenchApi` over HTTP.
import { z } from 'zod';
import type { Device, DeviceStatus, ImageInfo, ImageSlotActionResult, Job, PushPlan } from './domain.ts';
import type { CommandName, EventName } from './contract-names.ts';

export * from './contract-names.ts';

const id = z.string().min(1).max(200);

export const protocolIdSchema = z.enum([
  'mongoose-os',
  'arduino-esp8266',
  'arduino-esp32',
  'esphome-web',
  'esp-link',
  'arduino-ota',
  'mcumgr-smp',
  'mongoose-os-ble',
  'esp-ble-ota',
  'unknown',
]);

export const pushRequestSchema = z
  .object({
    deviceId: id,
    imageId: id,
    protocol: protocolIdSchema.optional(),
    commitPolicy: z.enum(['auto', 'prompt', 'never']),
    commitTimeoutSeconds: z.number().int().min(10).max(24 * 3600),
    credentials: z
      .object({ user: z.string().max(200), password: z.string().max(200) })
      .strict()
      .optional(),
    override: z.boolean().optional(),
    mode: z.enum(['test-and-confirm', 'confirm-only', 'test-only']).optional(),
  })
  .strict();

const jobRef = z.object({ jobId: id }).strict();

/** An MCUboot image hash as the device lists it: SHA-256, lowercase hex. */
const imageHash = z.string().regex(/^[0-9a-f]{64}$/, 'an image hash is 64 lowercase hex digits');

/**
 * The slot panel's buttons on an SMP device: Test (slot 1), Confirm (slot 0 = the running image,
 * slot 1 = swap for good), Erase (slot 1), Reset. `hash` is the image the panel showed in that slot.
 */
export const imageSlotActionSchema = z.discriminatedUnion('action', [
  z.object({ deviceId: id, action: z.literal('test'), slot: z.literal(1), hash: imageHash }).strict(),
  z.object({ deviceId: id, action: z.literal('confirm'), slot: z.union([z.literal(0), z.literal(1)]), hash: imageHash }).strict(),
  z.object({ deviceId: id, action: z.literal('erase'), slot: z.literal(1), hash: imageHash.optional() }).strict(),
  z.object({ deviceId: id, action: z.literal('reset') }).strict(),
]);

/** Argument schema of every renderer → main command (each takes one object, or nothing). */
export const commandArgs = {
  listDevices: z.undefined(),
  /** Add a board by `host[:port]` without discovery; the main process probes it. */
  addDevice: z.object({ target: z.string().min(1).max(260) }).strict(),
  deviceStatus: z.object({ deviceId: id }).strict(),
  getDiscoveryStatus: z.undefined(),
  /** The main process shows the file dialog, opens and inspects the file. */
  openImageDialog: z.undefined(),
  /** The main process shows a folder dialog and looks for a user1/user2 pair in the folder. */
  openFolderDialog: z.undefined(),
  /**
   * Paths the user dropped on the window (resolved by the preload from the File objects): one file,
   * a user1/user2 pair, or a build folder.
   */
  inspectImagePaths: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(16) }).strict(),
  /** What a push of this image to this device would send, and the pre-flight checks. */
  planPush: z.object({ deviceId: id, imageId: id, protocol: protocolIdSchema.optional(), credentials: pushRequestSchema.shape.credentials }).strict(),
  listJobs: z.undefined(),
  push: pushRequestSchema,
  cancelJob: jobRef,
  commitJob: jobRef,
  revertJob: jobRef,
  dismissJob: jobRef,
  /** Commit / revert the firmware a board runs uncommitted, with no job of ours waiting on it (the plan panel). */
  commitDevice: z.object({ deviceId: id }).strict(),
  revertDevice: z.object({ deviceId: id }).strict(),
  imageSlotAction: imageSlotActionSchema,
} as const satisfies Record<CommandName, z.ZodType>;

export interface DiscoveryStatus {
  state: 'starting' | 'running' | 'unavailable';
  message: string;
  /** Bluetooth scanning, beside mDNS: `off` when the user turned BLE off (OTA_BENCH_BLE=off). */
  ble?: { state: 'off' | 'starting' | 'scanning' | 'unavailable'; message: string };
}

export interface CommandResults {
  listDevices: Device[];
  addDevice: Device;
  deviceStatus: DeviceStatus;
  getDiscoveryStatus: DiscoveryStatus;
  openImageDialog: ImageInfo | null;
  openFolderDialog: ImageInfo | null;
  inspectImagePaths: ImageInfo;
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
}

/** Main → renderer events. */
export interface EventPayloads extends Record<EventName, unknown> {
  devicesChanged: Device[];
  jobChanged: Job;
  discoveryChanged: DiscoveryStatus;
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
export type OtaBenchApi = Commands &
  Subscriptions & {
    /** Resolves a dropped File to its path (Electron's webUtils); '' when the File is not on disk. */
    pathForFile(file: File): string;
  };
