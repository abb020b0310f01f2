// MCUmgr boards over UDP (Zephyr's smp_udp, port 1337) as a side: there is no discovery for them, so a
// board is listed once the user adds it as udp://host[:port] and it answers (params, image list). It
// stays online from its last answer: a cheap echo now and then while discovery runs. Status, plans,
// pushes and slot actions are MCUmgr's (sides/smp-ops.ts) over a connector that opens a fresh socket
// and, after a reset, waits (bounded) for the board to answer again.
import net from 'node:net';
import type { DiscoveryStatus } from '../../../shared/contract.ts';
import type { Device, DeviceStatus, ImageSlotActionResult, PushPlan, PushRequest } from '../../../shared/domain.ts';
import { UpdateError } from '../update-error.ts';
import type { PlanOptions } from '../engine-api.ts';
import type { Decision } from '../jobs/commit-decisions.ts';
import type { JobSequence } from '../jobs/job-context.ts';
import { activeSlot } from '../protocols/mcumgr-smp-plan.ts';
import type { ImageOnDisk } from '../protocols/update-protocol.ts';
import { SMP_UDP_PORT, openUdpSmpTransport, type UdpTransportOptions } from '../smp/udp-transport.ts';
import type { SmpConnector, SmpTransport } from '../smp/smp-transport.ts';
import type { DeviceSide, SideHost, SlotActionRequest } from './device-side.ts';
import { askRaw, echoRequest, pingSmp, readSlots } from './smp-ask.ts';
import { SmpDeviceOps, smpSessionDetails, unreachableStatus } from './smp-device.ts';
import type { JobTimeouts } from '../jobs/job-context.ts';
import { DEFAULT_JOB_TIMEOUTS } from '../jobs/job-context.ts';
import type { SmpBoardAccess, SmpOps, SmpOpsFactory } from './smp-ops.ts';
import { portNotAnswering, udpBadAddress, udpNotSmp } from './serial-messages.ts';

export type UdpOpener = (options: UdpTransportOptions) => Promise<SmpTransport>;

export interface UdpSmpSideOptions {
  /** Tests: another way to open the socket (a fake); default node:dgram via smp/udp-transport.ts. */
  open?: UdpOpener;
  /** Tests: MCUmgr operations per board; default one SmpDeviceOps (sides/smp-device.ts) for the side. */
  smpOps?: SmpOpsFactory;
  /** The engine's job timeouts (the reboot waits of MCUmgr jobs). */
  timeouts?: JobTimeouts;
  /** While discovery runs, each board is asked for an echo this often (ms). */
  pingEveryMs?: number;
  /** A board that has not answered for this long is offline (ms). */
  offlineAfterMs?: number;
  /** Adding a board: how long it may take to answer (ms, loss included). */
  resolveTimeoutMs?: number;
}

export const UDP_SMP_SERVICE = 'MCUmgr SMP over UDP';

interface UdpBoard {
  device: Device;
  host: string;
  port: number;
}

/** `udp://host`, `udp://host:port`, `udp://[v6]:port` → host and port; null for other forms; throws for a bad one. */
export function parseUdpRef(ref: string): { host: string; port: number } | null {
  const text = ref.trim();
  if (!/^udp:\/\//i.test(text)) return null;
  const match = /^udp:\/\/(?:\[([^\]]+)\]|([^:/[\]\s]+))(?::(\d+))?\/?$/i.exec(text);
  const host = match?.[1] ?? match?.[2];
  const port = match?.[3] ? Number(match[3]) : SMP_UDP_PORT;
  const validHost =
    host !== undefined &&
    (net.isIP(host) !== 0 || /^[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*\.?$/i.test(host));
  if (!validHost || !Number.isInteger(port) || port < 1 || port > 65535)
    throw new UpdateError('invalid-uri', udpBadAddress(ref));
  if (match?.[1] && net.isIP(host) !== 6) throw new UpdateError('invalid-uri', udpBadAddress(ref));
  return { host: host.toLowerCase(), port };
}

export function udpDeviceId(host: string, port: number): string {
  return `udp:${host}:${port}`;
}

function endpoint(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export class UdpSmpSide implements DeviceSide {
  private readonly host: SideHost;
  private readonly boards = new Map<string, UdpBoard>();
  private readonly holds = new Map<string, string>();
  /** One MCUmgr operations object per board: it keeps what it holds between calls. */
  private readonly madeOps = new Map<string, SmpOps>();
  private readonly options: Required<
    Pick<UdpSmpSideOptions, 'pingEveryMs' | 'offlineAfterMs' | 'resolveTimeoutMs' | 'open'>
  > &
    UdpSmpSideOptions;
  private timer: NodeJS.Timeout | null = null;
  private pinging = false;
  private smpDevice: SmpDeviceOps | null = null;

  constructor(host: SideHost, options: UdpSmpSideOptions = {}) {
    this.host = host;
    this.options = {
      pingEveryMs: 5_000,
      offlineAfterMs: 15_000,
      resolveTimeoutMs: 4_000,
      open: openUdpSmpTransport,
      ...options,
    };
  }

  discoveryStatus(): Partial<DiscoveryStatus> {
    return {};
  }

  async start(): Promise<void> {
    if (this.timer) return;
    this.timer = setInterval(() => void this.pingAll(), this.options.pingEveryMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async close(): Promise<void> {
    await this.stop();
  }

  list(): Device[] {
    return [...this.boards.values()].map((b) => b.device);
  }

  get(deviceId: string): Device | null {
    return this.boards.get(deviceId)?.device ?? null;
  }

  resolve(ref: string, signal?: AbortSignal): Promise<Device> | null {
    let parsed;
    try {
      parsed = parseUdpRef(ref);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (!parsed) return null;
    return this.add(parsed.host, parsed.port, signal);
  }

  /** Asks the board for its params and image list; lists it once it answered. */
  private async add(host: string, port: number, signal?: AbortSignal): Promise<Device> {
    const where = endpoint(host, port);
    const timeoutMs = this.options.resolveTimeoutMs;
    let transport: SmpTransport;
    try {
      transport = await this.options.open({ host, port, timeoutMs, signal });
    } catch (error) {
      throw new UpdateError('connection-lost', udpNotSmp(where, `${(error as Error).message}.`));
    }
    try {
      const answer = await pingSmp(transport, { eachMs: 700, totalMs: timeoutMs, signal }).catch((error: Error) => {
        throw new UpdateError('connection-lost', udpNotSmp(where, `${error.message}.`));
      });
      if (!answer.answered)
        throw new UpdateError(
          'connection-lost',
          udpNotSmp(where, `no answer to MCUmgr params or echo within ${(timeoutMs / 1000).toFixed(0)} s.`),
        );
      let version: string | null = null;
      for (let attempt = 0; attempt < 3 && version === null; attempt++) {
        const slots = await readSlots(transport, 1_000).catch(() => null);
        if (slots) version = activeSlot(slots)?.version ?? null;
        if (slots) break;
      }
      const id = udpDeviceId(host, port);
      const device: Device = {
        id,
        transport: 'lan',
        name: where,
        hostname: net.isIP(host) ? null : host,
        address: host,
        port,
        protocol: 'mcumgr-smp',
        protocolEvidence: 'probe',
        pushSupported: true,
        firmwareVersion: version,
        firmwareId: null,
        app: null,
        arch: null,
        mac: null,
        services: [UDP_SMP_SERVICE],
        rssi: null,
        online: true,
        lastSeen: Date.now(),
        authRequired: false,
        probeNote: null,
        txt: {},
      };
      this.boards.set(id, { device, host, port });
      this.host.devicesChanged();
      return device;
    } finally {
      await transport.close().catch(() => undefined);
    }
  }

  /** One echo per board not held by a job, bounded; answers keep it online, silence turns it grey. */
  private async pingAll(): Promise<void> {
    if (this.pinging) return;
    this.pinging = true;
    try {
      await Promise.all(
        [...this.boards.values()].map(async (board) => {
          const id = board.device.id;
          const held = this.holds.has(id) || this.host.activeJobFor(id) || this.smpDevice?.heldBy(id);
          if (held) return this.seen(id, true);
          const answered = await this.echo(board).catch(() => false);
          this.seen(id, answered);
        }),
      );
    } finally {
      this.pinging = false;
    }
  }

  private async echo(board: UdpBoard): Promise<boolean> {
    const transport = await this.options.open({ host: board.host, port: board.port, timeoutMs: 2_000 });
    try {
      // Two tries (UDP loses datagrams), each short enough that a round ends well within offlineAfterMs.
      const eachMs = Math.min(1_000, this.options.offlineAfterMs / 4);
      for (let attempt = 0; attempt < 2; attempt++) {
        if (await askRaw(transport, echoRequest(), eachMs)) return true;
      }
      return false;
    } finally {
      await transport.close().catch(() => undefined);
    }
  }

  private seen(id: string, answered: boolean): void {
    const board = this.boards.get(id);
    if (!board) return;
    const now = Date.now();
    const lastSeen = answered ? now : board.device.lastSeen;
    const online = now - lastSeen < this.options.offlineAfterMs;
    if (online === board.device.online && lastSeen === board.device.lastSeen) return;
    board.device = { ...board.device, online, lastSeen };
    this.host.devicesChanged();
  }

  /** A fresh socket; waits (bounded by `timeoutMs`) for the board to answer, as after a reset. */
  private connector(board: UdpBoard): SmpConnector {
    return async ({ timeoutMs, signal }) => {
      const deadline = Date.now() + timeoutMs;
      let lastReason = '';
      for (;;) {
        if (signal?.aborted) throw new UpdateError('cancelled', 'Cancelled while reaching the board over UDP.');
        const left = Math.max(500, deadline - Date.now());
        try {
          const transport = await this.options.open({ host: board.host, port: board.port, timeoutMs: left, signal });
          const answer = await pingSmp(transport, { eachMs: 700, totalMs: left, signal }).catch((error: Error) => {
            lastReason = error.message;
            return null;
          });
          if (answer?.answered) {
            this.seen(board.device.id, true);
            return transport;
          }
          await transport.close().catch(() => undefined);
        } catch (error) {
          lastReason = (error as Error).message;
        }
        if (Date.now() >= deadline) {
          const where = `udp://${endpoint(board.host, board.port)}`;
          const why = lastReason
            ? udpNotSmp(endpoint(board.host, board.port), `${lastReason}.`)
            : portNotAnswering(where, timeoutMs / 1000);
          throw new UpdateError('connection-lost', why);
        }
        // ICMP unreachable while the board's stack comes back up: try again shortly.
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
  }

  private ops(device: Device): SmpOps {
    const cached = this.madeOps.get(device.id);
    if (cached) return cached;
    const board = this.boards.get(device.id);
    if (!board) throw new UpdateError('invalid-uri', `No device ${device.id}; add it again as udp://HOST[:PORT].`);
    if (!this.options.smpOps) return this.sharedOps();
    const id = device.id;
    const access: SmpBoardAccess = {
      connector: this.connector(board),
      target: `UDP ${endpoint(board.host, board.port)}`,
      current: () => this.get(id) ?? device,
      recordFirmware: (version) => {
        const now = this.boards.get(id);
        if (!now || now.device.firmwareVersion === version) return;
        now.device = { ...now.device, firmwareVersion: version };
        this.host.devicesChanged();
      },
      hold: (words) => this.holds.set(id, words),
      release: () => this.holds.delete(id),
      heldBy: () => this.holds.get(id) ?? null,
    };
    const made = this.options.smpOps(access);
    this.madeOps.set(id, made);
    return made;
  }

  /** One SmpDeviceOps for every UDP board: it holds a board while a job or action works on it. */
  private sharedOps(): SmpOps {
    this.smpDevice ??= new SmpDeviceOps({
      host: this.host,
      timeouts: this.options.timeouts ?? DEFAULT_JOB_TIMEOUTS,
      connector: (device) => {
        const board = this.boards.get(device.id);
        if (!board) throw new UpdateError('invalid-uri', `No device ${device.id}; add it again as udp://HOST[:PORT].`);
        return this.connector(board);
      },
      connectTimeoutMs: 10_000,
      recordFirmware: (id, version) => {
        const now = this.boards.get(id);
        if (!now || now.device.firmwareVersion === version) return;
        now.device = { ...now.device, firmwareVersion: version };
        this.host.devicesChanged();
      },
      device: (id) => this.get(id),
      linkDetails: (session, device) => ({
        Address: `udp://${endpoint(device.address ?? '?', device.port)}`,
        ...smpSessionDetails(session),
      }),
      targetLabel: (device) => `UDP ${endpoint(device.address ?? '?', device.port)}`,
    });
    return this.smpDevice;
  }

  async deviceStatus(device: Device): Promise<DeviceStatus> {
    try {
      return await this.ops(device).deviceStatus(device);
    } catch (error) {
      return unreachableStatus(this.get(device.id) ?? device, error);
    }
  }

  planPush(device: Device, image: ImageOnDisk, signal?: AbortSignal, options?: PlanOptions): Promise<PushPlan> {
    return this.ops(device).planPush(device, image, signal, options);
  }

  pushSequence(device: Device, request: PushRequest): JobSequence {
    return this.ops(device).pushSequence(device, request);
  }

  decideOutsideJob(device: Device, decision: Decision): Promise<string> {
    return this.ops(device).decideOutsideJob(device, decision);
  }

  slotAction(device: Device, request: SlotActionRequest): Promise<ImageSlotActionResult> {
    return this.ops(device).slotAction(device, request);
  }
}
