// SMP requests and responses over one SmpTransport (ble-protocols.md §1.1–1.3): BLE GATT, a serial
// console or UDP; the transport frames, fragments and reassembles, the client sees whole packets.
// Several requests may be in flight (the upload window); responses are matched by sequence number.
// No transport times out a pending reply, so every request carries its own timeout here, and a link
// that drops rejects everything pending at once.
import { decodeSmpPacket, type SmpHeader, type SmpVersion } from './smp-frame.ts';
import { checkResponse, encodeSmpRequest, SmpDeviceError, type CborMap, type SmpRequest } from './smp-messages.ts';
import type { SmpTransport, SmpTransportKind } from './smp-transport.ts';

/** No answer in time. Retried by the uploader; fatal elsewhere. */
export class SmpTimeoutError extends Error {
  readonly request: SmpRequest;
  constructor(request: SmpRequest, timeoutMs: number) {
    super(`the device did not answer ${request.what} within ${(timeoutMs / 1000).toFixed(1)} s`);
    this.name = 'SmpTimeoutError';
    this.request = request;
  }
}

/** What went down, in the words of the link that carried it. */
const LINK_LOST_WORDS: Record<SmpTransportKind, string> = {
  ble: 'the Bluetooth link dropped',
  serial: 'the serial port closed',
  udp: 'the UDP link was lost',
};

/** The link went down with requests pending (any transport; ESP BLE OTA uses it for its GATT link too). */
export class LinkLostError extends Error {
  readonly kind: SmpTransportKind;
  constructor(reason: string, kind: SmpTransportKind = 'ble') {
    super(`${LINK_LOST_WORDS[kind]}: ${reason}`);
    this.name = 'LinkLostError';
    this.kind = kind;
  }
}

interface Pending {
  request: SmpRequest;
  resolve(map: CborMap): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** mcumgr_err_t 13: the server does not speak the header version we sent (§1.3). */
const UNSUPPORTED_TOO_NEW = 13;

export class SmpClient {
  readonly transport: SmpTransport;
  private readonly pending = new Map<number, Pending>();
  private sequence = Math.floor(Math.random() * 256);
  private version: SmpVersion = 2;
  private lost: string | null = null;
  private readonly stopListening: Array<() => void> = [];
  /** Headers of answers, for tests and the log: which SMP version the device speaks. */
  lastResponseHeader: SmpHeader | null = null;

  constructor(transport: SmpTransport) {
    this.transport = transport;
    this.stopListening.push(
      transport.onPacket((packet) => this.onPacket(packet)),
      transport.onClose((reason) => this.fail(reason)),
    );
  }

  /**
   * Sends one request and resolves with its checked response map (UpdateError for a device error).
   * `maxResends` caps the transport's re-sends after a timeout (the params read: a board without the
   * command stays silent, and every open would wait for each re-send).
   */
  async request(request: SmpRequest, timeoutMs: number, maxResends = Infinity): Promise<CborMap> {
    try {
      return await this.sendResending(request, timeoutMs, maxResends);
    } catch (error) {
      // A v1-only server answers a v2 header with "too new": speak v1 from then on.
      if (
        error instanceof SmpDeviceError &&
        error.smp.shape === 1 &&
        error.smp.rc === UNSUPPORTED_TOO_NEW &&
        this.version === 2
      ) {
        this.version = 1;
        return this.send(request, timeoutMs);
      }
      throw error;
    }
  }

  /**
   * send(), sent again unchanged (new sequence number) after a timeout as often as the transport allows
   * for this request: UDP re-sends idempotent reads and echo; every other link, and every write, 0.
   */
  private async sendResending(request: SmpRequest, timeoutMs: number, maxResends: number): Promise<CborMap> {
    const resends = Math.min(maxResends, this.transport.resendsOnTimeout?.(request) ?? 0);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send(request, timeoutMs);
      } catch (error) {
        if (!(error instanceof SmpTimeoutError) || attempt >= resends) throw error;
      }
    }
  }

  /**
   * Queues one request without waiting for earlier ones: its fragments go out back to back (never
   * interleaved with another packet's, §1.1), and its answer is matched by sequence number.
   */
  send(request: SmpRequest, timeoutMs: number): Promise<CborMap> {
    if (this.lost !== null) return Promise.reject(new LinkLostError(this.lost, this.transport.kind));
    const sequence = this.nextSequence();
    const packet = encodeSmpRequest(request, sequence, this.version);
    return new Promise<CborMap>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(sequence);
        // Nothing else is waiting, so bytes held back for an unfinished packet are stale (a packet
        // that announced more than it carried); without this they would swallow every later answer.
        if (this.pending.size === 0) this.transport.discardPartial?.();
        reject(new SmpTimeoutError(request, timeoutMs));
      }, timeoutMs);
      this.pending.set(sequence, { request, resolve, reject, timer });
      this.transport.send(packet).catch((error: Error) => {
        // A write that failed because the link is gone (a pulled cable fails the write with EIO before
        // the port reports its close) is a lost link for everything pending, which the uploader and the
        // job resume from; any other write error belongs to this request alone.
        if (!this.transport.connected) this.fail(error.message);
        else this.settle(sequence, error);
      });
    });
  }

  /** Requests waiting for an answer. */
  get inFlight(): number {
    return this.pending.size;
  }

  close(): void {
    for (const stop of this.stopListening) stop();
    this.fail('the session was closed');
  }

  private nextSequence(): number {
    for (let tries = 0; tries < 256; tries++) {
      this.sequence = (this.sequence + 1) & 0xff;
      if (!this.pending.has(this.sequence)) return this.sequence;
    }
    throw new Error('256 SMP requests in flight');
  }

  private onPacket(data: Buffer): void {
    let packets;
    try {
      packets = [decodeSmpPacket(data)];
    } catch {
      // Garbage that is not an SMP packet: nothing pending can be matched to it; timeouts retry.
      return;
    }
    for (const packet of packets) {
      this.lastResponseHeader = packet.header;
      const entry = this.pending.get(packet.header.sequence);
      if (!entry) continue; // an answer to a request we already gave up on
      const { request } = entry;
      if (
        packet.header.group !== request.group ||
        packet.header.id !== request.id ||
        packet.header.op !== request.op + 1
      )
        continue;
      try {
        this.settle(packet.header.sequence, null, checkResponse(packet, request));
      } catch (error) {
        this.settle(packet.header.sequence, error as Error);
      }
    }
  }

  private settle(sequence: number, error: Error | null, map?: CborMap): void {
    const entry = this.pending.get(sequence);
    if (!entry) return;
    this.pending.delete(sequence);
    clearTimeout(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve(map!);
  }

  private fail(reason: string): void {
    if (this.lost !== null) return;
    this.lost = reason;
    for (const sequence of [...this.pending.keys()])
      this.settle(sequence, new LinkLostError(reason, this.transport.kind));
  }
}
