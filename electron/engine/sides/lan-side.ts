// The local network as a side: boards found over mDNS (and typed in as host[:port]), probed over
// HTTP to learn their protocol, re-checked for reachability, their Mongoose OS commit state kept true
// in the list, and pushed to through their update protocol (jobs/job-runner.ts).
import type { DiscoveryStatus } from '../../../shared/contract.ts';
import type {
  Device,
  DeviceStatus,
  ImageSlotActionResult,
  Job,
  ProtocolId,
  PushPlan,
  PushRequest,
} from '../../../shared/domain.ts';
import { isTerminal } from '../../../shared/domain.ts';
import { UpdateError } from '../update-error.ts';
import type { PlanOptions, ResolveHints } from '../engine-api.ts';
import { DeviceRegistry } from '../discovery/device-registry.ts';
import { MdnsBrowser } from '../discovery/mdns-browser.ts';
import { probeHttpDevice } from '../discovery/probe.ts';
import { ReachabilityWatch } from '../discovery/reachability-watch.ts';
import type { Decision } from '../jobs/commit-decisions.ts';
import { decideOutsideJob } from '../jobs/commit-flow.ts';
import { CommitWatch } from '../jobs/commit-watch.ts';
import type { JobSequence, JobTimeouts } from '../jobs/job-context.ts';
import { runJob } from '../jobs/job-runner.ts';
import { planPush } from '../jobs/push-plan.ts';
import { pushProtocol } from '../protocols/index.ts';
import type { ImageOnDisk, UpdateProtocol } from '../protocols/update-protocol.ts';
import { forgetCredentials, rememberCredentials } from '../net/board-auth.ts';
import { targetOf } from '../net/device-target.ts';
import { noCommitControl, noMcubootSlots, noPushProtocol } from './side-messages.ts';
import { parseTarget } from '../net/parse-target.ts';
import type { DeviceSide, SideHost } from './device-side.ts';

/** A MAC written out (what a Bluetooth address looks like too): never an HTTP host. */
const MAC_ADDRESS = /^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i;

export class LanSide implements DeviceSide {
  private readonly registry = new DeviceRegistry();
  private readonly host: SideHost;
  private readonly timeouts: JobTimeouts;
  private browser: MdnsBrowser | null = null;
  private expiry: NodeJS.Timeout | null = null;
  private status: Pick<DiscoveryStatus, 'state' | 'message'> = {
    state: 'starting',
    message: 'Discovery has not started.',
  };
  private readonly probing = new Set<string>();
  private readonly busy = (deviceId: string): boolean => this.host.activeJobFor(deviceId) !== null;
  /** Re-checks probed and typed-in boards; leaves a board alone while a job works on it. */
  private readonly reachability = new ReachabilityWatch(this.registry, this.busy);
  /** Whether each Mongoose OS board runs committed firmware, for the list, whoever pushed it. */
  private readonly commitWatch: CommitWatch;

  constructor(host: SideHost, timeouts: JobTimeouts) {
    this.host = host;
    this.timeouts = timeouts;
    this.commitWatch = new CommitWatch({
      devices: () => this.registry.list(),
      protocolOf: (device) => pushProtocol(device.protocol),
      busy: this.busy,
      changed: () => host.devicesChanged(),
    });
    // 200 boards answering at once change the registry 200 times in a few milliseconds: list the
    // devices (O(n) each) once per turn of the event loop, not once per change.
    let listPending = false;
    this.registry.on('changed', () => {
      if (listPending) return;
      listPending = true;
      setImmediate(() => {
        listPending = false;
        host.devicesChanged();
      });
    });
    this.registry.on('needsProbe', (deviceId) => void this.probeDiscovered(deviceId));
  }

  async start(): Promise<void> {
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
      this.setStatus({
        state: 'unavailable',
        message: `mDNS discovery is unavailable: ${(error as Error).message}. Add boards by address instead.`,
      });
    }
    this.expiry ??= setInterval(() => this.registry.expire(), 1000);
    this.reachability.start();
    this.commitWatch.start();
  }

  async stop(): Promise<void> {
    if (this.expiry) clearInterval(this.expiry);
    this.expiry = null;
    this.reachability.stop();
    this.commitWatch.stop();
    await this.browser?.stop();
    this.browser = null;
  }

  async close(): Promise<void> {
    await this.stop();
  }

  discoveryStatus(): Partial<DiscoveryStatus> {
    return { ...this.status };
  }

  list(): Device[] {
    return this.registry.list().map(this.commitWatch.decorate);
  }

  get(deviceId: string): Device | null {
    return this.registry.get(deviceId);
  }

  resolve(ref: string, signal?: AbortSignal, hints: ResolveHints = {}): Promise<Device> | null {
    // A MAC address is no HTTP host (aa-bb-cc-dd-ee-ff would pass for a host name): not ours to probe.
    if (MAC_ADDRESS.test(ref.trim())) return null;
    const target = parseTarget(ref);
    if (!target) return null;
    return this.probeTyped(ref, target, signal, hints);
  }

  private async probeTyped(
    ref: string,
    target: NonNullable<ReturnType<typeof parseTarget>>,
    signal: AbortSignal | undefined,
    hints: ResolveHints,
  ): Promise<Device> {
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
      return this.registry.recordProbe(target, {
        info: null,
        authRequired: false,
        ...probe,
        protocol: named,
        basis: 'user',
      });
    }
    return this.registry.recordProbe(target, probe!);
  }

  async deviceStatus(device: Device): Promise<DeviceStatus> {
    const deviceId = device.id;
    const target = targetOf(device);
    const protocol = pushProtocol(device.protocol);
    if (!target || !protocol) return notRead(device, {});
    // Nothing to ask without starting an update (ArduinoOTA): say so; whether it is there is what
    // mDNS says (its announcements keep it online), not a failed read.
    if (protocol.silentBoard) {
      const note = await protocol.readFirmware(target).then(
        () => null,
        (error: Error) => error.message,
      );
      return { ...notRead(device, note ? { note } : {}), reachable: device.online };
    }
    try {
      const info = await protocol.readFirmware(target);
      const bootState = protocol.commitControl ? await protocol.commitControl.bootState(target) : null;
      if (protocol.commitControl) this.commitWatch.record(deviceId, bootState, info?.version ?? null);
      const slots = protocol.readSlots ? await protocol.readSlots(target) : null;
      this.registry.markReachable(deviceId, true);
      const details: Record<string, string> = {};
      if (info?.uptimeSeconds != null) details.uptime = `${info.uptimeSeconds} s`;
      if (info?.arch) details.arch = info.arch;
      return {
        device: this.registry.get(deviceId) ?? device,
        reachable: true,
        firmwareVersion: info?.version ?? device.firmwareVersion,
        firmwareId: info?.firmwareId ?? device.firmwareId,
        bootState,
        slots,
        imageSlots: null,
        details,
      };
    } catch (error) {
      this.registry.markReachable(deviceId, false);
      return notRead(device, { error: (error as Error).message });
    }
  }

  async planPush(
    device: Device,
    image: ImageOnDisk,
    signal?: AbortSignal,
    options: PlanOptions = {},
  ): Promise<PushPlan> {
    const target = targetOf(device);
    if (options.credentials && target) rememberCredentials(target, options.credentials);
    return (await planPush(this.protocolFor(device, options.protocol), image, device, target, signal)).plan;
  }

  pushSequence(device: Device, request: PushRequest): JobSequence {
    const protocol = this.protocolFor(device, request.protocol);
    const target = targetOf(device);
    if (request.credentials && target) rememberCredentials(target, request.credentials);
    return {
      protocolId: protocol.id,
      target: device.address ? `${device.address}:${device.port}` : device.name,
      // A board that comes back from its reboot on another address gets the same credentials there.
      currentDevice: () => {
        const now = this.registry.get(device.id) ?? device;
        const at = targetOf(now);
        if (request.credentials && at) rememberCredentials(at, request.credentials);
        return now;
      },
      run: (ctx) => runJob({ ...ctx, protocol }),
    };
  }

  forgetCredentials(device: Device): void {
    const target = targetOf(device);
    if (target) forgetCredentials(target);
  }

  async decideOutsideJob(device: Device, decision: Decision): Promise<string> {
    const protocol = pushProtocol(device.protocol);
    // Firmware without commit/revert: says so, in words.
    if (!protocol?.commitControl) throw new UpdateError('unsupported-protocol', noCommitControl(device));
    const where = () => {
      const target = targetOf(this.registry.get(device.id) ?? device);
      if (!target) throw new UpdateError('invalid-uri', 'The board has no known address.');
      return target;
    };
    return decideOutsideJob({ protocol, name: device.name, target: where, timeouts: this.timeouts }, decision);
  }

  async slotAction(device: Device): Promise<ImageSlotActionResult> {
    throw new UpdateError('unsupported-protocol', noMcubootSlots(device));
  }

  jobChanged(job: Job): void {
    if (!this.registry.get(job.deviceId)) return;
    // Our own job's commit window is the row's too; once the job ends, the board is asked again.
    if (job.state === 'awaiting-commit')
      this.commitWatch.remember(job.deviceId, {
        committed: false,
        version: job.toVersion,
        revertsAt: job.commitDeadline,
        readAt: Date.now(),
      });
    else if (isTerminal(job.state)) this.commitWatch.invalidate(job.deviceId);
  }

  private setStatus(status: Pick<DiscoveryStatus, 'state' | 'message'>): void {
    this.status = status;
    this.host.statusChanged();
  }

  private protocolFor(device: Device, requested?: ProtocolId): UpdateProtocol {
    const protocolId: ProtocolId = requested ?? device.protocol;
    const protocol = pushProtocol(protocolId);
    if (!protocol) throw new UpdateError('unsupported-protocol', noPushProtocol(device, protocolId));
    return protocol;
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

/** A status that could not be read: what the list last knew, and why, if there was an answer at all. */
function notRead(device: Device, details: Record<string, string>): DeviceStatus {
  const { firmwareVersion, firmwareId } = device;
  return {
    device,
    reachable: false,
    firmwareVersion,
    firmwareId,
    bootState: null,
    slots: null,
    imageSlots: null,
    details,
  };
}
