// The engine: the sides of the world where devices live (the LAN, Bluetooth LE), the image store and
// the jobs, behind the OtaEngine interface. No Electron here; the main process, the CLI and the test
// bridge each wrap this one object. It never asks which transport a device has: it asks the side that
// owns the device (sides/device-side.ts).
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import type { DiscoveryStatus } from '../../shared/contract.ts';
import type {
  Device,
  DeviceStatus,
  ImageInfo,
  ImageSlotActionResult,
  Job,
  PushPlan,
  PushRequest,
  SerialPortSettings,
} from '../../shared/domain.ts';
import { isTerminal } from '../../shared/domain.ts';
import { describePair, findPairInFolder, inspectImage, type InspectedImage } from './images/index.ts';
import { JobManager } from './jobs/job-manager.ts';
import type { Decision } from './jobs/commit-decisions.ts';
import type { JobTimeouts } from './jobs/job-context.ts';
import type { ImageOnDisk } from './protocols/update-protocol.ts';
import { UpdateError } from './update-error.ts';
import { ambiguousDevice, matchDevices } from './discovery/match-device.ts';
import type { EngineEvents, OtaEngine, PlanOptions, ResolveHints } from './engine-api.ts';
import type { BleRadio } from './ble/ble-radio.ts';
import type { DeviceSide, SideHost, SlotActionRequest } from './sides/device-side.ts';
import { LanSide } from './sides/lan-side.ts';
import { BleSide, type BleSideOptions } from './sides/ble-side.ts';
import { SerialSide, type SerialSideOptions } from './sides/serial-side.ts';
import { UdpSmpSide, type UdpSmpSideOptions } from './sides/udp-smp-side.ts';

/** The sides beyond the LAN and BLE (serial ports, MCUmgr over UDP): tests inject listers and openers. */
export interface EngineSideOptions {
  serial?: SerialSideOptions;
  udp?: UdpSmpSideOptions;
}

/** References only a side's resolve() understands: never matched against listed names first. */
const ADDRESS_FORMS = /^(serial:|udp:\/\/)/i;
import { FleetRunner, type FleetStartOptions } from './fleet/fleet-runner.ts';
import { HistoryStore, type JobRecordContext } from './history/history-store.ts';
import type { Retention } from './history/maintenance.ts';
import type { FleetRequest, FleetRun } from '../../shared/fleet.ts';
import type { HistoryEntry, HistoryQuery, InventoryDevice } from '../../shared/history.ts';
import type { RecordedImage } from './engine-api.ts';
import { defaultProcessName } from './jobs/board-lock.ts';

export class Engine implements OtaEngine {
  private readonly events = new EventEmitter();
  private readonly jobs: JobManager;
  private readonly images = new Map<string, ImageOnDisk>();
  /**
   * In the order their devices are listed and references resolved: MCUmgr over UDP and serial ports
   * first (their udp:// and serial: forms are no host names), the LAN, then Bluetooth LE.
   */
  private readonly sides: DeviceSide[];
  private readonly fleets: FleetRunner;
  private readonly history: HistoryStore;
  /** What the history needs to know of each job beyond the Job itself (its run, its device, its file). */
  private readonly jobRecords = new Map<string, JobRecordContext>();
  private pendingRecord: JobRecordContext | null = null;

  constructor(
    timeouts: JobTimeouts,
    radio: BleRadio | null = null,
    bleOptions: BleSideOptions = {},
    processName: string = defaultProcessName(),
    /** The history database (history/history-store.ts); ':memory:' keeps it for this process only. */
    historyFile = ':memory:',
    /** How long history rows are kept; default OTA_BENCH_HISTORY_DAYS / _ROWS, else 365 days, 20,000 rows. */
    historyRetention?: Retention,
    /** Serial ports and UDP boards: injectable port listers and openers, the MCUmgr operations. */
    sideOptions: EngineSideOptions = {},
  ) {
    this.jobs = new JobManager(timeouts, processName);
    this.history = HistoryStore.open(historyFile, { processName, retention: historyRetention });
    const host: SideHost = {
      activeJobFor: (deviceId) => this.jobs.activeJobFor(deviceId),
      devicesChanged: () => this.events.emit('devicesChanged', this.listDevices()),
      statusChanged: () => this.events.emit('discoveryChanged', this.discoveryStatus()),
    };
    // Without a radio the BLE side lists nothing and reports Bluetooth off.
    this.sides = [
      new UdpSmpSide(host, { timeouts, ...sideOptions.udp }),
      new SerialSide(host, timeouts, sideOptions.serial),
      new LanSide(host, timeouts),
      new BleSide(host, timeouts, radio, bleOptions),
    ];
    this.jobs.on('changed', (job) => {
      for (const side of this.sides) side.jobChanged?.(job);
      this.events.emit('jobChanged', job);
      let record = this.jobRecords.get(job.id);
      // A job's first event comes from inside jobs.start, before its id is known to startJob.
      if (!record && this.pendingRecord?.device.id === job.deviceId) {
        record = this.pendingRecord;
        this.jobRecords.set(job.id, record);
      }
      const written = record ? this.history.recordJob(job, record) : null;
      if (written) this.events.emit('historyChanged', written);
      if (isTerminal(job.state)) this.jobRecords.delete(job.id);
    });
    this.events.on('devicesChanged', (devices: Device[]) => this.history.sawDevices(devices));
    this.fleets = new FleetRunner({
      listDevices: () => this.listDevices(),
      imageInfo: (imageId) => this.image(imageId).info,
      planPush: (deviceId, imageId, signal, options) => this.planPush(deviceId, imageId, signal, options),
      push: (request, fleetId) => this.startJob(request, fleetId),
      getJob: (jobId) => this.getJob(jobId),
      waitForJob: (jobId, options) => this.waitForJob(jobId, options),
      cancelJob: (jobId) => this.cancelJob(jobId),
      commitJob: (jobId) => this.commitJob(jobId),
      onJobChanged: (listener) => this.on('jobChanged', listener),
    });
    this.fleets.on('changed', (run) => this.events.emit('fleetChanged', run));
  }

  on<K extends keyof EngineEvents>(event: K, listener: EngineEvents[K]): () => void {
    this.events.on(event, listener);
    return () => this.events.off(event, listener);
  }

  async startDiscovery(): Promise<void> {
    for (const side of this.sides) await side.start();
    this.events.emit('discoveryChanged', this.discoveryStatus());
  }

  async stopDiscovery(): Promise<void> {
    for (const side of this.sides) await side.stop();
  }

  /** Every side's part (the LAN's state and message, Bluetooth's `ble`), merged as it is now. */
  discoveryStatus(): DiscoveryStatus {
    const base: DiscoveryStatus = { state: 'starting', message: 'Discovery has not started.' };
    return Object.assign(base, ...this.sides.map((side) => side.discoveryStatus()));
  }

  listDevices(): Device[] {
    return this.sides.flatMap((side) => side.list());
  }

  async resolveDevice(ref: string, signal?: AbortSignal, hints: ResolveHints = {}): Promise<Device> {
    // serial:PATH[@BAUD] and udp://HOST[:PORT] go to their side even when listed: naming a port allows it.
    const matches = ADDRESS_FORMS.test(ref.trim()) ? [] : matchDevices(this.listDevices(), ref);
    if (matches.length > 1) throw ambiguousDevice(ref, matches);
    if (matches[0]) return matches[0];
    for (const side of this.sides) {
      const resolving = side.resolve(ref, signal, hints);
      if (resolving) return resolving;
    }
    throw new UpdateError(
      'invalid-uri',
      `No board called "${ref}" has been discovered, and it is not a host[:port] either.`,
    );
  }

  async deviceStatus(deviceId: string): Promise<DeviceStatus> {
    const { side, device } = this.owned(deviceId);
    return side.deviceStatus(device);
  }

  async setSerialPort(settings: SerialPortSettings): Promise<Device> {
    const { side, device } = this.owned(settings.deviceId);
    if (!side.setSerialPort)
      throw new UpdateError('invalid-uri', `${device.name} is not a serial port: it has no port settings.`);
    return side.setSerialPort(device, settings);
  }

  commitDevice = (deviceId: string): Promise<DeviceStatus> => this.decideOnDevice(deviceId, 'commit');
  revertDevice = (deviceId: string): Promise<DeviceStatus> => this.decideOnDevice(deviceId, 'revert');

  /** A running job waiting for this decision gets it (so its card ends properly); otherwise the side acts at once. */
  private async decideOnDevice(deviceId: string, decision: Decision): Promise<DeviceStatus> {
    const job = this.jobs.activeJobFor(deviceId);
    if (job?.state === 'awaiting-commit') {
      this.jobs.decide(job.id, decision);
      const ended = await this.jobs.wait(job.id);
      return { ...(await this.deviceStatus(deviceId)), outcome: ended.result?.message ?? null };
    }
    // Mid-push (uploading, rebooting): the boot state read now would describe the old firmware.
    if (job)
      throw new UpdateError(
        'update-failed',
        `${job.deviceName} is being updated (${job.state}); ${decision} once the push has ended.`,
      );
    const { side, device } = this.owned(deviceId);
    const outcome = await side.decideOutsideJob(device, decision);
    return { ...(await this.deviceStatus(deviceId)), outcome };
  }

  async imageSlotAction(request: SlotActionRequest): Promise<ImageSlotActionResult> {
    const { side, device } = this.owned(request.deviceId);
    return side.slotAction(device, request);
  }

  async inspectImage(path: string): Promise<ImageInfo> {
    return this.remember(path, await inspectImage(path)).info;
  }

  async inspectImages(paths: string[]): Promise<ImageInfo> {
    let files = paths;
    if (paths.length === 1) {
      const isFolder = await stat(paths[0]!).then(
        (s) => s.isDirectory(),
        () => false,
      );
      if (!isFolder) return this.inspectImage(paths[0]!);
      files = await findPairInFolder(paths[0]!);
    }
    if (files.length !== 2) {
      throw new UpdateError(
        'invalid-uri',
        `Pick one image, a user1/user2 pair or a build folder (you gave ${files.length} files).`,
      );
    }
    const members = await Promise.all(files.map(async (file) => this.remember(file, await inspectImage(file))));
    const { pair, swapped } = describePair(members[0]!.info, members[1]!.info);
    const ordered = swapped ? [members[1]!, members[0]!] : members;
    const entry = this.remember(ordered[0]!.path, { ...pair, members: ordered.map((m) => m.info) });
    entry.members = ordered;
    return entry.info;
  }

  private remember(path: string, inspected: InspectedImage): ImageOnDisk {
    // The modification time lets a push refuse a file rebuilt since it was inspected, before sending a byte.
    const mtimeMs = (() => {
      try {
        return statSync(path).mtimeMs;
      } catch {
        return null;
      }
    })();
    const entry: ImageOnDisk = { path, info: { ...inspected, imageId: randomUUID() }, mtimeMs };
    this.images.set(entry.info.imageId, entry);
    return entry;
  }

  push(request: PushRequest): Job {
    return this.startJob(request, null);
  }

  private startJob(request: PushRequest, fleetId: string | null): Job {
    const { side, device } = this.owned(request.deviceId);
    const image = this.image(request.imageId);
    const sequence = side.pushSequence(device, request);
    // Known before the job's first event, so the history has its row from `queued` on.
    const record: JobRecordContext = {
      fleetId,
      device,
      imagePath: image.members?.[0]?.path ?? image.path,
      pairPath: image.members?.[1]?.path ?? null,
    };
    this.pendingRecord = record;
    try {
      return this.jobs.start({ request, device, image, sequence });
    } finally {
      this.pendingRecord = null;
    }
  }

  async planPush(
    deviceId: string,
    imageId: string,
    signal?: AbortSignal,
    options: PlanOptions = {},
  ): Promise<PushPlan> {
    const { side, device } = this.owned(deviceId);
    return side.planPush(device, this.image(imageId), signal, options);
  }

  private image(imageId: string): ImageOnDisk {
    const image = this.images.get(imageId);
    if (!image) throw new UpdateError('invalid-uri', 'That image is no longer open; pick the file again.');
    return image;
  }

  listJobs = (): Job[] => this.jobs.list();
  getJob = (jobId: string): Job => this.jobs.get(jobId);
  cancelJob = (jobId: string): Job => this.jobs.cancel(jobId);
  commitJob = (jobId: string): Job => this.jobs.decide(jobId, 'commit');
  revertJob = (jobId: string): Job => this.jobs.decide(jobId, 'revert');
  dismissJob = (jobId: string): void => this.jobs.dismiss(jobId);
  forgetCredentials = (deviceId: string): void => {
    for (const side of this.sides) {
      const device = side.get(deviceId);
      if (device) side.forgetCredentials?.(device);
    }
  };
  waitForJob = (jobId: string, options: { untilSettled?: boolean } = {}): Promise<Job> =>
    this.jobs.wait(jobId, options.untilSettled);

  startFleet = (request: FleetRequest, options: FleetStartOptions = {}): FleetRun =>
    this.fleets.start(request, options);
  listFleets = (): FleetRun[] => this.fleets.list();
  getFleet = (fleetId: string): FleetRun => this.fleets.get(fleetId);
  cancelFleet = (fleetId: string): FleetRun => this.fleets.cancel(fleetId);
  retryFleet = (fleetId: string): FleetRun => this.fleets.retry(fleetId);
  commitFleet = (fleetId: string): FleetRun => this.fleets.commitAll(fleetId);
  dismissFleet = (fleetId: string): void => this.fleets.dismiss(fleetId);
  waitForFleet = (fleetId: string, options: { untilSettled?: boolean } = {}): Promise<FleetRun> =>
    this.fleets.wait(fleetId, options.untilSettled);

  listHistory = (query: HistoryQuery = {}): HistoryEntry[] => this.history.list(query);
  historyEntry = (jobId: string): HistoryEntry => this.history.entry(jobId);
  exportHistory = (format: 'csv' | 'json', query: HistoryQuery = {}) => this.history.export(format, query);
  recordedImage = (jobId: string): RecordedImage => this.history.recordedImage(jobId);
  listInventory = (): InventoryDevice[] => this.history.inventory(this.listDevices());
  setDeviceNote = (deviceId: string, note: { label: string | null; notes: string | null }): InventoryDevice =>
    this.history.setNote(deviceId, note);

  async close(): Promise<void> {
    await this.fleets.close();
    await this.jobs.close();
    await this.stopDiscovery();
    for (const side of this.sides) await side.close();
    this.history.close();
  }

  /** The device and the side that owns it. */
  private owned(deviceId: string): { side: DeviceSide; device: Device } {
    for (const side of this.sides) {
      const device = side.get(deviceId);
      if (device) return { side, device };
    }
    throw new UpdateError('invalid-uri', `No device ${deviceId}; it may have been forgotten. Refresh the list.`);
  }
}
