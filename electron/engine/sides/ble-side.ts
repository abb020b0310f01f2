// Bluetooth LE as a side: scan into the device table; MCUmgr/SMP boards go to SmpDeviceOps
// (sides/smp-device.ts: status, slots, plans, SMP jobs and slot actions) over the GATT transport
// (ble/smp-gatt-transport.ts), Mongoose OS and Espressif BLE OTA boards to their own files. The engine
// reaches it through DeviceSide like any other side; the LAN side never sees the radio.
import type {
  Device,
  DeviceStatus,
  ImageSlotActionResult,
  Job,
  PushPlan,
  PushRequest,
} from '../../../shared/domain.ts';
import type { DiscoveryStatus } from '../../../shared/contract.ts';
import { UpdateError } from '../update-error.ts';
import { BLE_UPDATE_SERVICES, BleDeviceTable, normaliseAddress } from '../discovery/ble-devices.ts';
import type { ImageOnDisk } from '../protocols/update-protocol.ts';
import type { Decision } from '../jobs/commit-decisions.ts';
import type { JobSequence, JobTimeouts } from '../jobs/job-context.ts';
import { mongooseBleSequence, mongooseBlePlan, mongooseBleStatus, mongooseBleDecide } from './mongoose-ble.ts';
import type { BleRadio, RadioStatus } from '../ble/ble-radio.ts';
import type { SmpSession } from '../smp/smp-session.ts';
import type { SmpUploadTimeouts } from '../smp/smp-upload.ts';
import type { SmpConnector } from '../smp/smp-transport.ts';
import { bleSmpConnector } from '../ble/smp-gatt-transport.ts';
import { SmpDeviceOps, smpSessionDetails } from './smp-device.ts';
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
  /** Mongoose and ESP devices a job holds a connection to: a peripheral takes one central, so status and plans wait. */
  private readonly busy = new Set<string>();
  /** Mongoose devices an action holds (what it is doing, for the refusal's words). */
  private readonly actions = new Map<string, string>();
  /** MCUmgr/SMP devices: status, plans, jobs and slot actions over the GATT transport (their holds are its own). */
  private readonly smp: SmpDeviceOps;
  /** While a job holds a device it does not advertise; keep it online in the list meanwhile. */
  private readonly keepAlive = setInterval(() => {
    for (const id of this.busy) this.table.touch(id);
    for (const id of this.smp.jobDevices()) this.table.touch(id);
  }, 2_000);
  private readonly options: Required<Pick<BleSideOptions, 'connectTimeoutMs'>> & BleSideOptions;

  constructor(host: SideHost, timeouts: JobTimeouts, radio: BleRadio | null, options: BleSideOptions = {}) {
    this.host = host;
    this.timeouts = timeouts;
    this.radio = radio;
    this.options = { connectTimeoutMs: 15_000, ...options };
    this.smp = new SmpDeviceOps({
      host,
      timeouts,
      connector: (device) => this.smpConnector(device),
      connectTimeoutMs: this.options.connectTimeoutMs,
      uploadTimeouts: this.options.uploadTimeouts,
      recordFirmware: (deviceId, version) => this.table.recordFirmware(deviceId, version),
      device: (deviceId) => this.table.get(deviceId),
      linkDetails: (session, device) => this.linkDetails(session, device),
      targetLabel: (device) => `BLE ${device.address ?? device.name}`,
    });
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

  /**
   * The GATT connector of an SMP device in range; throws a sentence otherwise. The table may forget a
   * device that stops advertising during a long connection; the id it had stays valid.
   */
  private smpConnector(device: Device): SmpConnector {
    const { radio, peripheralId } = this.inRange(device);
    if (device.protocol !== 'mcumgr-smp') {
      throw new UpdateError('unsupported-protocol', blePushNotYet(device));
    }
    return bleSmpConnector(radio, () => this.table.peripheralIdOf(device.id) ?? peripheralId, device.name);
  }

  /** The status card's link facts: the radio's and then the MCUmgr ones. */
  private linkDetails(session: SmpSession, device: Device): Record<string, string> {
    const details: Record<string, string> = {
      'ATT MTU': session.attMtu === null ? 'not reported' : String(session.attMtu),
      ...smpSessionDetails(session),
    };
    if (device.rssi !== null) details.RSSI = `${device.rssi} dBm`;
    return details;
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
    return this.smp.deviceStatus(device);
  }

  async planPush(device: Device, image: ImageOnDisk, signal?: AbortSignal): Promise<PushPlan> {
    if (device.protocol === 'esp-ble-ota') return espOtaPlan(device, image);
    if (device.protocol === 'mongoose-os-ble')
      return mongooseBlePlan(device, image, () => this.mongooseAccess(device), signal);
    return this.smp.planPush(device, image, signal);
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
    return this.smp.decideOutsideJob(device, decision);
  }

  /** One MCUboot slot action (or the CLI's commit/revert): SmpDeviceOps holds the device meanwhile. */
  async slotAction(device: Device, input: SlotActionRequest): Promise<ImageSlotActionResult> {
    if (device.protocol !== 'mcumgr-smp') {
      throw new UpdateError('unsupported-protocol', noMcubootSlots(device));
    }
    return this.smp.slotAction(device, input);
  }

  /** The job sequence for a push to this device; refused while an action or (SMP) a slot action holds it. */
  pushSequence(device: Device, request: PushRequest): JobSequence {
    const held = this.actions.get(device.id);
    if (held) throw new UpdateError('update-failed', `${device.name} is busy: ${held}. Push again when it ends.`);
    if (device.protocol === 'esp-ble-ota') return espOtaSequence(device, this.espOtaAccess(device));
    if (device.protocol === 'mongoose-os-ble') return mongooseBleSequence(device, this.mongooseAccess(device));
    return this.smp.pushSequence(device, request);
  }
}
