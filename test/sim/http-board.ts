// Base class for simulated boards that take firmware over HTTP: the server lifecycle, reboots
// (offline, maybe back on another IP), mDNS, the record of received images and the network quirks
// every board can show. Subclasses implement the firmware's routes and publish their services.
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Server, Socket } from 'node:net';
import { assertPrivateNetwork } from '../support/netns-guard.ts';
import { MdnsResponder, type MdnsService } from './mdns-responder.ts';
import { emulateWifiLink } from './wifi-link.ts';
import {
  DEFAULT_QUIRKS,
  type BoardQuirks,
  type BoardState,
  type HttpBoardOptions,
  type ReceivedImage,
  type RebootOptions,
} from './board-types.ts';

export * from './board-types.ts';

/**
 * Events: `online` (address), `offline`, `dead` (stayed down: neverComesBack), `upload` (ReceivedImage),
 * `request` ({ method, url }), `fault` (Error: a simulator bug or socket error).
 */
export abstract class HttpBoard extends EventEmitter {
  abstract readonly kind: string;
  /** mDNS host name without `.local`. */
  abstract readonly hostname: string;
  address: string;
  readonly port: number;
  quirks: BoardQuirks;
  state: BoardState = 'stopped';
  readonly uploads: ReceivedImage[] = [];
  bootCount = 0;
  bootedAt = Date.now();
  protected mdns: MdnsResponder | null = null;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  /** Bytes the firmware took off closed connections (see networkBytesRead). */
  private closedBytesRead = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private rebooting: Promise<void> | null = null;
  /** Settles a pending reboot() when stop() cancels it, so nobody waits forever. */
  private settleReboot: (() => void) | null = null;
  /** Bumped by stop(): a reboot that started before must not bring the board back afterwards. */
  private power = 0;
  private readonly mdnsEnabled: boolean;
  private readonly mdnsTtl: number;
  private readonly announceIntervalMs: number;
  private readonly announceCount: number;

  constructor(options: HttpBoardOptions) {
    super();
    this.address = options.address;
    this.port = options.port ?? 80;
    this.mdnsEnabled = options.mdns ?? true;
    this.mdnsTtl = options.mdnsTtl ?? 120;
    this.announceIntervalMs = options.announceIntervalMs ?? 1000;
    this.announceCount = options.announceCount ?? 2;
    const quirks: Partial<BoardQuirks> = {};
    for (const key of Object.keys(DEFAULT_QUIRKS) as Array<keyof BoardQuirks>) {
      if (options[key] !== undefined) Object.assign(quirks, { [key]: options[key] });
    }
    this.quirks = { ...DEFAULT_QUIRKS, ...quirks };
  }

  /** Firmware version as the board would report it (null when it cannot tell). */
  abstract get firmwareVersion(): string | null;
  /** The services the board publishes right now. */
  protected abstract mdnsServices(): MdnsService[];
  protected abstract handle(request: IncomingMessage, response: ServerResponse): void | Promise<void>;
  /** Called on every boot after a reboot, before coming online: apply staged firmware, arm timers. */
  protected onBoot(): void {}

  get url(): string {
    return `http://${this.address}${this.port === 80 ? '' : `:${this.port}`}`;
  }

  /**
   * Every byte the board has taken out of its TCP stack so far (headers included): what it has
   * received, as opposed to what a sender's kernel has accepted. Reads are paced by the body
   * quirks, so on a throttled board this is the board's progress.
   */
  get networkBytesRead(): number {
    let total = this.closedBytesRead;
    for (const socket of this.sockets) total += socket.bytesRead;
    return total;
  }

  get uptimeSeconds(): number {
    return Math.floor((Date.now() - this.bootedAt) / 1000);
  }

  setQuirks(quirks: Partial<BoardQuirks>): void {
    Object.assign(this.quirks, quirks);
  }

  async start(): Promise<void> {
    assertPrivateNetwork('a simulated board');
    emulateWifiLink();
    if (this.state === 'online') return;
    this.bootedAt = Date.now();
    await this.goOnline();
  }

  /** Powers the board off: closes the server and every open connection, says goodbye on mDNS. */
  async stop(): Promise<void> {
    this.power += 1;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.rebooting = null;
    this.settleReboot?.();
    this.settleReboot = null;
    await this.goOffline(true);
    this.state = 'stopped';
  }

  /**
   * Reboots: stays up for `delayMs` (to finish the reply), goes offline, comes back after `bootMs`
   * (possibly on `newAddress`). Resolves once back online, or once it is known to stay down.
   */
  reboot(options: RebootOptions = {}): Promise<void> {
    if (this.rebooting) return this.rebooting;
    const delayMs = options.delayMs ?? this.quirks.rebootDelayMs;
    const power = this.power;
    this.rebooting = new Promise<void>((resolve) => {
      this.settleReboot = resolve;
      this.later(delayMs, async () => {
        this.state = 'rebooting';
        await this.goOffline(this.quirks.goodbyeOnReboot);
        if (power !== this.power) return; // stopped meanwhile
        this.emit('offline');
        this.later(options.bootMs ?? this.quirks.bootMs, async () => {
          this.rebooting = null;
          if (this.quirks.neverComesBack) {
            this.state = 'dead';
            this.emit('dead');
            return resolve();
          }
          this.address = options.newAddress ?? this.quirks.newAddressOnReboot ?? this.address;
          this.bootCount += 1;
          this.bootedAt = Date.now();
          this.onBoot();
          await this.goOnline().catch((error: Error) => this.reportFault(error));
          resolve();
        });
      });
    });
    return this.rebooting;
  }

  /** A timer that `stop()` cancels. */
  protected later(ms: number, action: () => void | Promise<void>): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void action();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  protected cancel(timer: NodeJS.Timeout | null): void {
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  /** Re-publishes the mDNS records (after a TXT change). */
  protected refreshMdns(): void {
    this.mdns?.setServices(this.mdnsServices());
  }

  protected recordUpload(
    request: IncomingMessage,
    part: { name: string; filename: string | undefined; data: Buffer },
    outcome: ReceivedImage['outcome'],
    message: string,
  ): ReceivedImage {
    const image: ReceivedImage = {
      field: part.name,
      filename: part.filename,
      data: part.data,
      size: part.data.length,
      sha256: createHash('sha256').update(part.data).digest('hex'),
      headers: request.headers,
      at: Date.now(),
      outcome,
      message,
    };
    this.uploads.push(image);
    this.emit('upload', image);
    return image;
  }

  /** Writes a complete response the way small embedded servers do: no Date header, no keep-alive. */
  protected send(
    response: ServerResponse,
    status: number,
    headers: Record<string, string>,
    body: string | Buffer,
  ): void {
    response.sendDate = false;
    response.shouldKeepAlive = false;
    response.writeHead(status, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
    response.end(body);
  }

  /** Junk for `garbageResponses`: not JSON, not HTML, not what any client expects. */
  protected sendGarbage(response: ServerResponse): void {
    this.send(
      response,
      200,
      { 'Content-Type': 'application/json' },
      Buffer.from('\u0000\u00ff{"id":<garbage>\r\n\u0007', 'latin1'),
    );
  }

  /**
   * The server the board listens with, made at every boot. The default is a Node HTTP/1.1 server
   * that calls `handle()`; a board whose firmware speaks HTTP differently (esp-link's HTTP/1.0)
   * returns its own `net.Server`. Connections are tracked and closed by the base class either way.
   */
  protected createServer(): Server {
    // A small highWaterMark: the firmware holds about one TCP segment, not 64 KiB of read-ahead, so
    // a paced board stops taking bytes from the network as soon as it falls behind (as lwIP does).
    const server = http.createServer({ requestTimeout: 0, highWaterMark: 1460 }, (request, response) =>
      this.dispatch(request, response),
    );
    // Embedded servers do not send `100 Continue`: the body is simply read when it comes.
    server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) =>
      this.dispatch(request, response),
    );
    return server;
  }

  private async goOnline(): Promise<void> {
    const server = this.createServer();
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => {
        if (this.sockets.delete(socket)) this.closedBytesRead += socket.bytesRead;
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: this.port, host: this.address, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.state = 'online';
    if (this.mdnsEnabled) {
      this.mdns = new MdnsResponder({
        host: this.hostname,
        address: this.address,
        services: this.mdnsServices(),
        ttl: this.mdnsTtl,
        announceIntervalMs: this.announceIntervalMs,
        announceCount: this.announceCount,
      });
      this.mdns.on('error', (error: Error) => this.reportFault(error));
      await this.mdns.start();
    }
    this.emit('online', this.address);
  }

  private async goOffline(goodbye: boolean): Promise<void> {
    const mdns = this.mdns;
    this.mdns = null;
    await mdns?.stop({ goodbye });
    const server = this.server;
    this.server = null;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) {
      this.closedBytesRead += socket.bytesRead;
      socket.destroy();
    }
    this.sockets.clear();
    await closed;
  }

  /** Simulator bugs and socket errors: an event (never 'error', which would crash an unwatched board). */
  protected reportFault(error: Error): void {
    if (this.listenerCount('fault') > 0) this.emit('fault', error);
    else console.error(`[sim ${this.hostname}]`, error);
  }

  private dispatch(request: IncomingMessage, response: ServerResponse): void {
    this.emit('request', { method: request.method, url: request.url });
    Promise.resolve(this.handle(request, response)).catch((error: Error) => {
      this.reportFault(error);
      if (!response.headersSent) this.send(response, 500, { 'Content-Type': 'text/plain' }, 'simulator error\r\n');
    });
  }
}
