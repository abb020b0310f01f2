// The MCUmgr/SMP operations of one side's boards, whatever link carries them: read a board's status
// and image slots, plan a push, run the SMP job (jobs/smp-job.ts), slot actions and commit/revert
// outside a job (jobs/slot-actions.ts). A side only finds its boards and says how to open a link to
// one; BleSide (BLE GATT), the serial side and the UDP side each build one SmpDeviceOps:
//
//   const smp = new SmpDeviceOps({
//     host, timeouts,                                   // the side's own SideHost and JobTimeouts
//     connector: (device) => mySmpConnector(device),    // throws an UpdateError sentence when it cannot
//     connectTimeoutMs: 15_000,                         // waiting for a board that should be there
//     recordFirmware: (id, version) => table.recordFirmware(id, version),
//     device: (id) => table.get(id),                    // the device as the side lists it now
//     linkDetails: (session) => ({ Port: '/dev/ttyACM0', ...smpSessionDetails(session) }),
//     targetLabel: (device) => `serial ${device.address}`,
//   });
//
// and hands it mcumgr-smp devices: deviceStatus, planPush, pushSequence, decideOutsideJob, slotAction
// (the DeviceSide methods of the same names). A board is held while a job or a slot action works on it
// (a board takes one link at a time): status and plans refuse meanwhile, in words; heldBy() tells the
// side, so its own probes keep off too.
import type {
  Device,
  DeviceStatus,
  ImageSlotActionResult,
  Job,
  PushPlan,
  PushRequest,
  SmpBootMode,
} from '../../../shared/domain.ts';
import { UpdateError } from '../update-error.ts';
import { readMcubootImage, type McubootImage } from '../images/mcuboot.ts';
import type { ImageOnDisk } from '../protocols/update-protocol.ts';
import { activeSlot, notMcubootChecks, planSmpPush, toSmpImageSlots } from '../protocols/mcumgr-smp-plan.ts';
import type { ImageSlotState } from '../smp/smp-messages.ts';
import type { Decision } from '../jobs/commit-decisions.ts';
import type { JobContext, JobSequence, JobTimeouts } from '../jobs/job-context.ts';
import { judgePlan } from '../jobs/push-plan.ts';
import { runSmpJob, type SmpJobDeps } from '../jobs/smp-job.ts';
import { runSlotAction, type SlotActionInput } from '../jobs/slot-actions.ts';
import { SmpSession } from '../smp/smp-session.ts';
import type { SmpUploadTimeouts } from '../smp/smp-upload.ts';
import type { SmpConnector } from '../smp/smp-transport.ts';
import type { SideHost, SlotActionRequest } from './device-side.ts';

export interface SmpDeviceOptions {
  host: SideHost;
  timeouts: JobTimeouts;
  /**
   * How to open a fresh link to this device (called once per status, plan, job or action; the
   * connector itself is called again after a drop or a reset). Throws an UpdateError sentence when
   * the device cannot be reached at all now (not in range, port unknown).
   */
  connector(device: Device): SmpConnector;
  /** How long a connect waits for a board that should be there (jobs cap it at rebootComeBackMs). */
  connectTimeoutMs: number;
  uploadTimeouts?: SmpUploadTimeouts;
  /** What the device runs, as its image list said. */
  recordFirmware(deviceId: string, version: string | null): void;
  /** The device as the side lists it now (null: no longer listed; the caller's copy is used then). */
  device(deviceId: string): Device | null;
  /** The status card's link facts for an open session ("ATT MTU", "Port"; smpSessionDetails for the SMP ones). */
  linkDetails(session: SmpSession, device: Device): Record<string, string>;
  /** The job's target in a few words: "BLE AA:BB:…", "serial /dev/ttyACM0", "UDP 10.0.0.7:1337". */
  targetLabel(device: Device): string;
}

const ACTION_WORDS: Record<SlotActionInput['action'], string> = {
  test: 'marking an image for test',
  confirm: 'confirming an image',
  erase: 'erasing slot 1',
  reset: 'resetting it',
  commit: 'committing its image',
  revert: 'reverting its image',
};

/** The MCUmgr facts of an open session, for any transport's status card. */
export function smpSessionDetails(session: SmpSession): Record<string, string> {
  return {
    'MCUmgr buffers': session.params
      ? `${session.params.bufSize} B × ${session.params.bufCount}`
      : 'not reported (no params command)',
    'SMP packet': `${session.maxPacket} B, ${session.window} in flight`,
  };
}

/** A board that could not be asked: what the list last knew of it, and why in words. */
export function unreachableStatus(device: Device, error: unknown): DeviceStatus {
  return {
    device,
    reachable: false,
    firmwareVersion: device.firmwareVersion,
    firmwareId: null,
    bootState: null,
    slots: null,
    imageSlots: null,
    details: { error: (error as Error).message },
  };
}

export class SmpDeviceOps {
  private readonly options: SmpDeviceOptions;
  /** Devices a job holds a link to: a board takes one link at a time, so status and plans wait. */
  private readonly busy = new Set<string>();
  /** Boot modes read by plans (bootModeFor), per device, with the running image's hash they were read under. */
  private readonly bootModes = new Map<string, { running: string | null; mode: SmpBootMode }>();
  /** Devices a slot action holds (what it is doing, for the refusal's words): no job or other action meanwhile. */
  private readonly actions = new Map<string, string>();

  constructor(options: SmpDeviceOptions) {
    this.options = options;
  }

  /** Devices a job holds now (BLE keeps them listed: a connected board does not advertise). */
  jobDevices(): ReadonlySet<string> {
    return this.busy;
  }

  /** What holds the device now, in words ("a running push", "erasing slot 1"), or null. */
  heldBy(deviceId: string): string | null {
    if (this.busy.has(deviceId)) return 'a running push';
    return this.actions.get(deviceId) ?? null;
  }

  private current(device: Device): Device {
    return this.options.device(device.id) ?? device;
  }

  /**
   * The boot mode for a plan, read once per device and running image: plans are made at every pick of
   * a file, and the read may send the harmless confirm probe (smp/boot-mode.ts); the job reads it again.
   */
  private async bootModeFor(device: Device, session: SmpSession, slots: ImageSlotState[]): Promise<SmpBootMode> {
    const running = activeSlot(slots)?.hash ?? null;
    const known = this.bootModes.get(device.id);
    if (known && known.running === running) return known.mode;
    const mode = await session.readBootMode(slots);
    this.bootModes.set(device.id, { running, mode });
    return mode;
  }

  private async session(device: Device, signal?: AbortSignal): Promise<SmpSession> {
    const connect = this.options.connector(device);
    if (this.busy.has(device.id))
      throw new UpdateError(
        'update-failed',
        `${device.name} is connected to a running job; its slots are read again when the job ends.`,
      );
    const action = this.actions.get(device.id);
    if (action) throw new UpdateError('update-failed', `${device.name} is busy: ${action}. Try again when it ends.`);
    return SmpSession.open(connect, { timeoutMs: this.options.connectTimeoutMs, signal });
  }

  async deviceStatus(device: Device): Promise<DeviceStatus> {
    const base = { device, firmwareId: null, bootState: null, slots: null };
    try {
      const session = await this.session(device);
      try {
        const slots = await session.readImageState();
        const active = activeSlot(slots);
        this.options.recordFirmware(device.id, active?.version ?? null);
        return {
          ...base,
          device: this.current(device),
          reachable: true,
          firmwareVersion: active?.version ?? null,
          imageSlots: toSmpImageSlots(slots),
          details: this.options.linkDetails(session, device),
        };
      } finally {
        await session.close();
      }
    } catch (error) {
      return unreachableStatus(device, error);
    }
  }

  async planPush(device: Device, image: ImageOnDisk, signal?: AbortSignal): Promise<PushPlan> {
    const { info } = image;
    const base = {
      deviceId: device.id,
      imageId: info.imageId,
      protocol: device.protocol,
      reason: null,
      slots: null,
      send: { imageId: info.imageId, fileName: info.fileName, size: info.size, sha256: info.sha256 },
    };
    const mcuboot: McubootImage | null = await readMcubootImage(image.path).catch(() => null);
    if (!mcuboot) {
      const checks = notMcubootChecks(info);
      return { ...base, imageSlots: null, checks, ...judgePlan(checks, base) };
    }
    let session: SmpSession;
    try {
      session = await this.session(device, signal);
    } catch (error) {
      if (!(error instanceof UpdateError) || error.code === 'cancelled') throw error;
      const checks = [
        { id: 'board', label: 'Device answers', status: 'fail' as const, detail: error.message, overridable: false },
      ];
      return { ...base, imageSlots: null, checks, ...judgePlan(checks, base) };
    }
    try {
      const slots = await session.readImageState();
      const bootMode = await this.bootModeFor(device, session, slots);
      const { checks, reason } = planSmpPush({ image: mcuboot, slots, link: session.link, bootMode });
      return {
        ...base,
        reason,
        bootMode,
        imageSlots: toSmpImageSlots(slots),
        checks,
        ...judgePlan(checks, base),
      };
    } finally {
      await session.close();
    }
  }

  /** MCUboot: what commit/revert can truthfully do to the slots (jobs/slot-actions.ts). */
  async decideOutsideJob(device: Device, decision: Decision): Promise<string> {
    const result = await this.slotAction(device, { deviceId: device.id, action: decision });
    if (!result.done) throw new UpdateError('update-failed', result.message);
    return `${result.message} ${result.nextReset}`;
  }

  /**
   * One slot action (or the CLI's commit/revert), holding the device like a job does: refused while a
   * job or another action has it. Bounded: connect, each command and the reboot wait have their limits.
   */
  async slotAction(device: Device, input: SlotActionRequest): Promise<ImageSlotActionResult> {
    const job: Job | null = this.options.host.activeJobFor(device.id);
    if (job)
      throw new UpdateError(
        'update-failed',
        `A push to ${device.name} is running (${job.state}); slot actions wait until it ends.`,
      );
    const { timeouts } = this.options;
    const connect = this.options.connector(device);
    if (this.busy.has(device.id))
      throw new UpdateError(
        'update-failed',
        `${device.name} is connected to a running push; slot actions wait until it ends.`,
      );
    const holder = this.actions.get(device.id);
    if (holder) throw new UpdateError('update-failed', `${device.name} is busy: ${holder}. Try again when it ends.`);
    this.actions.set(device.id, ACTION_WORDS[input.action]);
    try {
      const result = await runSlotAction(input, {
        deviceId: device.id,
        name: device.name,
        connect,
        connectTimeoutMs: this.options.connectTimeoutMs,
        rebootGoneMs: timeouts.rebootGoneMs,
        rebootComeBackMs: timeouts.rebootComeBackMs,
      });
      this.options.recordFirmware(device.id, result.firmwareVersion);
      return result;
    } finally {
      this.actions.delete(device.id);
    }
  }

  /** The job sequence for an SMP push to this device; refused while a slot action holds it. */
  pushSequence(device: Device, _request?: PushRequest): JobSequence {
    const held = this.actions.get(device.id);
    if (held) throw new UpdateError('update-failed', `${device.name} is busy: ${held}. Push again when it ends.`);
    const { timeouts } = this.options;
    const deps: SmpJobDeps = {
      connect: this.options.connector(device),
      recordFirmware: (version) => this.options.recordFirmware(device.id, version),
      connectTimeoutMs: Math.min(this.options.connectTimeoutMs, timeouts.rebootComeBackMs),
      uploadTimeouts: this.options.uploadTimeouts,
      onReleased: () => this.busy.delete(device.id),
    };
    const run = async (ctx: JobContext): Promise<void> => {
      this.busy.add(device.id);
      try {
        await runSmpJob(ctx, deps);
      } finally {
        this.busy.delete(device.id);
      }
    };
    return {
      protocolId: 'mcumgr-smp',
      target: this.options.targetLabel(device),
      currentDevice: () => this.current(device),
      run,
    };
  }
}
