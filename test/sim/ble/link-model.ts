// The BLE link model of ble-protocols.md §6.2, run as a scheduler: ATT PDUs (writes without response,
// notifications, requests and their responses) are cut into LL packets and carried in connection events,
// n_ev packets per direction per event, each packet lost with probability p and retransmitted in the next
// slot. Time is virtual milliseconds; the clock maps them to real time through `timeScale` (0.01 → a
// 15 ms connection interval takes 0.15 ms of wall clock), so tests run fast while ratios hold. When Node's
// timers fire late, the scheduler catches up on every event it missed, so throughput in virtual time does
// not depend on timer granularity.

export interface LinkParams {
  /** PHY rate in Mbit/s. */
  phy: 1 | 2;
  /** LL data payload maximum (27 without Data Length Extension, up to 251). */
  llPayload: number;
  /** Negotiated ATT MTU (23…517). */
  attMtu: number;
  /** Connection interval in ms (7.5…4000, multiples of 1.25). */
  connIntervalMs: number;
  /** Connection event length in ms (≤ interval); default = the interval. */
  eventLengthMs?: number;
  /** Packets per event cap of the OS/controller; default unlimited (event length extension). */
  packetsPerEventCap?: number;
  /** Link-layer encryption adds a 4-byte MIC per packet. */
  encrypted?: boolean;
  /** Probability that one LL packet is lost (and retransmitted in a later slot). */
  lossProbability?: number;
}

export interface LinkMetrics {
  /** Air overhead per LL packet in bytes (preamble, access address, header, CRC, MIC). */
  overheadBytes: number;
  /** One data packet + empty answer + two inter-frame spaces, µs. */
  pairUs: number;
  /** LL packets per connection event and direction (≥ 1), before loss. */
  packetsPerEvent: number;
  /** ATT payload of one write/notification: ATT_MTU − 3. */
  attPayload: number;
  /** LL packets needed by one full ATT PDU. */
  llPacketsPerPdu: number;
  /** Write-without-response / notification ceiling, bytes/s (loss included as n_ev·(1−p)). */
  streamingRate: number;
  /** Write-with-response ceiling (one PDU per two intervals), bytes/s. */
  writeRequestRate: number;
}

export function validateLinkParams(p: LinkParams): void {
  if (p.phy !== 1 && p.phy !== 2) throw new RangeError(`phy must be 1 or 2, not ${String(p.phy)}`);
  if (!(p.llPayload >= 27 && p.llPayload <= 251)) throw new RangeError(`llPayload ${p.llPayload} outside 27…251`);
  if (!(p.attMtu >= 23 && p.attMtu <= 517)) throw new RangeError(`attMtu ${p.attMtu} outside 23…517`);
  if (!(p.connIntervalMs >= 7.5 && p.connIntervalMs <= 4000))
    throw new RangeError(`connIntervalMs ${p.connIntervalMs} outside 7.5…4000`);
  const loss = p.lossProbability ?? 0;
  if (!(loss >= 0 && loss < 1)) throw new RangeError(`lossProbability ${loss} outside [0, 1)`);
}

/** Air time in µs of one LL packet carrying `payload` bytes. */
export function packetAirUs(p: LinkParams, payload: number): number {
  return (((p.phy === 1 ? 1 : 2) + 4 + 2 + 3 + (p.encrypted ? 4 : 0) + payload) * 8) / p.phy;
}

/** LL packets for an L2CAP-framed ATT PDU with `attValueBytes` of value (3-byte ATT header + 4-byte L2CAP header). */
export function llPacketsFor(p: LinkParams, attValueBytes: number): number {
  return Math.max(1, Math.ceil((attValueBytes + 3 + 4) / p.llPayload));
}

export function linkMetrics(p: LinkParams): LinkMetrics {
  validateLinkParams(p);
  const overheadBytes = (p.phy === 1 ? 1 : 2) + 4 + 2 + 3 + (p.encrypted ? 4 : 0);
  const pairUs = packetAirUs(p, p.llPayload) + 150 + packetAirUs(p, 0) + 150;
  const eventUs = Math.min(p.eventLengthMs ?? p.connIntervalMs, p.connIntervalMs) * 1000;
  const packetsPerEvent = Math.max(1, Math.min(p.packetsPerEventCap ?? Infinity, Math.floor(eventUs / pairUs)));
  const attPayload = p.attMtu - 3;
  const llPacketsPerPdu = llPacketsFor(p, attPayload);
  const effective = packetsPerEvent * (1 - (p.lossProbability ?? 0));
  const ciS = p.connIntervalMs / 1000;
  return {
    overheadBytes,
    pairUs,
    packetsPerEvent,
    attPayload,
    llPacketsPerPdu,
    streamingRate: ((effective / llPacketsPerPdu) * attPayload) / ciS,
    writeRequestRate: attPayload / (2 * ciS),
  };
}

/** Virtual time (ms) mapped onto real timers by `timeScale` (real ms per virtual ms). */
export class SimClock {
  readonly timeScale: number;
  private readonly origin = performance.now();

  constructor(timeScale = 1) {
    if (!(timeScale > 0)) throw new RangeError('timeScale must be > 0');
    this.timeScale = timeScale;
  }

  /** Virtual ms since the clock was made. */
  now(): number {
    return (performance.now() - this.origin) / this.timeScale;
  }

  /** Run `fn` after `virtualMs`; returns a cancel function. */
  after(virtualMs: number, fn: () => void): () => void {
    const t = setTimeout(fn, Math.max(0, virtualMs * this.timeScale));
    return () => clearTimeout(t);
  }

  /** Run `fn` at virtual time `at` (or now, if that has passed). */
  at(at: number, fn: () => void): () => void {
    return this.after(at - this.now(), fn);
  }

  sleep(virtualMs: number): Promise<void> {
    return new Promise((resolve) => this.after(virtualMs, resolve));
  }
}

export type Direction = 'toPeripheral' | 'toCentral';

interface Pdu {
  remaining: number;
  deliver: () => void;
}

export interface LinkStats {
  events: number;
  llPackets: number;
  llLost: number;
  pdus: Record<Direction, number>;
}

/**
 * One connection's link. `send()` queues an ATT PDU; `deliver` runs in the connection event that carries
 * its last LL packet (in order per direction). Both directions share events, like a real connection.
 */
export class Link {
  readonly params: LinkParams;
  readonly metrics: LinkMetrics;
  readonly clock: SimClock;
  readonly stats: LinkStats = { events: 0, llPackets: 0, llLost: 0, pdus: { toPeripheral: 0, toCentral: 0 } };
  private readonly random: () => number;
  private readonly queues: Record<Direction, Pdu[]> = { toPeripheral: [], toCentral: [] };
  private readonly anchor: number;
  private lastEvent: number;
  private cancelTimer: (() => void) | null = null;
  private closed = false;

  constructor(params: LinkParams, clock: SimClock, random: () => number = Math.random) {
    this.params = { ...params };
    this.metrics = linkMetrics(this.params);
    this.clock = clock;
    this.random = random;
    this.anchor = clock.now();
    this.lastEvent = 0;
  }

  get connIntervalMs(): number {
    return this.params.connIntervalMs;
  }

  /** Virtual time of connection event `k`. */
  eventTime(k: number): number {
    return this.anchor + k * this.params.connIntervalMs;
  }

  /** Queue an ATT PDU carrying `attValueBytes` (use 0 for empty PDUs like a write response). */
  send(direction: Direction, attValueBytes: number, deliver: () => void): void {
    if (this.closed) return;
    this.queues[direction].push({ remaining: llPacketsFor(this.params, attValueBytes), deliver });
    this.stats.pdus[direction] += 1;
    this.arm();
  }

  /** Resolves at the start of the next connection event (for control procedures like MTU exchange). */
  nextEvents(n: number): Promise<void> {
    const k =
      Math.max(this.lastEvent + 1, Math.ceil((this.clock.now() - this.anchor) / this.params.connIntervalMs)) + n - 1;
    return new Promise((resolve) => this.clock.at(this.eventTime(k), resolve));
  }

  /** Drop everything queued; nothing more is delivered. */
  close(): void {
    this.closed = true;
    this.queues.toPeripheral.length = 0;
    this.queues.toCentral.length = 0;
    this.cancelTimer?.();
    this.cancelTimer = null;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private pending(): boolean {
    return this.queues.toPeripheral.length > 0 || this.queues.toCentral.length > 0;
  }

  private arm(): void {
    if (this.cancelTimer || this.closed || !this.pending()) return;
    const k = Math.max(this.lastEvent + 1, Math.ceil((this.clock.now() - this.anchor) / this.params.connIntervalMs));
    // Events before k passed while nothing was queued: tick()'s catch-up must not replay them with
    // data queued since (that gave the link extra capacity after every idle gap).
    this.lastEvent = k - 1;
    this.cancelTimer = this.clock.at(this.eventTime(k), () => this.tick());
  }

  private tick(): void {
    this.cancelTimer = null;
    const current = Math.floor((this.clock.now() - this.anchor) / this.params.connIntervalMs + 1e-9);
    // Catch up on every event up to now (late timers), stopping early once nothing is queued.
    while (!this.closed && this.pending() && this.lastEvent < current) {
      this.lastEvent += 1;
      this.runEvent();
    }
    this.arm();
  }

  private runEvent(): void {
    this.stats.events += 1;
    const slots = this.metrics.packetsPerEvent;
    const loss = this.params.lossProbability ?? 0;
    const delivered: (() => void)[] = [];
    for (const direction of ['toPeripheral', 'toCentral'] as const) {
      const queue = this.queues[direction];
      for (let slot = 0; slot < slots && queue.length > 0; slot++) {
        this.stats.llPackets += 1;
        if (loss > 0 && this.random() < loss) {
          this.stats.llLost += 1;
          continue;
        }
        const head = queue[0]!;
        head.remaining -= 1;
        if (head.remaining === 0) {
          queue.shift();
          delivered.push(head.deliver);
        }
      }
    }
    for (const deliver of delivered) {
      if (this.closed) return;
      deliver();
    }
  }
}
