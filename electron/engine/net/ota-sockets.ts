// The sockets ArduinoOTA needs from the host (lan-protocols.md §5.1, §7.2): a UDP socket for the
// invitation and the password answer, and a TCP listener the board connects *back* to, bound to the
// local address the route to the board uses (a PC with Wi-Fi and Ethernet must listen on the NIC that
// faces the board, and must tell the board that NIC's port). Every wait here has a deadline.
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import net from 'node:net';

/** The board's IP address: replies and the connection back are matched against it, never a name. */
export async function boardAddress(host: string): Promise<string> {
  return net.isIP(host) ? host : (await lookup(host)).address;
}

/** The local address the kernel would send from to reach `host`: what the board can connect back to. */
export function localAddressFacing(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    // connect() on UDP sends nothing: it only asks the routing table which interface faces the board.
    socket.connect(port, host, () => {
      const { address } = socket.address();
      socket.close();
      resolve(address);
    });
  });
}

/** What arrives by itself (the board's datagrams, its connection back), taken one at a time with a deadline. */
class Arrivals<T> {
  private readonly items: T[] = [];
  private waiter: (() => void) | null = null;

  push(item: T): void {
    this.items.push(item);
    this.waiter?.();
  }

  /** Wakes a waiting `next` to look again (a socket error: it then finds nothing and times out or aborts). */
  nudge(): void {
    this.waiter?.();
  }

  /** Takes every item that is here now. */
  drain(): T[] {
    return this.items.splice(0);
  }

  /** The next item, or null after `timeoutMs` (or on abort). */
  async next(timeoutMs: number, signal: AbortSignal): Promise<T | null> {
    const deadline = Date.now() + timeoutMs;
    while (!this.items.length && Date.now() < deadline && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.waiter = null;
          resolve();
        };
        const timer = setTimeout(done, deadline - Date.now());
        signal.addEventListener('abort', done, { once: true });
        this.waiter = done;
      });
    }
    return this.items.shift() ?? null;
  }
}

/** One UDP conversation with the board: datagrams out, the board's replies (from any port of it) in. */
export class OtaDatagrams {
  private readonly socket: dgram.Socket;
  private readonly host: string;
  private readonly port: number;
  private readonly replies = new Arrivals<string>();

  private constructor(socket: dgram.Socket, host: string, port: number) {
    this.socket = socket;
    this.host = host;
    this.port = port;
    socket.on('message', (data, from) => {
      if (from.address !== host) return; // only the board's words count
      this.replies.push(data.toString('latin1'));
    });
    socket.on('error', () => this.replies.nudge());
  }

  static async open(localAddress: string, host: string, port: number): Promise<OtaDatagrams> {
    const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, localAddress, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new OtaDatagrams(socket, host, port);
  }

  send(text: string): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.send(Buffer.from(text, 'latin1'), this.port, this.host, (error) =>
        error ? reject(error) : resolve(),
      ),
    );
  }

  /** Drops replies that arrived before now (a late answer to an earlier attempt). */
  forget(): void {
    this.replies.drain();
  }

  /** The board's next reply, or null after `timeoutMs` (or on abort). */
  async next(timeoutMs: number, signal: AbortSignal): Promise<string | null> {
    return this.replies.next(timeoutMs, signal);
  }

  close(): void {
    this.socket.close();
  }
}

/** The TCP listener the board connects back to. */
export class OtaListener {
  private readonly server: net.Server;
  private readonly pending = new Arrivals<net.Socket>();

  readonly address: string;
  readonly port: number;

  private constructor(server: net.Server, address: string, port: number, board: string) {
    this.server = server;
    this.address = address;
    this.port = port;
    server.on('connection', (socket) => {
      // Only the board may pull the image: another host connecting to the port is turned away.
      if (socket.remoteAddress?.replace(/^::ffff:/, '') !== board) return void socket.destroy();
      this.pending.push(socket);
    });
  }

  /** Listens on `localAddress:port` (0: a free port the kernel picks). */
  static listen(localAddress: string, port: number, board: string): Promise<OtaListener> {
    const server = net.createServer();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: localAddress, port, exclusive: true }, () => {
        server.off('error', reject);
        const bound = server.address() as net.AddressInfo;
        resolve(new OtaListener(server, localAddress, bound.port, board));
      });
    });
  }

  /** The board's connection, or null after `timeoutMs` (or on abort). */
  async accept(timeoutMs: number, signal: AbortSignal): Promise<net.Socket | null> {
    return this.pending.next(timeoutMs, signal);
  }

  close(): void {
    for (const socket of this.pending.drain()) socket.destroy();
    this.server.close();
  }
}
