// SMP over UDP (Zephyr subsys/mgmt/mcumgr/transport/src/smp_udp.c): one whole SMP packet per datagram,
// both ways, to port 1337. There is no framing to undo, so the only checks are that a datagram is
// exactly one packet (header length + 8 = datagram size); anything else is dropped and counted.
//
// The socket is connected to the board's address, so the kernel delivers only that board's datagrams
// and turns an ICMP port-unreachable into ECONNREFUSED: a board that is up but does not run the UDP
// SMP server fails with a sentence at once instead of a silent timeout. UDP has no link to lose, so
// the transport only closes by close() or a socket error.
//
// Loss is the network's business: the SMP client times every request out and the uploader re-sends
// chunks by offset. What UDP adds is `resendsOnTimeout`: how often a request that timed out may be sent
// again as it is. Reads (params, image list, os info) and echo are idempotent; state writes, reset and
// erase are not sent blindly twice (the first may have worked and only its answer been lost): the
// caller reads the state first.
import { createSocket, type Socket } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { SmpTransport } from './smp-transport.ts';
import {
  UDP_OPEN_CANCELLED,
  udpClosed,
  udpEndpoint,
  udpHostNotFound,
  udpNothingAnswers,
  udpOpenTimedOut,
  udpSocketFailed,
} from './udp-transport-messages.ts';

export const SMP_UDP_PORT = 1337;

/**
 * Largest SMP packet when the board reports no MCUmgr params. Zephyr's CONFIG_MCUMGR_TRANSPORT_UDP_MTU
 * defaults to 1500 and is the board's receive buffer: a longer datagram is cut and fails to decode.
 * But 1500 bytes of UDP payload is 1528 (IPv4) or 1548 (IPv6) bytes on the wire, more than the usual
 * 1500-byte Ethernet/Wi-Fi MTU, so it would be IP-fragmented, and losing either fragment loses the
 * packet (small IP stacks often drop fragments outright). 1500 − 40 (IPv6 header) − 8 (UDP header) =
 * 1452 fits one frame on IPv4 and IPv6 alike and stays under the board's buffer.
 */
export const UDP_DEFAULT_MAX_PACKET = 1452;

/** Times an idempotent request (read, echo) is sent again after a timeout before it fails. */
export const UDP_IDEMPOTENT_RESENDS = 2;

/** The slice of node:dgram's Socket this transport uses (unit tests pass a fake: they open no sockets). */
export interface UdpSocketLike {
  connect(port: number, address: string, callback: () => void): void;
  send(data: Buffer, callback: (error: Error | null) => void): void;
  onMessage(listener: (data: Buffer) => void): void;
  onError(listener: (error: NodeJS.ErrnoException) => void): void;
  close(): void;
}

export interface UdpTransportOptions {
  host: string;
  port?: number;
  /** For resolving a host name (a literal address opens at once). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Tests: a fake socket instead of node:dgram. */
  createSocket?: (family: 4 | 6) => UdpSocketLike;
  /** Tests: a fake resolver instead of node:dns. */
  lookup?: (host: string) => Promise<{ address: string; family: number }>;
}

/** Counters for tests and the log. */
export interface UdpTransportStats {
  sent: number;
  received: number;
  /** Datagrams that were not exactly one SMP packet (garbage, cut, oversize, two packets glued). */
  dropped: number;
}

export interface UdpSmpTransport extends SmpTransport {
  readonly kind: 'udp';
  /** The resolved address the socket is connected to. */
  readonly address: string;
  readonly port: number;
  readonly stats: UdpTransportStats;
  /**
   * How many times a request that got no answer may be sent again unchanged: reads (op 0) and echo
   * (os group 0, id 0) UDP_IDEMPOTENT_RESENDS; every other write 0 (the SMP client must read the
   * state before repeating a state write, reset or erase; the uploader re-sends chunks by offset).
   */
  resendsOnTimeout(request: { op: number; group: number; id: number }): number;
}

/** Whether a datagram is exactly one SMP packet: 8-byte header whose length field covers the rest. */
export function isWholeSmpPacket(datagram: Buffer): boolean {
  return datagram.length >= 8 && datagram.length === 8 + datagram.readUInt16BE(2);
}

export function udpResendsOnTimeout(request: { op: number; group: number; id: number }): number {
  const read = request.op === 0;
  const echo = request.op === 2 && request.group === 0 && request.id === 0;
  return read || echo ? UDP_IDEMPOTENT_RESENDS : 0;
}

export async function openUdpSmpTransport(options: UdpTransportOptions): Promise<UdpSmpTransport> {
  const port = options.port ?? SMP_UDP_PORT;
  const { address, family } = await resolve(options);
  const socket = (options.createSocket ?? nodeUdpSocket)(family);
  const transport = new UdpTransport(socket, address, port);
  try {
    await new Promise<void>((resolveConnect, reject) => {
      const onAbort = () => reject(new Error(UDP_OPEN_CANCELLED));
      if (options.signal?.aborted) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      transport.connectOnce(() => {
        options.signal?.removeEventListener('abort', onAbort);
        resolveConnect();
      }, reject);
    });
  } catch (error) {
    await transport.close();
    throw error;
  }
  return transport;
}

async function resolve(options: UdpTransportOptions): Promise<{ address: string; family: 4 | 6 }> {
  const host = options.host.replace(/^\[(.*)\]$/, '$1');
  const literal = isIP(host);
  if (literal) return { address: host, family: literal === 6 ? 6 : 4 };
  if (options.signal?.aborted) throw new Error(UDP_OPEN_CANCELLED);
  const lookup = options.lookup ?? ((name: string) => dnsLookup(name));
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    const found = await Promise.race([
      lookup(host),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(udpOpenTimedOut(host, options.timeoutMs / 1000))), options.timeoutMs);
        onAbort = () => reject(new Error(UDP_OPEN_CANCELLED));
        options.signal?.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
    return { address: found.address, family: found.family === 6 ? 6 : 4 };
  } catch (error) {
    const message = (error as Error).message;
    if (message === UDP_OPEN_CANCELLED || message.startsWith('resolving ')) throw error;
    throw new Error(udpHostNotFound(host, (error as NodeJS.ErrnoException).code ?? message), { cause: error });
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
}

class UdpTransport implements UdpSmpTransport {
  readonly kind = 'udp' as const;
  readonly label: string;
  readonly defaultMaxPacket = UDP_DEFAULT_MAX_PACKET;
  readonly attMtu = null;
  readonly stats: UdpTransportStats = { sent: 0, received: 0, dropped: 0 };
  private closedReason: string | null = null;
  private readonly packetListeners = new Set<(packet: Buffer) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private connectFailed: ((error: Error) => void) | null = null;

  readonly address: string;
  readonly port: number;
  private readonly socket: UdpSocketLike;

  constructor(socket: UdpSocketLike, address: string, port: number) {
    this.socket = socket;
    this.address = address;
    this.port = port;
    this.label = `UDP ${udpEndpoint(address, port)}`;
    socket.onMessage((data) => this.receive(data));
    socket.onError((error) => this.socketError(error));
  }

  get connected(): boolean {
    return this.closedReason === null;
  }

  resendsOnTimeout(request: { op: number; group: number; id: number }): number {
    return udpResendsOnTimeout(request);
  }

  connectOnce(done: () => void, failed: (error: Error) => void): void {
    this.connectFailed = failed;
    this.socket.connect(this.port, this.address, () => {
      this.connectFailed = null;
      done();
    });
  }

  send(packet: Buffer): Promise<void> {
    if (this.closedReason !== null) return Promise.reject(new Error(this.closedReason));
    return new Promise((resolve, reject) => {
      this.socket.send(packet, (error) => {
        if (!error) {
          this.stats.sent += 1;
          return resolve();
        }
        // Linux reports an ICMP unreachable from an earlier datagram on the next send.
        const reason = this.reasonFor(error as NodeJS.ErrnoException);
        reject(new Error(reason));
        if (isRefused(error as NodeJS.ErrnoException)) this.shutDown(reason, true);
      });
    });
  }

  onPacket(listener: (packet: Buffer) => void): () => void {
    this.packetListeners.add(listener);
    return () => this.packetListeners.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.shutDown(udpClosed(udpEndpoint(this.address, this.port)), false);
  }

  private receive(datagram: Buffer): void {
    if (this.closedReason !== null) return;
    if (!isWholeSmpPacket(datagram)) {
      this.stats.dropped += 1;
      return;
    }
    this.stats.received += 1;
    for (const listener of [...this.packetListeners]) listener(datagram);
  }

  private socketError(error: NodeJS.ErrnoException): void {
    const reason = this.reasonFor(error);
    if (this.connectFailed) {
      const failed = this.connectFailed;
      this.connectFailed = null;
      failed(new Error(reason));
      return;
    }
    this.shutDown(reason, true);
  }

  private reasonFor(error: NodeJS.ErrnoException): string {
    if (isRefused(error)) return udpNothingAnswers(this.address, this.port);
    return udpSocketFailed(udpEndpoint(this.address, this.port), error.code ?? error.message);
  }

  private shutDown(reason: string, byItself: boolean): void {
    if (this.closedReason !== null) return;
    this.closedReason = reason;
    try {
      this.socket.close();
    } catch {
      // Already closed by the error that brought us here.
    }
    if (!byItself) return;
    for (const listener of [...this.closeListeners]) listener(reason);
  }
}

function isRefused(error: NodeJS.ErrnoException): boolean {
  return error.code === 'ECONNREFUSED';
}

function nodeUdpSocket(family: 4 | 6): UdpSocketLike {
  const socket: Socket = createSocket(family === 6 ? 'udp6' : 'udp4');
  return {
    connect: (port, address, callback) => socket.connect(port, address, callback),
    send: (data, callback) => socket.send(data, (error) => callback(error ?? null)),
    onMessage: (listener) => socket.on('message', (data) => listener(data)),
    onError: (listener) => socket.on('error', listener),
    close: () => socket.close(),
  };
}
