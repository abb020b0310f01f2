// What the serial and UDP sides hand every MCUmgr operation to: status, plan, push, commit/revert and
// slot actions of one board, given a connector that opens a fresh SmpTransport to it (sides/smp-device.ts
// does them for any transport). The sides only find boards, hold them and open their links.
import type { Device, DeviceStatus, ImageSlotActionResult, PushPlan, PushRequest } from '../../../shared/domain.ts';
import type { PlanOptions } from '../engine-api.ts';
import type { Decision } from '../jobs/commit-decisions.ts';
import type { JobSequence } from '../jobs/job-context.ts';
import type { ImageOnDisk } from '../protocols/update-protocol.ts';
import type { SmpConnector } from '../smp/smp-transport.ts';
import type { SlotActionRequest } from './device-side.ts';

export interface SmpOps {
  deviceStatus(device: Device): Promise<DeviceStatus>;
  planPush(device: Device, image: ImageOnDisk, signal?: AbortSignal, options?: PlanOptions): Promise<PushPlan>;
  pushSequence(device: Device, request: PushRequest): JobSequence;
  decideOutsideJob(device: Device, decision: Decision): Promise<string>;
  slotAction(device: Device, request: SlotActionRequest): Promise<ImageSlotActionResult>;
}

/** What a side gives the MCUmgr operations of one board. */
export interface SmpBoardAccess {
  /** Opens the board's link; after a reset it waits (bounded) for the board to come back and answer. */
  connector: SmpConnector;
  /** The link in a few words for the job card ("serial /dev/ttyACM0", "UDP 10.0.0.7:1337"). */
  target: string;
  /** The device as the side lists it now. */
  current(): Device;
  /** What the board runs, as the image list said. */
  recordFirmware(version: string | null): void;
  /** A job or slot action holds the board from now (the side's probes and pings keep off it). */
  hold(words: string): void;
  release(): void;
  /** Words of what holds the board now, or null. */
  heldBy(): string | null;
}

export type SmpOpsFactory = (access: SmpBoardAccess) => SmpOps;
