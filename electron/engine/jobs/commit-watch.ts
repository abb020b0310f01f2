// Keeps each test-then-commit board's commit state (Mongoose OS) true in the device list, whoever
// pushed it: another OTA Bench, `mos`, mDash. The state is read when a board appears, comes back
// online, announces another version or moves; while it is uncommitted it is re-read every
// UNCOMMITTED_REFRESH_MS and once its deadline has passed (committed elsewhere? reverted?); otherwise
// every COMMITTED_REFRESH_MS. Each read is bounded; a board a job of ours is working on is left alone.
import type { Device, DeviceCommitState } from '../../../shared/domain.ts';
import { targetOf } from '../net/device-target.ts';
import type { BootState, UpdateProtocol } from '../protocols/update-protocol.ts';
import { commitStateOf } from './commit-state.ts';

const UNCOMMITTED_REFRESH_MS = 10_000;
const COMMITTED_REFRESH_MS = 60_000;
const READ_TIMEOUT_MS = 4_000;
/** Reads in flight at once, so a bench of 200 boards is not asked all at the same moment. */
const MAX_READS = 4;

interface Entry {
  state: DeviceCommitState | null;
  /** What the board looked like at the last read: a change means it may have rebooted. */
  fingerprint: string;
  nextReadAt: number;
}

export interface CommitWatchOptions {
  devices(): Device[];
  protocolOf(device: Device): UpdateProtocol | null;
  /** A job of ours is on this board: it reports the commit window itself. */
  busy(deviceId: string): boolean;
  changed(): void;
  now?: () => number;
}

const fingerprintOf = (d: Device) => `${d.online}|${d.address}:${d.port}|${d.firmwareVersion}|${d.firmwareId}`;

export class CommitWatch {
  private readonly entries = new Map<string, Entry>();
  private readonly reading = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private readonly options: CommitWatchOptions;

  constructor(options: CommitWatchOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
  }

  start(intervalMs = 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The device as the list shows it: with the commit state we last read, if any. */
  decorate = (device: Device): Device => {
    const state = this.entries.get(device.id)?.state;
    return state ? { ...device, commitState: state } : device;
  };

  /** A read made elsewhere (status, commit, revert, a job's end) counts too. */
  record(deviceId: string, boot: BootState | null, version: string | null): void {
    this.remember(deviceId, boot ? commitStateOf(boot, version, this.now()) : null);
  }

  /** A state known without a read: our own job's commit window. */
  remember(deviceId: string, state: DeviceCommitState | null): void {
    const device = this.options.devices().find((d) => d.id === deviceId);
    const previous = this.entries.get(deviceId)?.state ?? null;
    this.entries.set(deviceId, {
      state,
      fingerprint: device ? fingerprintOf(device) : '',
      nextReadAt: this.nextRead(state),
    });
    if (JSON.stringify(previous) !== JSON.stringify(state)) this.options.changed();
  }

  /** Forget what we knew and read again at the next tick (a job on the board ended: it may have changed anything). */
  invalidate(deviceId: string): void {
    if (this.entries.delete(deviceId)) this.options.changed();
  }

  tick(): void {
    const now = this.now();
    for (const device of this.options.devices()) {
      if (this.reading.size >= MAX_READS) return;
      if (device.transport !== 'lan' || !device.online || this.reading.has(device.id) || this.options.busy(device.id))
        continue;
      const protocol = this.options.protocolOf(device);
      const target = targetOf(device);
      if (!protocol?.commitControl || !target) continue;
      const entry = this.entries.get(device.id);
      const due = !entry || entry.fingerprint !== fingerprintOf(device) || now >= entry.nextReadAt;
      if (due) void this.read(device, protocol);
    }
  }

  private async read(device: Device, protocol: UpdateProtocol): Promise<void> {
    this.reading.add(device.id);
    try {
      const boot = await protocol.commitControl!.bootState(targetOf(device)!, AbortSignal.timeout(READ_TIMEOUT_MS));
      this.record(device.id, boot, device.firmwareVersion);
    } catch {
      // Not answering now: keep what we knew (the row shows the board's liveness) and try again later.
      const entry = this.entries.get(device.id);
      this.entries.set(device.id, {
        state: entry?.state ?? null,
        fingerprint: fingerprintOf(device),
        nextReadAt: this.now() + UNCOMMITTED_REFRESH_MS,
      });
    } finally {
      this.reading.delete(device.id);
    }
  }

  private nextRead(state: DeviceCommitState | null): number {
    const now = this.now();
    if (!state || state.committed) return now + COMMITTED_REFRESH_MS;
    // Right after the deadline too: by then it has reverted, or someone committed it.
    const afterDeadline = state.revertsAt !== null ? Math.max(now + 1000, state.revertsAt + 1000) : Infinity;
    return Math.min(now + UNCOMMITTED_REFRESH_MS, afterDeadline);
  }
}
