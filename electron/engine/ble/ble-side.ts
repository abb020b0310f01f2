// Everything the engine does over Bluetooth LE, behind a few calls: scan into the device table,
// read a device's image slots, plan a push, and run SMP jobs. The engine asks here for devices whose
// transport is 'ble'; the LAN side never sees the radio.
import type { Device, DeviceStatus, ImageSlotActionResult, PushPlan } from '../../../shared/domain.ts';
import { PROTOCOL_LABELS } from '../../../shared/domain.ts';
import type { DiscoveryStatus } from '../../../shared/contract.ts';
import { UpdateError } from '../update-error.ts';
import { BLE_UPDATE_SERVICES, BleDeviceTable } from '../discovery/ble-devices.ts';
import { readMcubootImage, type McubootImage } from '../images/mcuboot.ts';
import type { ImageOnDisk } from '../protocols/update-protocol.ts';
import { activeSlot, notMcubootChecks, planSmpPush, toSmpImageSlots, type SmpAction } from '../protocols/mcumgr-smp-plan.ts';
import type { JobContext, JobTimeouts } from '../jobs/job-runner.ts';
import { verdictOf } from '../jobs/push-plan.ts';
import { runSmpJob, type SmpJobDeps } from '../jobs/smp-job.ts';
import { runSlotAction, type SlotActionInput } from './slot-actions.ts';
import type { BleRadio, RadioStatus } from './ble-radio.ts';
import { SmpSession } from './smp-session.ts';
import type { UploadTimeouts } from './smp-upload.ts';

export interface BleSideOptions {
  /** Connecting to a device that is in range (it advertises every ~100 ms–1 s). */
  connectTimeoutMs?: number;
  uploadTimeouts?: UploadTimeouts;
}

const PLAN_REASONS: Record<SmpAction, string> = {
  upload: 'Uploads to slot 1; MCUboot swaps it into slot 0 at the reset.',
  'skip-upload': 'Slot 1 already holds it: no upload, only the test or confirm and the reset.',
  'confirm-running': 'It already runs as an unconfirmed test: OTA Bench only confirms it.',
  nothing: 'It already runs, confirmed: pushing sends nothing and ends at once.',
};

const ACTION_WORDS: Record<SlotActionInput['action'], string> = {
  test: 'marking an image for test', confirm: 'confirming an image', erase: 'erasing slot 1', reset: 'resetting it',
  commit: 'committing its image', revert: 'reverting its image',
};

const OFF: RadioStatus = { state: 'off', message: 'Bluetooth is off in this configuration (OTA_BENCH_BLE=off).' };

export class BleSide {
  readonly table = new BleDeviceTable();
  private readonly radio: BleRadio | null;
  /** Devices a job holds a connection to: a peripheral takes one central, so status and plans wait. */
  private readonly busy = new Set<string>();
  /** Devices a slot action holds (what it is doing, for the refusal's words): no job or other action meanwhile. */
  private readonly actions = new Map<string, string>();
  /** While a job holds a device it does not advertise; keep it online in the list meanwhile. */
  private readonly keepAlive = setInterval(() => {
    for (const id of this.busy) this.table.touch(id);
  }, 2_000);
  private readonly options: Required<Pick<BleSideOptions, 'connectTimeoutMs'>> & BleSideOptions;

  constructor(radio: BleRadio | null, options: BleSideOptions = {}) {
    this.radio = radio;
    this.options = { connectTimeoutMs: 15_000, ...options };
    radio?.on('advertisement', (ad) => this.table.observe(ad));
  }

  status(): NonNullable<DiscoveryStatus['ble']> {
    return this.radio?.status() ?? OFF;
  }

  onStatus(listener: () => void): void {
    this.radio?.on('status', listener);
  }

  async start(): Promise<void> {
    await this.radio?.startScanning(BLE_UPDATE_SERVICES.map((s) => s.uuid));
  }

  async stop(): Promise<void> {
    await this.radio?.stopScanning();
  }

  async close(): Promise<void> {
    clearInterval(this.keepAlive);
    await this.radio?.close();
  }

  /** The radio and peripheral id of an SMP device in range; throws a sentence otherwise. */
  private smpDevice(device: Device): { radio: BleRadio; peripheralId: string } {
    const radio = this.radio;
    const peripheralId = this.table.peripheralIdOf(device.id);
    if (!radio || !peripheralId) throw new UpdateError('connection-lost', `${device.name} is not in range of a Bluetooth adapter.`);
    if (device.protocol !== 'mcumgr-smp') {
      throw new UpdateError('unsupported-protocol', `${device.name} advertises ${PROTOCOL_LABELS[device.protocol]}; OTA Bench lists it now, and pushing over that service comes in a later version.`);
    }
    return { radio, peripheralId };
  }

  private async session(device: Device, signal?: AbortSignal): Promise<SmpSession> {
    const { radio, peripheralId } = this.smpDevice(device);
    if (this.busy.has(device.id)) throw new UpdateError('update-failed', `${device.name} is connected to a running job; its slots are read again when the job ends.`);
    const action = this.actions.get(device.id);
    if (action) throw new UpdateError('update-failed', `${device.name} is busy: ${action}. Try again when it ends.`);
    return SmpSession.open(radio, peripheralId, { connectTimeoutMs: this.options.connectTimeoutMs, signal });
  }

  async deviceStatus(device: Device): Promise<DeviceStatus> {
    const base = { device, firmwareId: null, bootState: null, slots: null };
    try {
      const session = await this.session(device);
      try {
        const slots = await session.readImageState();
        const active = activeSlot(slots);
        this.table.recordFirmware(device.id, active?.version ?? null);
        const details: Record<string, string> = {
          'ATT MTU': session.attMtu === null ? 'not reported' : String(session.attMtu),
          'MCUmgr buffers': session.params ? `${session.params.bufSize} B × ${session.params.bufCount}` : 'not reported (no params command)',
          'SMP packet': `${session.maxPacket} B, ${session.window} in flight`,
        };
        if (device.rssi !== null) details.RSSI = `${device.rssi} dBm`;
        return { ...base, device: this.table.get(device.id) ?? device, reachable: true, firmwareVersion: active?.version ?? null, imageSlots: toSmpImageSlots(slots), details };
      } finally {
        await session.close();
      }
    } catch (error) {
      return { ...base, reachable: false, firmwareVersion: device.firmwareVersion, imageSlots: null, details: { error: (error as Error).message } };
    }
  }

  async planPush(device: Device, image: ImageOnDisk, signal?: AbortSignal): Promise<PushPlan> {
    const { info } = image;
    const base = {
      deviceId: device.id, imageId: info.imageId, protocol: device.protocol, reason: null, slots: null,
      send: { imageId: info.imageId, fileName: info.fileName, size: info.size, sha256: info.sha256 },
    };
    const mcuboot: McubootImage | null = await readMcubootImage(image.path).catch(() => null);
    if (!mcuboot) {
      const checks = notMcubootChecks(info);
      return { ...base, imageSlots: null, checks, ...verdictOf(checks) };
    }
    let session: SmpSession;
    try {
      session = await this.session(device, signal);
    } catch (error) {
      if (!(error instanceof UpdateError) || error.code === 'cancelled') throw error;
      const checks = [{ id: 'board', label: 'Device answers', status: 'fail' as const, detail: error.message, overridable: false }];
      return { ...base, imageSlots: null, checks, ...verdictOf(checks) };
    }
    try {
      const slots = await session.readImageState();
      const { checks, action } = planSmpPush({ image: mcuboot, slots, link: session.link });
      return { ...base, reason: PLAN_REASONS[action], imageSlots: toSmpImageSlots(slots), checks, ...verdictOf(checks) };
    } finally {
      await session.close();
    }
  }

  /** What holds the device besides a job, in words (null: free): a push waits for it. */
  heldBy(deviceId: string): string | null {
    return this.actions.get(deviceId) ?? null;
  }

  /**
   * One slot action (or the CLI's commit/revert), holding the device like a job does: refused while a
   * job or another action has it. Bounded: connect, each command and the reboot wait have their limits.
   */
  async slotAction(device: Device, input: SlotActionInput, timeouts: Pick<JobTimeouts, 'rebootGoneMs' | 'rebootComeBackMs'>): Promise<ImageSlotActionResult> {
    const { radio, peripheralId } = this.smpDevice(device);
    if (this.busy.has(device.id)) throw new UpdateError('update-failed', `${device.name} is connected to a running push; slot actions wait until it ends.`);
    const holder = this.actions.get(device.id);
    if (holder) throw new UpdateError('update-failed', `${device.name} is busy: ${holder}. Try again when it ends.`);
    this.actions.set(device.id, ACTION_WORDS[input.action]);
    try {
      const result = await runSlotAction(input, {
        deviceId: device.id,
        name: device.name,
        connect: (timeoutMs = this.options.connectTimeoutMs) =>
          SmpSession.open(radio, this.table.peripheralIdOf(device.id) ?? peripheralId, { connectTimeoutMs: timeoutMs }),
        rebootGoneMs: timeouts.rebootGoneMs,
        rebootComeBackMs: timeouts.rebootComeBackMs,
      });
      this.table.recordFirmware(device.id, result.firmwareVersion);
      return result;
    } finally {
      this.actions.delete(device.id);
    }
  }

  /** The job sequence for an SMP push to this device. */
  sequenceFor(device: Device, timeouts: JobTimeouts): { protocolId: 'mcumgr-smp'; run(ctx: JobContext): Promise<void> } {
    const { radio, peripheralId } = this.smpDevice(device);
    const deps: SmpJobDeps = {
      radio,
      // The table may forget a device that stops advertising during a long connection; the id stays valid.
      peripheralId: () => this.table.peripheralIdOf(device.id) ?? peripheralId,
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
    return { protocolId: 'mcumgr-smp', run };
  }
}
