// A pretend UDP network for unit tests (they open no sockets): the transport's socket is a fake that
// hands datagrams to a simulated board's pump (test/sim/smp/board-pump.ts) and back, losing,
// duplicating or reordering them on demand.
import type { UdpSocketLike } from '../../../electron/engine/smp/udp-transport.ts';
import { SmpBoardPump } from '../../sim/smp/board-pump.ts';
import type { SmpServerOptions } from '../../sim/smp/smp-server.ts';

export class FakeUdpSocket implements UdpSocketLike {
  connectedTo: { address: string; port: number } | null = null;
  closed = false;
  readonly sent: Buffer[] = [];
  private messageListener: ((data: Buffer) => void) | null = null;
  private errorListener: ((error: NodeJS.ErrnoException) => void) | null = null;
  /** The next send's callback gets this error (e.g. ECONNREFUSED from an earlier ICMP). */
  nextSendError: string | null = null;
  onSend: (data: Buffer) => void = () => {};

  connect(port: number, address: string, callback: () => void): void {
    this.connectedTo = { address, port };
    setImmediate(callback);
  }

  send(data: Buffer, callback: (error: Error | null) => void): void {
    const code = this.nextSendError;
    this.nextSendError = null;
    if (code) {
      setImmediate(() => callback(errno(code)));
      return;
    }
    this.sent.push(Buffer.from(data));
    setImmediate(() => {
      callback(null);
      this.onSend(Buffer.from(data));
    });
  }

  onMessage(listener: (data: Buffer) => void): void {
    this.messageListener = listener;
  }

  onError(listener: (error: NodeJS.ErrnoException) => void): void {
    this.errorListener = listener;
  }

  close(): void {
    this.closed = true;
  }

  /** A datagram arrives from the board. */
  deliver(datagram: Buffer): void {
    if (!this.closed) this.messageListener?.(datagram);
  }

  /** The kernel reports a socket error (ECONNREFUSED after an ICMP port unreachable). */
  fail(code: string): void {
    this.errorListener?.(errno(code));
  }
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code} (fake)`), { code });
}

export interface NetworkFaults {
  /** Lose every Nth datagram, either way (0 = none). */
  loseEveryNth: number;
}

/** One fake socket wired to one simulated board. */
export class FakeUdpNetwork {
  readonly socket = new FakeUdpSocket();
  readonly board: SmpBoardPump;
  readonly faults: NetworkFaults = { loseEveryNth: 0 };
  datagrams = 0;
  lost = 0;

  constructor(options: SmpServerOptions) {
    this.board = new SmpBoardPump({ bufSize: 2048, ...options });
    this.socket.onSend = (request) => {
      if (this.loses()) return;
      this.board.receive(request, (answer) => {
        if (!this.loses()) setImmediate(() => this.socket.deliver(answer));
      });
    };
  }

  private loses(): boolean {
    this.datagrams += 1;
    const nth = this.faults.loseEveryNth;
    if (nth > 0 && this.datagrams % nth === 0) {
      this.lost += 1;
      return true;
    }
    return false;
  }
}
