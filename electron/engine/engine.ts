// The engine: discovery + registry + image store + jobs behind the OtaEngine interface. No Electron
// here; the main process, the CLI and the test bridge each wrap this one object.
import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { EventEmitter } from 'node:events';
import type { DiscoveryStatus } from '../../shared/contract.ts';
import type { Device, DeviceStatus, ImageInfo, ImageSlotActionRequest, ImageSlotActionResult, Job, ProtocolId, PushPlan, PushRequest } from '../../shared/domain.ts';
import { PROTOCOL_LABELS, isTerminal } from '../../shared/domain.ts';
import { DeviceRegistry } from './discovery/device-registry.ts';
import { normaliseAddress } from './discovery/ble-devices.ts';
import { MdnsBrowser } from './discovery/mdns-browser.ts';
import { probeHttpDevice } from './discovery/probe.ts';
import { ReachabilityWatch } from './discovery/reachability-watch.ts';
import { describePair, findPairInFolder, inspectImage, type InspectedImage } from './images/index.ts';
import { JobManager } from './jobs/job-manager.ts';
import { type JobTimeouts, targetOf } from './jobs/job-runner.ts';
import { planPush } from './jobs/push-plan.ts';
import { CommitWatch } from './jobs/commit-watch.ts';
import { decideOutsideJob } from './jobs/commit-flow.ts';
import { parseTarget } from './net/parse-target.ts';
import { pushProtocol } from './protocols/index.ts';
import type { ImageOnDisk } from './protocols/update-protocol.ts';
import { UpdateError } from './update-error.ts';
import { ambiguousDevice, matchDevices } from './discovery/match-device.ts';
import { rememberCredentials } from './net/board-auth.ts';
import type { EngineEvents, OtaEngine, PlanOptions, ResolveHints } from './engine-api.ts';
import type { BleRadio } from './ble/ble-radio.ts';
import { BleSide, type BleSideOptions } from './ble/ble-side.ts';

export class Engine implements OtaEngine {
  private readonly events = new EventEmitter();
  private readonly registry = new DeviceRegistry();
  private readonly jobs: JobManager;
  private readonly images = new Map<string, ImageOnDisk>();
  private browser: MdnsBrowser | null = null;
  private expiry: NodeJS.Timeout | null = null;
  /** Re-checks probed and typed-in boards; leaves a board alone while a job works on it. */
  private readonly reachability = new ReachabilityWatch(this.registry, (deviceId) => this.jobs.activeJobFor(deviceId) !== null);
  /** Whether each Mongoose OS board runs committed firmware, for the list, whoever pushed it. */
  private readonly commitWatch = new CommitWatch({
    devices: () => this.registry.list(),
    protocolOf: (device) => pushProtocol(device.protocol),
    busy: (deviceId) => this.jobs.activeJobFor(deviceId) !== null,
    changed: () => this.events.emit('devicesChanged', this.listDevices()),
  });
  private status: DiscoveryStatus = { state: 'starting', message: 'Discovery has not started.' };
  private probing = new Set<string>();

  /** Bluetooth LE devices and SMP jobs; without a radio it lists nothing and reports BLE off. */
  private readonly ble: BleSide;
  private readonly timeouts: JobTimeouts;

  constructor(timeouts: JobTimeouts, radio: BleRadio | null = null, bleOptions: BleSideOptions = {}, processName?: string) {
    this.timeouts = timeouts;
    this.ble = new BleSide(radio, bleOptions);
    this.ble.table.on('changed', () => this.events.emit('devicesChanged', this.listDevices()));
    this.ble.onStatus(() => this.setStatus(this.status));
    this.jobs = new JobManager(timeouts, processName);
    this.jobs.on('changed', (job) => {
      // Our own job's commit window is the row's too; once the job ends, the board is asked again.
      if (job.state === 'awaiting-commit') this.commitWatch.remember(job.deviceId, { committed: false, version: job.toVersion, revertsAt: job.commitDeadline, readAt: Date.now() });
      else if (isTerminal(job.state)) this.commitWatch.invalidate(job.deviceId);
      this.events.emit('jobChanged', job);
    });
    // 200 boards answering at once change the registry 200 times in a few milliseconds: list the
    // devices (O(n) each) once per turn of the event loop, not once per change.
    let listPending = false;
    this.registry.on('changed', () => {
      if (listPending) return;
      listPending = true;
      setImmediate(() => {
        listPending = false;
        this.events.emit('devicesChanged', this.listDevices());
      });
    });
    this.registry.on('needsProbe', (deviceId) => void this.probeDiscovered(deviceId));
  }

  on<K extends keyof EngineEvents>(event: K, listener: EngineEvents[K]): () => void {
    this.events.on(event, listener);
    return () => this.events.off(event, listener);
  }

  async startDiscovery(): Promise<void> {
    if (this.browser) return;
    const browser = new MdnsBrowser();
    browser.on('service', (obs) => this.registry.observeService(obs));
    browser.on('goodbye', (fqdn) => this.registry.goodbye(fqdn));
    browser.on('refresh', (fqdn, ttl) => this.registry.refreshService(fqdn, ttl));
    browser.on('address', (host, address) => this.registry.observeAddress(host, address));
    this.browser = browser;
    try {
      await browser.start();
      this.setStatus({ state: 'running', message: 'Looking for boards on the local network (mDNS).' });
    } catch (error) {
      this.browser = null;
      this.setStatus({ state: 'unavailable', message: `mDNS discovery is unavailable: ${(error as Error).message}. Add boards by address instead.` });
    }
    this.expiry = setInterval(() => {
      this.registry.expire();
      this.ble.table.expire();
    }, 1000);
    this.reachability.start();
    this.commitWatch.start();
    await this.ble.start().catch((error: Error) => this.setStatus({ ...this.status, ble: { state: 'unavailable', message: `Bluetooth scanning failed: ${error.message}` } }));
    this.setStatus(this.status);
  }

  async stopDiscovery(): Promise<void> {
    if (this.expiry) clearInterval(this.expiry);
    this.expiry = null;
    this.reachability.stop();
    this.commitWatch.stop();
    await this.browser?.stop();
    this.browser = null;
    await this.ble.stop();
  }

  discoveryStatus(): DiscoveryStatus {
    return { ...this.status, ble: this.ble.status() };
  }

  listDevices(): Device[] {
    return [...this.registry.list().map(this.commitWatch.decorate), ...this.ble.table.list()];
  }

  async resolveDevice(ref: string, signal?: AbortSignal, hints: ResolveHints = {}): Promise<Device> {
    const wanted = ref.trim().toLowerCase();
    const matches = matchDevices(this.listDevices(), ref);
    if (matches.length > 1) throw ambiguousDevice(ref, matches);
    if (matches[0]) return matches[0];
    const bluetoothAddress = normaliseAddress(wanted);
    if (bluetoothAddress) {
      throw new UpdateError('connection-lost', `No Bluetooth device with address ${wanted} has been seen${this.ble.status().state === 'scanning' ? ' yet; is it on and advertising?' : `: ${this.ble.status().message}`}`);
    }
    const target = parseTarget(ref);
    if (!target) throw new UpdateError('invalid-uri', `No board called "${ref}" has been discovered, and it is not a host[:port] either.`);
    // Credentials given with the address let the probe look behind the board's password.
    if (hints.credentials) rememberCredentials(target, hints.credentials);
    const named = hints.protocol && pushProtocol(hints.protocol) ? hints.protocol : null;
    const probe = await probeHttpDevice(target, signal).catch((error: UpdateError) => {
      // A protocol the user named is honoured even when the probe gets no answer; the push then
      // says what the board does.
      if (named) return null;
      throw new UpdateError('connection-lost', `Cannot reach ${ref}: ${error.message}`);
    });
    if (named && (!probe || probe.protocol === 'unknown')) {
      return this.registry.recordProbe(target, { info: null, authRequired: false, ...probe, protocol: named, basis: 'user' });
    }
    return this.registry.recordProbe(target, probe!);
  }

  async deviceStatus(deviceId: string): Promise<DeviceStatus> {
    const device = this.device(deviceId);
    if (device.transport === 'ble') return this.ble.deviceStatus(device);
    const target = targetOf(device);
    const protocol = pushProtocol(device.protocol);
    if (!target || !protocol) return { device, reachable: false, firmwareVersion: device.firmwareVersion, firmwareId: device.firmwareId, bootState: null, slots: null, imageSlots: null, details: {} };
    try {
      const info = await protocol.readFirmware(target);
      const bootState = protocol.commitControl ? await protocol.commitControl.bootState(target) : null;
      if (protocol.commitControl) this.commitWatch.record(deviceId, bootState, info?.version ?? null);
      const slots = protocol.readSlots ? await protocol.readSlots(target) : null;
      this.registry.markReachable(deviceId, true);
      const details: Record<string, string> = {};
      if (info?.uptimeSeconds != null) details.uptime = `${info.uptimeSeconds} s`;
      if (info?.arch) details.arch = info.arch;
      return { device: this.device(deviceId), reachable: true, firmwareVersion: info?.version ?? device.firmwareVersion, firmwareId: info?.firmwareId ?? device.firmwareId, bootState, slots, imageSlots: null, details };
    } catch (error) {
      this.registry.markReachable(deviceId, false);
      return { device, reachable: false, firmwareVersion: device.firmwareVersion, firmwareId: device.firmwareId, bootState: null, slots: null, imageSlots: null, details: { error: (error as Error).message } };
    }
  }

  commitDevice = (deviceId: string): Promise<DeviceStatus> => this.decideOnDevice(deviceId, 'commit');
  revertDevice = (deviceId: string): Promise<DeviceStatus> => this.decideOnDevice(deviceId, 'revert');

  /** A running job waiting for this decision gets it (so its card ends properly); otherwise the RPC goes straight out. */
  private async decideOnDevice(deviceId: string, decision: 'commit' | 'revert'): Promise<DeviceStatus> {
    const job = this.jobs.activeJobFor(deviceId);
    if (job?.state === 'awaiting-commit') {
      this.jobs.decide(job.id, decision);
      const ended = await this.jobs.wait(job.id);
      return { ...(await this.deviceStatus(deviceId)), outcome: ended.result?.message ?? null };
    }
    // Mid-push (uploading, rebooting): the boot state read now would describe the old firmware.
    if (job) throw new UpdateError('update-failed', `${job.deviceName} is being updated (${job.state}); ${decision} once the push has ended.`);
    const device = this.device(deviceId);
    if (device.protocol === 'mcumgr-smp') {
      // MCUboot: what commit/revert can truthfully do to the slots (ble/slot-actions.ts).
      const result = await this.imageSlotAction({ deviceId, action: decision });
      if (!result.done) throw new UpdateError('update-failed', result.message);
      return { ...(await this.deviceStatus(deviceId)), outcome: `${result.message} ${result.nextReset}` };
    }
    const protocol = pushProtocol(device.protocol);
    this.commitControl(deviceId); // firmware without commit/revert: says so, in words
    const outcome = await decideOutsideJob({ protocol: protocol!, name: device.name, target: () => this.targetOf(deviceId), timeouts: this.timeouts }, decision);
    return { ...(await this.deviceStatus(deviceId)), outcome };
  }

  async imageSlotAction(request: ImageSlotActionRequest | { deviceId: string; action: 'commit' | 'revert' }): Promise<ImageSlotActionResult> {
    const device = this.device(request.deviceId);
    if (device.transport !== 'ble' || device.protocol !== 'mcumgr-smp') {
      throw new UpdateError('unsupported-protocol', `${device.name} (${PROTOCOL_LABELS[device.protocol]}) has no MCUboot slots to act on.`);
    }
    const job = this.jobs.activeJobFor(device.id);
    if (job) throw new UpdateError('update-failed', `A push to ${device.name} is running (${job.state}); slot actions wait until it ends.`);
    return this.ble.slotAction(device, request, this.timeouts);
  }

  async inspectImage(path: string): Promise<ImageInfo> {
    return this.remember(path, await inspectImage(path)).info;
  }

  async inspectImages(paths: string[]): Promise<ImageInfo> {
    let files = paths;
    if (paths.length === 1) {
      const isFolder = await stat(paths[0]!).then((s) => s.isDirectory(), () => false);
      if (!isFolder) return this.inspectImage(paths[0]!);
      files = await findPairInFolder(paths[0]!);
    }
    if (files.length !== 2) {
      throw new UpdateError('invalid-uri', `Pick one image, a user1/user2 pair or a build folder (you gave ${files.length} files).`);
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
    const mtimeMs = (() => { try { return statSync(path).mtimeMs; } catch { return null; } })();
    const entry: ImageOnDisk = { path, info: { ...inspected, imageId: randomUUID() }, mtimeMs };
    this.images.set(entry.info.imageId, entry);
    return entry;
  }

  push(request: PushRequest): Job {
    const device = this.device(request.deviceId);
    const image = this.image(request.imageId);
    if (device.transport === 'ble') {
      const held = this.ble.heldBy(device.id);
      if (held) throw new UpdateError('update-failed', `${device.name} is busy: ${held}. Push again when it ends.`);
      const sequence = this.ble.sequenceFor(device, this.timeouts);
      return this.jobs.start({ request, device, image, sequence, currentDevice: () => this.ble.table.get(device.id) ?? device });
    }
    const protocol = this.protocolFor(device, request.protocol);
    const target = targetOf(device);
    if (request.credentials && target) rememberCredentials(target, request.credentials);
    // A board that comes back from its reboot on another address gets the same credentials there.
    const current = (): Device => {
      const now = this.registry.get(device.id) ?? device;
      const at = targetOf(now);
      if (request.credentials && at) rememberCredentials(at, request.credentials);
      return now;
    };
    return this.jobs.start({ request, device, image, protocol, currentDevice: current });
  }

  async planPush(deviceId: string, imageId: string, signal?: AbortSignal, options: PlanOptions = {}): Promise<PushPlan> {
    const device = this.device(deviceId);
    const image = this.image(imageId);
    if (device.transport === 'ble') return this.ble.planPush(device, image, signal);
    const target = targetOf(device);
    if (options.credentials && target) rememberCredentials(target, options.credentials);
    return (await planPush(this.protocolFor(device, options.protocol), image, device, target, signal)).plan;
  }

  private image(imageId: string): ImageOnDisk {
    const image = this.images.get(imageId);
    if (!image) throw new UpdateError('invalid-uri', 'That image is no longer open; pick the file again.');
    return image;
  }

  private protocolFor(device: Device, requested?: ProtocolId) {
    const protocolId: ProtocolId = requested ?? device.protocol;
    const protocol = pushProtocol(protocolId);
    if (!protocol) {
      const why = protocolId === 'unknown'
        ? `OTA Bench could not tell which update protocol it speaks${device.probeNote ? ` (${device.probeNote})` : ''}. ${device.authChallenge ? 'It asks for a password: give its user name and password so OTA Bench can look behind it, or name' : 'Name'} its protocol`
        : `pushing over ${PROTOCOL_LABELS[protocolId]} is not supported yet`;
      throw new UpdateError('unsupported-protocol', `Cannot push to ${device.name}: ${why}.`);
    }
    return protocol;
  }

  listJobs = (): Job[] => this.jobs.list();
  getJob = (jobId: string): Job => this.jobs.get(jobId);
  cancelJob = (jobId: string): Job => this.jobs.cancel(jobId);
  commitJob = (jobId: string): Job => this.jobs.decide(jobId, 'commit');
  revertJob = (jobId: string): Job => this.jobs.decide(jobId, 'revert');
  dismissJob = (jobId: string): void => this.jobs.dismiss(jobId);
  waitForJob = (jobId: string, options: { untilSettled?: boolean } = {}): Promise<Job> => this.jobs.wait(jobId, options.untilSettled);

  async close(): Promise<void> {
    await this.jobs.close();
    await this.stopDiscovery();
    await this.ble.close();
  }

  private device(deviceId: string): Device {
    const device = this.registry.get(deviceId) ?? this.ble.table.get(deviceId);
    if (!device) throw new UpdateError('invalid-uri', `No device ${deviceId}; it may have been forgotten. Refresh the list.`);
    return device;
  }

  private targetOf(deviceId: string) {
    const target = targetOf(this.device(deviceId));
    if (!target) throw new UpdateError('invalid-uri', 'The board has no known address.');
    return target;
  }

  private commitControl(deviceId: string) {
    const device = this.device(deviceId);
    const control = pushProtocol(device.protocol)?.commitControl;
    if (!control) throw new UpdateError('unsupported-protocol', `${device.name} (${PROTOCOL_LABELS[device.protocol]}) has no commit/revert: its firmware is final once it boots.`);
    return control;
  }

  private setStatus(status: DiscoveryStatus): void {
    this.status = { ...status, ble: this.ble.status() };
    // The merged status: the argument still carries the Bluetooth state from before the change.
    this.events.emit('discoveryChanged', this.status);
  }

  private async probeDiscovered(deviceId: string): Promise<void> {
    if (this.probing.has(deviceId)) return;
    const device = this.registry.get(deviceId);
    const target = device && targetOf(device);
    if (!device || !target) return;
    this.probing.add(deviceId);
    try {
      const probe = await probeHttpDevice(target, AbortSignal.timeout(10_000));
      this.registry.recordProbe(target, probe, deviceId);
    } catch {
      // Unreachable right now: the device keeps its mDNS-derived protocol; a later announce retries.
    } finally {
      this.probing.delete(deviceId);
    }
  }
}
