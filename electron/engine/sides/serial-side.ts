// Serial ports as a side: every port the OS lists (USB CDC-ACM, UART adapters) is a row, online while
// it exists; ports with a USB id known to carry MCUmgr, ports the user allowed and paths the user named
// (serial:/dev/pts/5) are probed with a params request and an echo. Nothing is ever written to a port
// nobody allowed. Status, plans, pushes and slot actions are MCUmgr's (sides/smp-ops.ts) over a
// connector that opens the port with its current settings and, after a reset or a pulled cable, waits
// (bounded) for the port to come back, at another path if USB re-enumerated it, and to answer.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { DiscoveryStatus } from '../../../shared/contract.ts';
import { SERIAL_BAUD_RATES } from '../../../shared/request-schemas.ts';
import type {
  Device,
  DeviceStatus,
  ImageSlotActionResult,
  PushPlan,
  PushRequest,
  SerialFlowControl,
  SerialPortFacts,
  SerialPortSettings,
} from '../../../shared/domain.ts';
import { UpdateError } from '../update-error.ts';
import type { PlanOptions } from '../engine-api.ts';
import type { Decision } from '../jobs/commit-decisions.ts';
import type { JobSequence, JobTimeouts } from '../jobs/job-context.ts';
import type { ImageOnDisk } from '../protocols/update-protocol.ts';
import type { SmpConnector, SmpTransport } from '../smp/smp-transport.ts';
import type { DeviceSide, SideHost, SlotActionRequest } from './device-side.ts';
import { noMcubootSlots } from './side-messages.ts';
import { pingSmp } from './smp-ask.ts';
import { SmpDeviceOps, smpSessionDetails, unreachableStatus } from './smp-device.ts';
import type { SmpBoardAccess, SmpOps, SmpOpsFactory } from './smp-ops.ts';
import {
  PROBING,
  SERIAL_OFF,
  notASerialPath,
  notAllowedNote,
  notAllowedPush,
  portGone,
  portNotAnswering,
  probeAnswered,
  probeBusy,
  probeFailed,
  probeSilent,
  serialUnavailable,
  serialWatching,
  unsupportedBaud,
} from './serial-messages.ts';

/** One port as the OS lists it (discovery/serial-ports.ts). */
export interface ListedSerialPort {
  path: string;
  /** 4 lowercase hex digits, or null when the port is not a USB device. */
  vendorId: string | null;
  productId: string | null;
  manufacturer: string | null;
  serialNumber: string | null;
  /** The OS's friendly name for it ("nRF52840 DK", "J-Link CDC UART Port"), when it has one. */
  friendlyName: string | null;
}

export interface SerialLinkSettings {
  baudRate: number;
  flowControl: SerialFlowControl;
}

/** How the side reaches the OS: listing, opening, knowing boards by USB id. Tests pass fakes. */
export interface SerialPortAccess {
  /** Every port there is now; rejects with a sentence when ports cannot be listed. */
  list(): Promise<ListedSerialPort[]>;
  /** Opens an SMP transport over the port (console framing); rejects with the OS's reason. */
  open(path: string, settings: SerialLinkSettings, signal?: AbortSignal): Promise<SmpTransport>;
  /** The board family a USB id names (discovery/usb-boards.ts); `carriesMcumgr`: allowed by default. */
  knownBoard(vendorId: string | null, productId: string | null): { name: string; carriesMcumgr: boolean } | null;
}

export interface SerialSideOptions {
  /** False: no listing (OTA_BENCH_SERIAL=off); a path the user names still works. Default: the env. */
  enabled?: boolean;
  /** The OS's ports; none: listing reports `unavailable` with `unavailableReason`. */
  access?: SerialPortAccess | null;
  unavailableReason?: string;
  /** Tests: MCUmgr operations per board; default one SmpDeviceOps (sides/smp-device.ts) for the side. */
  smpOps?: SmpOpsFactory;
  /**
   * Where the ports' settings (baud, flow control, allowed) are kept between runs (JSON, shared by the app
   * and the CLI); none: for this process's life only.
   */
  settingsFile?: string | null;
  /** How long an MCUmgr operation waits for a port that should be there (a pulled cable, a reset). */
  connectTimeoutMs?: number;
  /** How often the port list is read (ms). */
  pollMs?: number;
  /**
   * Each probe question (params, then echo) waits this long (ms): 2 s, because a board's first answer
   * after the port is opened can be late (QEMU holds it until its ~1 s poll notices the open; a USB
   * board may still be printing its boot log), and 800 ms called the real mps2 build silent 1 run in 3.
   */
  probeQuestionMs?: number;
}

const DEFAULT_BAUD = 115200;
/** A port that just appeared (or was re-plugged) may refuse opening for a moment: retry this often. */
const REOPEN_EVERY_MS = 250;

interface PortEntry {
  id: string;
  port: ListedSerialPort;
  present: boolean;
  /** The user named this path (serial:PATH): allowed, kept listed while it exists. */
  named: boolean;
  probe: SerialPortFacts['probe'];
  probeMessage: string | null;
  lastSeen: number;
  firmwareVersion: string | null;
}

interface RememberedSettings {
  baudRate: number;
  flowControl: SerialFlowControl;
  allowed: boolean | null;
}

export function serialDeviceId(
  port: Pick<ListedSerialPort, 'path' | 'vendorId' | 'productId' | 'serialNumber'>,
): string {
  if (port.serialNumber && port.vendorId && port.productId)
    return `serial:usb:${port.vendorId}:${port.productId}:${port.serialNumber}`;
  return `serial:${port.path}`;
}

/** `serial:/dev/ttyACM0`, `serial:COM5@115200` → path and baud; null for other forms; throws for a bad baud. */
export function parseSerialRef(ref: string): { path: string; baudRate: number | null } | null {
  const match = /^serial:(.+?)(?:@(\d+))?$/i.exec(ref.trim());
  if (!match) return null;
  const path = match[1]!;
  // Any absolute path: the user named it (a pty, a udev or socat link); the app's address gate is stricter.
  if (!/^(\/|COM\d+$|\\\\\.\\)/i.test(path)) throw new UpdateError('invalid-uri', notASerialPath(ref));
  const baudRate = match[2] ? Number(match[2]) : null;
  if (baudRate !== null && !(SERIAL_BAUD_RATES as readonly number[]).includes(baudRate))
    throw new UpdateError('invalid-uri', unsupportedBaud(baudRate, SERIAL_BAUD_RATES));
  return { path, baudRate };
}

/**
 * A write that fails on a serial port (EIO: the cable was pulled a moment before the OS said so) means
 * the link is gone: the transport reports it closed first, so the SMP client ends its requests as a
 * lost link (resumable), not as an internal error.
 */
export function closingOnWriteError(transport: SmpTransport): SmpTransport {
  const listeners = new Set<(reason: string) => void>();
  let closedReason: string | null = null;
  const closeOnce = (reason: string) => {
    if (closedReason !== null) return;
    closedReason = reason;
    for (const listener of [...listeners]) listener(reason);
  };
  transport.onClose(closeOnce);
  return {
    kind: transport.kind,
    label: transport.label,
    defaultMaxPacket: transport.defaultMaxPacket,
    attMtu: transport.attMtu,
    get connected() {
      return closedReason === null && transport.connected;
    },
    send: (packet) =>
      transport.send(packet).catch((error: Error) => {
        closeOnce(`writing to the port failed: ${error.message}`);
        void transport.close().catch(() => undefined);
        throw error;
      }),
    onPacket: (listener) => transport.onPacket(listener),
    onClose: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => transport.close(),
  };
}

export class SerialSide implements DeviceSide {
  private readonly host: SideHost;
  private readonly timeouts: JobTimeouts;
  private readonly access: SerialPortAccess | null;
  private readonly enabled: boolean;
  private readonly options: Required<Pick<SerialSideOptions, 'pollMs' | 'probeQuestionMs'>> & SerialSideOptions;
  private readonly entries = new Map<string, PortEntry>();
  /** Per port id, for the process's life: what the user set. */
  private readonly settings = new Map<string, RememberedSettings>();
  /** Ports a job or slot action holds, with what it is doing (probes keep off them). */
  private readonly holds = new Map<string, string>();
  private readonly probing = new Map<string, Promise<void>>();
  /** One MCUmgr operations object per port: it keeps what it holds between calls. */
  private readonly madeOps = new Map<string, SmpOps>();
  private smpDevice: SmpDeviceOps | null = null;
  private timer: NodeJS.Timeout | null = null;
  private listFailure: string | null = null;
  private refreshing: Promise<void> | null = null;
  private lastListing = '';
  private closed = false;

  constructor(host: SideHost, timeouts: JobTimeouts, options: SerialSideOptions = {}) {
    this.host = host;
    this.timeouts = timeouts;
    this.access = options.access ?? null;
    this.enabled = options.enabled ?? process.env.OTA_BENCH_SERIAL?.toLowerCase() !== 'off';
    this.options = { pollMs: 1000, probeQuestionMs: 2000, ...options };
    this.loadSettings();
  }

  /** Settings saved by an earlier run; a missing or damaged file is a fresh start, never an error. */
  private loadSettings(): void {
    const file = this.options.settingsFile;
    if (!file || !existsSync(file)) return;
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { ports?: Record<string, Partial<RememberedSettings>> };
      for (const [id, value] of Object.entries(saved.ports ?? {}).slice(0, 500)) {
        if (!id.startsWith('serial:') || id.length > 300 || typeof value !== 'object' || value === null) continue;
        const baudRate = (SERIAL_BAUD_RATES as readonly number[]).includes(value.baudRate as number)
          ? (value.baudRate as number)
          : DEFAULT_BAUD;
        const flowControl = value.flowControl === 'rts-cts' ? 'rts-cts' : 'none';
        const allowed = typeof value.allowed === 'boolean' ? value.allowed : null;
        this.settings.set(id, { baudRate, flowControl, allowed });
      }
    } catch {
      // damaged: start from the defaults; the next change writes it whole again
    }
  }

  private saveSettings(): void {
    const file = this.options.settingsFile;
    if (!file) return;
    try {
      const ports = Object.fromEntries(this.settings);
      writeFileSync(`${file}.tmp`, `${JSON.stringify({ version: 1, ports }, null, 2)}\n`);
      renameSync(`${file}.tmp`, file);
    } catch {
      // a read-only data folder: the settings hold for this run
    }
  }

  discoveryStatus(): Partial<DiscoveryStatus> {
    const ports = [...this.entries.values()].filter((e) => e.present).length;
    if (!this.enabled) return { serial: { state: 'off', message: SERIAL_OFF, ports } };
    if (!this.access)
      return {
        serial: {
          state: 'unavailable',
          message: serialUnavailable(this.options.unavailableReason ?? 'no lister'),
          ports,
        },
      };
    if (this.listFailure)
      return { serial: { state: 'unavailable', message: serialUnavailable(this.listFailure), ports } };
    if (!this.timer) return { serial: { state: 'starting', message: 'Serial ports are not watched yet.', ports } };
    return { serial: { state: 'watching', message: serialWatching(ports), ports } };
  }

  async start(): Promise<void> {
    if (!this.enabled || !this.access || this.timer || this.closed) return;
    this.timer = setInterval(() => void this.refresh(), this.options.pollMs);
    this.timer.unref?.();
    await this.refresh();
    this.host.statusChanged();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
    await Promise.allSettled([...this.probing.values()]);
  }

  list(): Device[] {
    return [...this.entries.values()].map((entry) => this.toDevice(entry));
  }

  get(deviceId: string): Device | null {
    const entry = this.entries.get(deviceId);
    return entry ? this.toDevice(entry) : null;
  }

  resolve(ref: string, signal?: AbortSignal): Promise<Device> | null {
    let parsed;
    try {
      parsed = parseSerialRef(ref);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    if (!parsed) return null;
    return this.resolveNamed(parsed.path, parsed.baudRate, signal);
  }

  /** A path the user named: allowed because they named it, listed (even when the OS does not list it: a pty). */
  private async resolveNamed(path: string, baudRate: number | null, signal?: AbortSignal): Promise<Device> {
    if (this.enabled && this.access) await this.refresh();
    let entry = [...this.entries.values()].find((e) => e.port.path === path);
    if (!entry) {
      if (!existsSync(path)) throw new UpdateError('connection-lost', `There is no serial port at ${path}.`);
      const port: ListedSerialPort = {
        path,
        vendorId: null,
        productId: null,
        manufacturer: null,
        serialNumber: null,
        friendlyName: null,
      };
      entry = this.newEntry(port);
      this.entries.set(entry.id, entry);
    }
    entry.named = true;
    const remembered = this.settingsOf(entry.id);
    const changed = baudRate !== null && baudRate !== remembered.baudRate;
    this.settings.set(entry.id, { ...remembered, baudRate: baudRate ?? remembered.baudRate, allowed: true });
    if (changed || entry.probe === 'unprobed' || entry.probe === 'error' || entry.probe === 'busy')
      entry.probe = 'unprobed';
    this.host.devicesChanged();
    if (signal?.aborted) throw new UpdateError('cancelled', 'Cancelled.');
    await this.probeNow(entry);
    return this.toDevice(entry);
  }

  async setSerialPort(device: Device, change: SerialPortSettings): Promise<Device> {
    const entry = this.entries.get(device.id);
    if (!entry) throw new UpdateError('invalid-uri', `${device.name} is not a serial port OTA Bench lists.`);
    const before = this.settingsOf(entry.id);
    const after: RememberedSettings = {
      baudRate: change.baudRate ?? before.baudRate,
      flowControl: change.flowControl ?? before.flowControl,
      allowed: change.allowed ?? before.allowed,
    };
    this.settings.set(entry.id, after);
    this.saveSettings();
    const linkChanged = after.baudRate !== before.baudRate || after.flowControl !== before.flowControl;
    if (linkChanged || change.allowed === true) {
      entry.probe = 'unprobed';
      entry.probeMessage = null;
    }
    if (!this.isAllowed(entry)) {
      entry.probe = 'unprobed';
      entry.probeMessage = null;
    }
    this.host.devicesChanged();
    // Allowing probes at once; the row shows 'probing' and the answer arrives as devicesChanged.
    void this.probeNow(entry);
    return this.toDevice(entry);
  }

  // --- listing ------------------------------------------------------------------------------------

  /** Reads the port list once (one at a time), keeps entries in step, probes what may be probed. */
  refresh(): Promise<void> {
    this.refreshing ??= this.readPorts().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async readPorts(): Promise<void> {
    if (!this.access || this.closed) return;
    let ports: ListedSerialPort[];
    try {
      ports = this.enabled ? await this.access.list() : [];
      if (this.listFailure) {
        this.listFailure = null;
        this.host.statusChanged();
      }
    } catch (error) {
      const reason = (error as Error).message;
      if (reason !== this.listFailure) {
        this.listFailure = reason;
        this.host.statusChanged();
      }
      return;
    }
    const now = Date.now();
    const seen = new Set<string>();
    for (const port of ports) {
      const id = serialDeviceId(port);
      seen.add(id);
      const entry = this.entries.get(id);
      if (!entry) {
        this.entries.set(id, this.newEntry(port));
        continue;
      }
      if (entry.port.path !== port.path || !entry.present) {
        // Back (re-plugged, or re-enumerated at another path): its probe result may be stale.
        if (!this.holds.has(id) && entry.probe !== 'smp') entry.probe = 'unprobed';
      }
      entry.port = port;
      entry.present = true;
      entry.lastSeen = now;
    }
    for (const entry of [...this.entries.values()]) {
      if (seen.has(entry.id)) continue;
      // A path the user named that the OS does not list (a pty): there while the file is.
      const present = entry.named && existsSync(entry.port.path);
      if (present) entry.lastSeen = now;
      entry.present = present;
      if (!present && !this.keepWhenGone(entry)) this.entries.delete(entry.id);
    }
    const listing = JSON.stringify(this.list().map((d) => [d.id, d.address, d.online, d.serial?.probe]));
    if (listing !== this.lastListing) {
      this.lastListing = listing;
      this.host.devicesChanged();
      this.host.statusChanged();
    }
    for (const entry of this.entries.values()) {
      if (entry.present && entry.probe === 'unprobed' && this.isAllowed(entry)) void this.probeNow(entry);
    }
  }

  /** A port that went away stays listed (offline) when it mattered: allowed, named, or held by a job. */
  private keepWhenGone(entry: PortEntry): boolean {
    return (
      entry.named ||
      this.holds.has(entry.id) ||
      this.settings.get(entry.id)?.allowed === true ||
      this.known(entry) !== null
    );
  }

  private newEntry(port: ListedSerialPort): PortEntry {
    return {
      id: serialDeviceId(port),
      port,
      present: true,
      named: false,
      probe: 'unprobed',
      probeMessage: null,
      lastSeen: Date.now(),
      firmwareVersion: null,
    };
  }

  /** The family's name when its USB id is known to carry MCUmgr (allowed by default, evidence usb-id). */
  private known(entry: PortEntry): string | null {
    const family = this.family(entry);
    return family?.carriesMcumgr ? family.name : null;
  }

  private family(entry: PortEntry): { name: string; carriesMcumgr: boolean } | null {
    return this.access?.knownBoard(entry.port.vendorId, entry.port.productId) ?? null;
  }

  private settingsOf(id: string): RememberedSettings {
    return this.settings.get(id) ?? { baudRate: DEFAULT_BAUD, flowControl: 'none', allowed: null };
  }

  private isAllowed(entry: PortEntry): boolean {
    const allowed = this.settingsOf(entry.id).allowed;
    if (allowed !== null) return allowed;
    return entry.named || this.known(entry) !== null;
  }

  private linkSettings(id: string): SerialLinkSettings {
    const { baudRate, flowControl } = this.settingsOf(id);
    return { baudRate, flowControl };
  }

  private toDevice(entry: PortEntry): Device {
    const knownBoard = this.known(entry);
    const familyName = this.family(entry)?.name ?? null;
    const settings = this.settingsOf(entry.id);
    const allowed = this.isAllowed(entry);
    const facts: SerialPortFacts = {
      path: entry.port.path,
      vendorId: entry.port.vendorId,
      productId: entry.port.productId,
      manufacturer: entry.port.manufacturer,
      serialNumber: entry.port.serialNumber,
      knownBoard: familyName,
      baudRate: settings.baudRate,
      flowControl: settings.flowControl,
      allowed,
      probe: entry.probe,
      probeMessage: entry.probeMessage,
    };
    const smp = entry.probe === 'smp';
    const evidence = smp ? 'probe' : knownBoard ? 'usb-id' : entry.named ? 'user' : null;
    return {
      id: entry.id,
      transport: 'serial',
      name: entry.port.friendlyName ?? familyName ?? entry.port.manufacturer ?? entry.port.path,
      hostname: null,
      address: entry.port.path,
      port: 0,
      protocol: evidence ? 'mcumgr-smp' : 'unknown',
      protocolEvidence: evidence ?? 'probe',
      pushSupported: evidence !== null,
      firmwareVersion: entry.firmwareVersion,
      firmwareId: null,
      app: null,
      arch: null,
      mac: null,
      services: smp ? ['MCUmgr SMP over serial'] : [],
      rssi: null,
      online: entry.present,
      lastSeen: entry.lastSeen,
      authRequired: false,
      probeNote: evidence ? null : allowed ? entry.probeMessage : notAllowedNote(entry.port.path),
      txt: {},
      serial: facts,
    };
  }

  // --- probing ------------------------------------------------------------------------------------

  /** Probes the port if it may be probed now; resolves when that probe (or one already running) ends. */
  private probeNow(entry: PortEntry): Promise<void> {
    const running = this.probing.get(entry.id);
    if (running) return running;
    // Never while a job or slot action has the port: the probe would steal its answers.
    const held =
      this.holds.has(entry.id) ||
      this.host.activeJobFor(entry.id) !== null ||
      (this.smpDevice?.heldBy(entry.id) ?? null) !== null;
    if (!entry.present || !this.isAllowed(entry) || held || this.closed) return Promise.resolve();
    const probe = this.probe(entry).finally(() => {
      this.probing.delete(entry.id);
      this.host.devicesChanged();
    });
    this.probing.set(entry.id, probe);
    return probe;
  }

  private async probe(entry: PortEntry): Promise<void> {
    entry.probe = 'probing';
    entry.probeMessage = PROBING;
    this.host.devicesChanged();
    const settings = this.linkSettings(entry.id);
    let transport: SmpTransport;
    try {
      transport = await this.openPort(entry.port.path, settings);
    } catch (error) {
      const reason = (error as Error).message;
      const kind = (error as { kind?: string }).kind;
      const busy = kind === 'busy' || (kind === undefined && /busy|lock|in use/i.test(reason));
      entry.probe = busy ? 'busy' : 'error';
      entry.probeMessage = busy ? probeBusy(entry.port.path) : probeFailed(entry.port.path, reason);
      return;
    }
    try {
      const each = this.options.probeQuestionMs;
      const answer = await pingSmp(transport, { eachMs: each, totalMs: 2 * each }).catch(() => null);
      if (answer?.answered) {
        entry.probe = 'smp';
        entry.probeMessage = probeAnswered(answer.params?.bufSize ?? null);
      } else {
        entry.probe = 'silent';
        entry.probeMessage = probeSilent(settings.baudRate);
      }
    } finally {
      await transport.close().catch(() => undefined);
    }
  }

  private openPort(path: string, settings: SerialLinkSettings, signal?: AbortSignal): Promise<SmpTransport> {
    if (!this.access)
      return Promise.reject(new Error(this.options.unavailableReason ?? 'serial ports are not available'));
    return this.access.open(path, settings, signal);
  }

  // --- the link for MCUmgr operations -------------------------------------------------------------

  /**
   * Opens the port with its current settings. After a reset or a pulled cable the port may be gone for
   * a while, or come back at another path (USB re-enumeration; the id follows the USB serial number):
   * waits for it up to `timeoutMs`, then for the board to answer SMP in what is left of that time.
   */
  private connector(id: string): SmpConnector {
    return async ({ timeoutMs, signal }) => {
      const deadline = Date.now() + timeoutMs;
      await this.probing.get(id);
      let lastReason: string | null = null;
      for (;;) {
        if (signal?.aborted) throw new UpdateError('cancelled', 'Cancelled while opening the serial port.');
        const entry = this.entries.get(id);
        if (entry?.present) {
          let transport: SmpTransport | null = null;
          try {
            transport = await this.openPort(entry.port.path, this.linkSettings(id), signal);
          } catch (error) {
            lastReason = (error as Error).message;
          }
          if (transport) {
            const left = Math.max(500, deadline - Date.now());
            const answer = await pingSmp(transport, { eachMs: 700, totalMs: left, signal }).catch(() => null);
            if (answer?.answered) {
              entry.probe = 'smp';
              entry.probeMessage = probeAnswered(answer.params?.bufSize ?? null);
              return closingOnWriteError(transport);
            }
            await transport.close().catch(() => undefined);
            if (signal?.aborted) throw new UpdateError('cancelled', 'Cancelled while opening the serial port.');
            if (transport.connected || Date.now() >= deadline)
              throw new UpdateError('connection-lost', portNotAnswering(entry.port.path, timeoutMs / 1000));
          }
        }
        if (Date.now() >= deadline) {
          const path = entry?.port.path ?? id.replace(/^serial:/, '');
          const gone = portGone(path, timeoutMs / 1000);
          throw new UpdateError('connection-lost', lastReason && entry?.present ? probeFailed(path, lastReason) : gone);
        }
        await new Promise((resolve) => setTimeout(resolve, REOPEN_EVERY_MS));
        await this.refresh();
      }
    };
  }

  private boardAccess(device: Device): SmpBoardAccess {
    const id = device.id;
    return {
      connector: this.connector(id),
      target: `serial ${this.entries.get(id)?.port.path ?? device.address ?? id}`,
      current: () => this.get(id) ?? device,
      recordFirmware: (version) => {
        const entry = this.entries.get(id);
        if (entry && entry.firmwareVersion !== version) {
          entry.firmwareVersion = version;
          this.host.devicesChanged();
        }
      },
      hold: (words) => this.holds.set(id, words),
      release: () => this.holds.delete(id),
      heldBy: () => this.holds.get(id) ?? null,
    };
  }

  /** The MCUmgr operations for an allowed SMP port; throws a sentence otherwise. */
  private ops(device: Device): SmpOps {
    const current = this.get(device.id) ?? device;
    if (!current.serial?.allowed)
      throw new UpdateError('unsupported-protocol', notAllowedPush(current.name, current.address ?? current.id));
    if (current.protocol !== 'mcumgr-smp') throw new UpdateError('unsupported-protocol', noMcubootSlots(current));
    if (!this.options.smpOps) return this.sharedOps();
    let made = this.madeOps.get(current.id);
    if (!made) {
      made = this.options.smpOps(this.boardAccess(current));
      this.madeOps.set(current.id, made);
    }
    return made;
  }

  /** One SmpDeviceOps for every port of this side: it holds a port while a job or action works on it. */
  private sharedOps(): SmpOps {
    this.smpDevice ??= new SmpDeviceOps({
      host: this.host,
      timeouts: this.timeouts,
      connector: (device) => this.connector(device.id),
      connectTimeoutMs: this.options.connectTimeoutMs ?? 15_000,
      recordFirmware: (id, version) => {
        const entry = this.entries.get(id);
        if (entry && entry.firmwareVersion !== version) {
          entry.firmwareVersion = version;
          this.host.devicesChanged();
        }
      },
      device: (id) => this.get(id),
      linkDetails: (session, device) => {
        const facts = this.get(device.id)?.serial ?? device.serial;
        const port = facts
          ? `${facts.path}, ${facts.baudRate} baud${facts.flowControl === 'rts-cts' ? ', RTS/CTS' : ''}`
          : (device.address ?? device.id);
        return { Port: port, ...smpSessionDetails(session) };
      },
      targetLabel: (device) => `serial ${this.get(device.id)?.address ?? device.address ?? device.id}`,
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
