// A side of the world where devices live: the LAN (mDNS + HTTP, lan-side.ts) and Bluetooth LE
// (noble + SMP, ble-side.ts); later others. The engine composes a list of sides and asks the side that
// owns a device, never which transport the device has. A side lists and resolves its devices, reports
// its part of the discovery status, plans a push, hands the job manager the sequence that runs it,
// reads a device's status and offers what it can of commit/revert and slot actions, in its own words.
//
// Layering (scripts/check-imports.js): engine.ts → sides/ → jobs/ and discovery/ → protocols/ → ble/
// (the radio, SMP's GATT transport) → smp/ (MCUmgr/SMP over any transport) → images/ and net/ → shared/.
// A side may use everything below it; nothing below imports a side.
import type { DiscoveryStatus } from '../../../shared/contract.ts';
import type {
  Device,
  DeviceStatus,
  ImageSlotActionRequest,
  ImageSlotActionResult,
  Job,
  PushPlan,
  PushRequest,
  SerialPortSettings,
} from '../../../shared/domain.ts';
import type { PlanOptions, ResolveHints } from '../engine-api.ts';
import type { Decision } from '../jobs/commit-decisions.ts';
import type { JobSequence } from '../jobs/job-context.ts';
import type { ImageOnDisk } from '../protocols/update-protocol.ts';

/** What a side needs from the engine that holds it. */
export interface SideHost {
  /** The job of ours running on a device (not yet ended), if any. */
  activeJobFor(deviceId: string): Job | null;
  /** The side's device list changed (the engine lists every side again). */
  devicesChanged(): void;
  /** The side's part of the discovery status changed. */
  statusChanged(): void;
}

/** The CLI's commit / revert, or one action of the slot panel. */
export type SlotActionRequest = ImageSlotActionRequest | { deviceId: string; action: Decision };

export interface DeviceSide {
  /** Starts finding devices (idempotent); a side that cannot says so in its status, not by throwing. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops for good: timers, radios. */
  close(): Promise<void>;

  /** Its part of the discovery status (the LAN: state and message; BLE: `ble`). */
  discoveryStatus(): Partial<DiscoveryStatus>;
  list(): Device[];
  /** The device with this id if this side owns it. */
  get(deviceId: string): Device | null;
  /**
   * A reference no listed device matched, in this side's address form (host[:port], a Bluetooth
   * address): the device it names, or a sentence (UpdateError) why not. null: not this side's form.
   */
  resolve(ref: string, signal?: AbortSignal, hints?: ResolveHints): Promise<Device> | null;

  deviceStatus(device: Device): Promise<DeviceStatus>;
  planPush(device: Device, image: ImageOnDisk, signal?: AbortSignal, options?: PlanOptions): Promise<PushPlan>;
  /** The sequence that runs this push; throws a sentence when the device cannot take one now. */
  pushSequence(device: Device, request: PushRequest): JobSequence;
  /**
   * Commit or revert with no job of ours waiting for it (the engine hands a waiting job the decision
   * itself). Resolves with what was done, in one sentence; throws a sentence when it cannot.
   */
  decideOutsideJob(device: Device, decision: Decision): Promise<string>;
  /** An action on the device's image slots; a side without slots refuses in words. */
  slotAction(device: Device, request: SlotActionRequest): Promise<ImageSlotActionResult>;
  /** Every change of every job, so a side can keep what it shows in step (the LAN's commit state). */
  jobChanged?(job: Job): void;
  /** Serial ports only: baud, flow control, whether OTA Bench may write to it (the serial side). */
  setSerialPort?(device: Device, settings: SerialPortSettings): Promise<Device>;
  /** Drops the credentials the side was given for this device (a side without passwords has none). */
  forgetCredentials?(device: Device): void;
}
