// Re-checks boards that mDNS alone cannot vouch for: those identified by probing (a plain
// _http._tcp board may vanish without a goodbye, and its records live for their whole TTL) and
// those added by address (no mDNS at all). Every few seconds each one gets a TCP connection to its
// web server, bounded by a timeout; two failures in a row (a second check one second after the first,
// so one busy moment does not count) mark it unreachable, one success brings it back. A board a job
// is working on is left alone: the job's own requests are the evidence then, and a re-check must
// not be taken for the board coming back from its reboot.
import net from 'node:net';

export interface ReachabilityTarget {
  deviceId: string;
  host: string;
  port: number;
}

export interface ReachabilityRegistry {
  reachabilityTargets(): ReachabilityTarget[];
  recordCheck(deviceId: string, reachable: boolean): void;
}

export interface ReachabilityWatchOptions {
  /** Gap between checks of a board that answers (default 5 s). */
  intervalMs?: number;
  /** Gap before the confirming check after a failure (default 1 s). */
  retryMs?: number;
  /** Bound on one check (default 2 s). */
  timeoutMs?: number;
  /** Consecutive failures that mark a board unreachable (default 2). */
  failuresOffline?: number;
  check?: (host: string, port: number, timeoutMs: number) => Promise<boolean>;
}

/** Resolves true when a TCP connection opens within `timeoutMs`, false otherwise; never rejects. */
export function canConnect(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

interface CheckState {
  nextAt: number;
  failures: number;
  inFlight: boolean;
}

export class ReachabilityWatch {
  private readonly states = new Map<string, CheckState>();
  private timer: NodeJS.Timeout | null = null;
  private readonly intervalMs: number;
  private readonly retryMs: number;
  private readonly timeoutMs: number;
  private readonly failuresOffline: number;
  private readonly check: NonNullable<ReachabilityWatchOptions['check']>;
  private readonly registry: ReachabilityRegistry;
  private readonly isBusy: (deviceId: string) => boolean;

  constructor(
    registry: ReachabilityRegistry,
    isBusy: (deviceId: string) => boolean,
    options: ReachabilityWatchOptions = {},
  ) {
    this.registry = registry;
    this.isBusy = isBusy;
    this.intervalMs = options.intervalMs ?? 5000;
    this.retryMs = options.retryMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.failuresOffline = options.failuresOffline ?? 2;
    this.check = options.check ?? canConnect;
  }

  start(tickMs = 250): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), tickMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.states.clear();
  }

  /** Starts the checks that are due. Exposed for tests. */
  tick(now = Date.now()): void {
    const targets = this.registry.reachabilityTargets();
    const wanted = new Set(targets.map((t) => t.deviceId));
    for (const id of this.states.keys()) if (!wanted.has(id)) this.states.delete(id);
    for (const target of targets) {
      let state = this.states.get(target.deviceId);
      if (!state) {
        // Just probed or announced: first re-check one interval from now.
        state = { nextAt: now + this.intervalMs, failures: 0, inFlight: false };
        this.states.set(target.deviceId, state);
      }
      if (state.inFlight || now < state.nextAt) continue;
      if (this.isBusy(target.deviceId)) {
        state.failures = 0;
        state.nextAt = now + this.intervalMs;
        continue;
      }
      void this.run(target, state);
    }
  }

  private async run(target: ReachabilityTarget, state: CheckState): Promise<void> {
    state.inFlight = true;
    const ok = await this.check(target.host, target.port, this.timeoutMs).catch(() => false);
    state.inFlight = false;
    if (this.states.get(target.deviceId) !== state) return; // stopped or forgotten meanwhile
    state.failures = ok ? 0 : state.failures + 1;
    state.nextAt = Date.now() + (ok || state.failures >= this.failuresOffline ? this.intervalMs : this.retryMs);
    if (ok || state.failures >= this.failuresOffline) this.registry.recordCheck(target.deviceId, ok);
  }
}
