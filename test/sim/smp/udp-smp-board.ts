// A simulated Zephyr board speaking SMP over UDP (subsys/mgmt/mcumgr/transport/src/smp_udp.c): one whole
// SMP packet per datagram, answers to the sender's address and port. Datagrams that are not exactly one
// packet are ignored like the real transport does (it cannot decode them). Runs the shared SMP server
// (smp-server.ts) in a real build's mode; faults on demand through `board.faults`.
//
//   const board = await UdpSmpBoard.start({ initialImage, mode: 'zephyr-swap', port: 0 });
//   board.url  // "udp://127.0.0.1:40123"
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { SmpBoardPump, type SmpBoardCounters, type SmpBoardFaults } from './board-pump.ts';
import type { SmpServer, SmpServerOptions } from './smp-server.ts';

export interface UdpSmpBoardOptions extends SmpServerOptions {
  /** Address to listen on (default 127.0.0.1; "::1" for IPv6). */
  host?: string;
  /** Default 1337 (CONFIG_MCUMGR_TRANSPORT_UDP_PORT); 0 = any free port. */
  port?: number;
}

export class UdpSmpBoard {
  readonly host: string;
  port = 0;
  private readonly pump: SmpBoardPump;
  private readonly socket: Socket;
  /** Datagrams that were not exactly one SMP packet. */
  droppedGarbage = 0;
  private lastClient: RemoteInfo | null = null;

  private constructor(options: UdpSmpBoardOptions) {
    this.host = options.host ?? '127.0.0.1';
    // Zephyr's MCUMGR_TRANSPORT_NETBUF_SIZE defaults to 2048 when the UDP transport is on; a real
    // build's mode keeps that build's own size.
    this.pump = new SmpBoardPump({ bufSize: options.mode ? undefined : 2048, ...options });
    this.socket = createSocket(this.host.includes(':') ? 'udp6' : 'udp4');
    this.socket.on('message', (datagram, from) => this.receive(datagram, from));
  }

  static async start(options: UdpSmpBoardOptions): Promise<UdpSmpBoard> {
    const board = new UdpSmpBoard(options);
    await new Promise<void>((resolve, reject) => {
      board.socket.once('error', reject);
      board.socket.bind(options.port ?? 1337, board.host, () => {
        board.socket.off('error', reject);
        resolve();
      });
    });
    board.port = board.socket.address().port;
    return board;
  }

  get server(): SmpServer {
    return this.pump.server;
  }

  get faults(): SmpBoardFaults {
    return this.pump.faults;
  }

  get counters(): SmpBoardCounters {
    return this.pump.counters;
  }

  /** "udp://127.0.0.1:1337" / "udp://[::1]:1337": what addDevice takes. */
  get url(): string {
    return `udp://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  /** Power-cycle now; the board answers nothing until the boot (`bootMs`, default the server's) is over. */
  reboot(bootMs?: number): void {
    this.pump.reboot(bootMs);
  }

  /** Sends raw bytes (garbage, a cut packet) to whoever sent the last request. */
  sendToLastClient(datagram: Buffer): void {
    if (this.lastClient) this.socket.send(datagram, this.lastClient.port, this.lastClient.address);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private receive(datagram: Buffer, from: RemoteInfo): void {
    this.lastClient = from;
    if (datagram.length < 8 || datagram.length !== 8 + datagram.readUInt16BE(2)) {
      this.droppedGarbage += 1;
      return;
    }
    this.pump.receive(datagram, (answer) => {
      this.socket.send(answer, from.port, from.address);
    });
  }
}
