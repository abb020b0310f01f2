// Bluetooth LE as a side: scan into the device table, read a device's image slots, plan a push, run
// SMP jobs (jobs/smp-job.ts) and slot actions (jobs/slot-actions.ts). The engine reaches it through
// DeviceSide like any other side; the LAN side never sees the radio.
import type { Device, DeviceStatus, ImageSlotActionResult, Job, PushPlan } from '../../../shared/domain.ts';
import type { DiscoveryStatus } from '../../../shared/contract.ts';
import { UpdateError } from '../update-error.ts';
import { BLE_UPDATE_SERVICES, BleDeviceTable, normaliseAddress } from '../discovery/ble-devices.ts';
import { readMcubootImage, type McubootImage } from '../images/mcuboot.ts';
import type { ImageOnDisk } from '../protocols/update-protocol.ts';
import {
  activeSlot,
  notMcubootChecks,
  planSmpPush,
  toSmpImageSlots,
  type SmpAction,
} from '../protocols/mcumgr-smp-plan.ts';
import type { Decision } from '../jobs/commit-decisions.ts';
import type { JobContext, JobSequence, JobTimeouts } from '../jobs/job-context.ts';
import { judgePlan } from '../jobs/push-plan.ts';
import { runSmpJob, type SmpJobDeps } from '../jobs/smp-job.ts';
import { runSlotAction, type SlotActionInput } from '../jobs/slot-actions.ts';
import { mongooseBleSequence, mongooseBlePlan, mongooseBleStatus, mongooseBleDecide } from './mongoose-ble.ts';
import type { BleRadio, RadioStatus } from '../ble/ble-radio.ts';
import { SmpSession } from '../smp/smp-session.ts';
import type { SmpUploadTimeouts } from '../smp/smp-upload.ts';
import { bleSmpConnector } from '../ble/smp-gatt-transport.ts';
import type { EspOtaTimeouts } from '../ble/esp-ble-ota-upload.ts';
import { espOtaPlan, espOtaSequence, espOtaStatus, type EspOtaAccess } from './esp-ble-ota.ts';
import type { DeviceSide, SideHost, SlotActionRequest } from './device-side.ts';
import { bleAddressNotSeen, blePushNotYet, noCommitControl, noMcubootSlots } from './side-messages.ts';

export interface BleSideOptions {
  /** Connecting to a device that is in range (it advertises every ~100 ms–1 s). */
  connectTimeoutMs?: number;
  uploadTimeouts?: SmpUploadTimeouts;
  /** Espressif BLE OTA command and sector-ACK waits. */
  espOtaTimeouts?: EspOtaTimeouts;
}

const PLAN_REASONS: Record<SmpAction, string> = {
  upload: 'Uploads to slot 1; MCUboot swaps it into slot 0 at the reset.',
  'skip-upload': 'Slot 1 already holds it: no upload, only the test or confirm and the reset.',
  'confirm-running': 'It already runs as an unconfirmed test: OTA Bench only confirms it.',
  nothing: 'It already runs, confirmed: pushing sends nothing and ends at once.',
};

const ACTION_WORDS: Record<SlotActionInput['action'], string> = {
  test: 'marking an image for test',
  confirm: 'confirming an image',
  erase: 'erasing slot 1',
  reset: 'resetting it',
  commit: 'committing its image',
  revert: 'reverting its image',
};

const OFF: RadioStatus = { state: 'off', message: 'Bluetooth is off in this configuration (OTA_BENCH_BLE=off).' };

export class BleSide implements DeviceSide {
  private readonly table = new BleDeviceTable();
  private readonly radio: BleRadio | null;
  private readonly host: SideHost;
  private readonly timeouts: JobTimeouts;
  /** Devices that stop advertising go offline (15 s); runs while discovery does. */
  private expiry: NodeJS.Timeout | null = null;
  /** Why the last start failed, until the radio reports a state of its own. */
  private startFailure: RadioStatus | null = null;
  /** Devices a job holds a connection to: a peripheral takes one central, so status and plans wait. */
  private readonly busy = new Set<string>();
  /** Devices a slot action holds (what it is doing, for the refusal's words): no job or other action meanwhile. */
  private readonly actions = new Map<string, string>();
  /** While a job holds a device it does not advertise; keep it online in the list meanwhile. */
  private readonly keepAlive = setInterval(() => {
    for (const id of this.busy) this.table.touch(id);
  }, 2_000);
  private readonly options: Required<Pick<BleSideOptions, 'connectTimeoutMs'>> & BleSideOptions;

  constructor(host: SideHost, timeouts: JobTimeouts, radio: BleRadio | null, options: BleSideOptions = {}) {
    this.host = host;
    this.timeouts = timeouts;
    this.radio = radio;
    this.options = { connectTimeoutMs: 15_000, ...options };
    radio?.on('advertisement', (ad) => this.table.observe(ad));
    radio?.on('status', () => {
      this.startFailure = null;
      host.statusChanged();
    });
    this.table.on('changed', () => host.devicesChanged());
  }

  private status(): NonNullable<DiscoveryStatus['ble']> {
    return this.startFailure ?? this.radio?.status() ?? OFF;
  }

  discoveryStatus(): Partial<DiscoveryStatus> {
    return { ble: this.status() };
  }

  list(): Device[] {
    return this.table.list();
  }

  get(deviceId: string): Device | null {
    return this.table.get(deviceId);
  }

  async start(): Promise<void> {
    this.expiry ??= setInterval(() => this.table.expire(), 1000);
    this.startFailure = null;
    await this.radio?.startScanning(BLE_UPDATE_SERVICES.map((s) => s.uuid)).catch((error: Error) => {
      this.startFailure = { state: 'unavailable', message: `Bluetooth scanning failed: ${error.message}` };
      this.host.statusChanged();
    });
  }

  async stop(): Promise<void> {
    if (this.expiry) clearInterval(this.expiry);
    this.expiry = null;
    await this.radio?.stopScanning();
  }

  resolve(ref: string): Promise<Device> | null {
    const wanted = ref.trim().toLowerCase();
    if (!normaliseAddress(wanted)) return null;
    const status = this.status();
    return Promise.reject(new UpdateError('connection-lost', bleAddressNotSeen(wanted, status)));
  }

  async close(): Promise<void> {
    clearInterval(this.keepAlive);
    if (this.expiry) clearInterval(this.expiry);
    this.expiry = null;
    await this.radio?.close();
  }

  /** The radio and peripheral id of a device in range; throws a sentence otherwise. */
  private inRange(device: Device): { radio: BleRadio; peripheralId: string } {
    const radio = this.radio;
    const peripheralId = this.table.peripheralIdOf(device.id);
    if (!radio || !peripheralId)
      throw new UpdateError('connection-lost', `${device.name} is not in range of a Bluetooth adapter.`);
    return { radio, peripheralId };
  }

  /** What a Mongoose OS device's plan, status, commit and job need from this side (sides/mongoose-ble.ts). */
  private mongooseAccess(device: Device) {
    const { radio, peripheralId } = this.inRange(device);
    const held = this.actions.get(device.id);
    if (held) throw new UpdateError('update-failed', `${device.name} is busy: ${held}. Try again when it ends.`);
    if (this.busy.has(device.id))
      throw new UpdateError('update-failed', `${device.name} is connected to a running job; try again when it ends.`);
    return {
      radio,
      peripheralId: () => this.table.peripheralIdOf(device.id) ?? peripheralId,
      connectTimeoutMs: this.options.connectTimeoutMs,
      timeouts: this.timeouts,
      recordFirmware: (version: string | null) => this.table.recordFirmware(device.id, version),
      hold: (words: string) => this.actions.set(device.id, words),
      release: () => this.actions.delete(device.id),
      busy: this.busy,
      device: () => this.table.get(device.id) ?? device,
    };
  }

  /** The radio and peripheral id of an SMP device in range; throws a sentence otherwise. */
  private smpDevice(device: Device): { radio: BleRadio; peripheralId: string } {
    const { radio, peripheralId } = this.inRange(device);
    if (device.protocol !== 'mcumgr-smp') {
      throw new UpdateError('unsupported-protocol', blePushNotYet(device));
    }
    return { radio, peripheralId };
  }

  private async session(device: Device, signal?: AbortSignal): Promise<SmpSession> {
    const { radio, peripheralId } = this.smpDevice(device);
    if (this.busy.has(device.id))
      throw new UpdateError(
        'update-failed',
        `${device.name} is connected to a running job; its slots are read again when the job ends.`,
      );
    const action = this.actions.get(device.id);
    if (action) throw new UpdateError('update-failed', `${device.name} is busy: ${action}. Try again when it ends.`);
    const connect = bleSmpConnector(radio, () => this.table.peripheralIdOf(device.id) ?? peripheralId, device.name);
    return SmpSession.open(connect, { timeoutMs: this.options.connectTimeoutMs, signal });
  }

  /** What an Espressif BLE OTA job needs from this side (sides/esp-ble-ota.ts). */
  private espOtaAccess(device: Device): EspOtaAccess {
    const radio = this.radio;
    const peripheralId = this.table.peripheralIdOf(device.id);
    if (!radio || !peripheralId)
      throw new UpdateError('connection-lost', `${device.name} is not in range of a Bluetooth adapter.`);
    return {
      radio,
      peripheralId: () => this.table.peripheralIdOf(device.id) ?? peripheralId,
      connectTimeoutMs: Math.min(this.options.connectTimeoutMs, this.timeouts.rebootComeBackMs),
      timeouts: this.options.espOtaTimeouts,
      device: () => this.table.get(device.id) ?? device,
      hold: () => this.busy.add(device.id),
      release: () => this.busy.delete(device.id),
    };
  }

  async deviceStatus(device: Device): Promise<DeviceStatus> {
    if (device.protocol === 'esp-ble-ota') return espOtaStatus(this.table.get(device.id) ?? device);
    const base = { device, firmwareId: null, bootState: null, slots: null };
    if (device.protocol === 'mongoose-os-ble') {
      try {
        return await mongooseBleStatus(this.mongooseAccess(device));
      } catch (error) {
        const details = { error: (error as Error).message };
        return { ...base, reachable: false, firmwareVersion: device.firmwareVersion, imageSlots: null, details };
      }
    }
    try {
      const session = await this.session(device);
      try {
        const slots = await session.readImageState();
        const active = activeSlot(slots);
        this.table.recordFirmware(device.id, active?.version ?? null);
        const details: Record<string, string> = {
          'ATT MTU': session.attMtu === null ? 'not reported' : String(session.attMtu),
          'MCUmgr buffers': session.params
            ? `${session.params.bufSize} B × ${session.params.bufCount}`
            : 'not reported (no params command)',
          'SMP packet': `${session.maxPacket} B, ${session.window} in flight`,
        };
        if (device.rssi !== null) details.RSSI = `${device.rssi} dBm`;
        return {
          ...base,
          device: this.table.get(device.id) ?? device,
          reachable: true,
          firmwareVersion: active?.version ?? null,
          imageSlots: toSmpImageSlots(slots),
          details,
        };
      } finally {
        await session.close();
      }
    } catch (error) {
      return {
        ...base,
        reachable: false,
        firmwareVersion: device.firmwareVersion,
        imageSlots: null,
        details: { error: (error as Error).message },
      };
    }
  }

  async planPush(device: Device, image: ImageOnDisk, signal?: AbortSignal): Promise<PushPlan> {
    if (device.protocol === 'esp-ble-ota') return espOtaPlan(device, image);
    if (device.protocol === 'mongoose-os-ble')
      return mongooseBlePlan(device, image, () => this.mongooseAccess(device), signal);
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
      const { checks, action } = planSmpPush({ image: mcuboot, slots, link: session.link });
      return {
        ...base,
        reason: PLAN_REASONS[action],
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
    if (device.protocol === 'mongoose-os-ble') {
      const job: Job | null = this.host.activeJobFor(device.id);
      if (job)
        throw new UpdateError(
          'update-failed',
          `A push to ${device.name} is running (${job.state}); decide in its job.`,
        );
      return mongooseBleDecide(device, this.mongooseAccess(device), decision);
    }
    if (device.protocol !== 'mcumgr-smp') throw new UpdateError('unsupported-protocol', noCommitControl(device));
    const result = await this.slotAction(device, { deviceId: device.id, action: decision });
    if (!result.done) throw new UpdateError('update-failed', result.message);
    return `${result.message} ${result.nextReset}`;
  }

  /**
   * One slot action (or the CLI's commit/revert), holding the device like a job does: refused while a
   * job or another action has it. Bounded: connect, each command and the reboot wait have their limits.
   */
  async slotAction(device: Device, input: SlotActionRequest): Promise<ImageSlotActionResult> {
    if (device.protocol !== 'mcumgr-smp') {
      throw new UpdateError('unsupported-protocol', noMcubootSlots(device));
    }
    const job: Job | null = this.host.activeJobFor(device.id);
    if (job)
      throw new UpdateError(
        'update-failed',
        `A push to ${device.name} is running (${job.state}); slot actions wait until it ends.`,
      );
    const timeouts = this.timeouts;
    const { radio, peripheralId } = this.smpDevice(device);
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
        connect: bleSmpConnector(radio, () => this.table.peripheralIdOf(device.id) ?? peripheralId, device.name),
        connectTimeoutMs: this.options.connectTimeoutMs,
        rebootGoneMs: timeouts.rebootGoneMs,
        rebootComeBackMs: timeouts.rebootComeBackMs,
      });
      this.table.recordFirmware(device.id, result.firmwareVersion);
      return result;
    } finally {
      this.actions.delete(device.id);
    }
  }

  /** The job sequence for an SMP push to this device; refused while a slot action holds it. */
  pushSequence(device: Device): JobSequence {
    const held = this.actions.get(device.id);
    if (held) throw new UpdateError('update-failed', `${device.name} is busy: ${held}. Push again when it ends.`);
    if (device.protocol === 'esp-ble-ota') return espOtaSequence(device, this.espOtaAccess(device));
    if (device.protocol === 'mongoose-os-ble') return mongooseBleSequence(device, this.mongooseAccess(device));
    const timeouts = this.timeouts;
    const { radio, peripheralId } = this.smpDevice(device);
    const deps: SmpJobDeps = {
      // The table may forget a device that stops advertising during a long connection; the id stays valid.
      connect: bleSmpConnector(radio, () => this.table.peripheralIdOf(device.id) ?? peripheralId, device.name),
      recordFirmware: (version) => this.table.recordFirmware(device.id, version),
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
      target: `BLE ${device.address ?? device.name}`,
      currentDevice: () => this.table.get(device.id) ?? device,
      run,
    };
  }
}
