// A simulated ESPHome node with only native OTA (`ota: - platform: esphome`, no web server), the
// TCP server of components/esphome/ota/ota_esphome.cpp on port 3232 (ESP32) / 8266 (ESP8266):
//   magic (bad: 0x80) → 00 <version> → feature byte → 40 | 46 (gzip: ESP8266 backend only) | 48 <flags>
//   (extended, only when the client asks) → with a password: 02 + 64-hex nonce (SHA-256, current
//   firmware; a client that does not offer SHA-256 gets 0x82) or, with `auth: 'md5'`, 01 + 32-hex
//   nonce (firmware before SHA-256) → cnonce + hash, 0x82 and close on a mismatch → 41 → size (4 B BE)
//   → 42 (or not enough space) → MD5 hex → 43 → data, 47 per 8 KiB in v2 (and after the last
//   partial block) → 44 → MD5 check (0x8B on a mismatch) and image check (0x84) → 45 → reads the
//   client's 00 (not fatal when missing) → reboots 110 ms later. Any error byte closes the connection.
// mDNS: `_esphomelib._tcp` on the API port with the node's TXT; by test convention the image's
// `OTA_BENCH_VERSION=` marker becomes `project_version` after the reboot.
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { gunzipSync } from 'node:zlib';
import { findVersionMarker } from '../esp-image.ts';
import { HttpBoard, type HttpBoardOptions } from '../http-board.ts';
import { macFromAddress } from '../identity.ts';
import type { MdnsService } from '../mdns-responder.ts';

export interface EsphomeNativeBoardOptions extends HttpBoardOptions {
  name?: string;
  friendlyName?: string;
  mac?: string;
  platform?: 'ESP32' | 'ESP8266';
  board?: string;
  esphomeVersion?: string;
  projectName?: string;
  /** TXT `project_version` (null: not published). */
  projectVersion?: string | null;
  apiPort?: number;
  /** USE_OTA_VERSION: 2 acknowledges every block, 1 does not. */
  otaVersion?: 1 | 2;
  /** `ota: password:` (null: none). */
  password?: string | null;
  /** The challenge: SHA-256 (current firmware) or MD5 (firmware before SHA-256 auth). */
  auth?: 'sha256' | 'md5';
  /** Bytes the OTA partition can take. */
  freeSpace?: number;
  /** The board's flash garbles what it writes: the MD5 check at the end fails (0x8B). */
  corruptFlash?: boolean;
  /**
   * The link drops right after the last data byte arrived: the board still flashes and reboots (its
   * final words go nowhere; it does not need the client's last 00), the client never hears 44/45.
   */
  dropBeforeFinalWord?: boolean;
  /** Time the board takes before acknowledging each 8 KiB block (its flash write; 0: at once). */
  ackDelayMs?: number;
}

export interface NativeSession {
  features: number;
  compressed: boolean;
  auth: 'none' | 'sha256' | 'md5';
  outcome: 'applied' | 'refused' | 'dropped';
  errorByte: number | null;
  bytesReceived: number;
  acksSent: number;
  /** Time the board spent before its acknowledgements (ackDelayMs, as the timers really fired). */
  ackWaitMs: number;
}

const MAGIC = Buffer.from([0x6c, 0x26, 0xf7, 0x5c, 0x45]);
const BLOCK = 8192;

/** The firmware's reads: exact counts; null when the client went away or stayed silent too long. */
class Reader {
  private buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | null = null;
  readonly socket: net.Socket;
  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (data: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, data]);
      this.wake?.();
    });
    const end = () => {
      this.ended = true;
      this.wake?.();
    };
    socket.on('close', end);
    socket.on('end', end);
    socket.on('error', end);
  }
  get pending(): number {
    return this.buffer.length;
  }
  async read(count: number, timeoutMs: number, upTo = false): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.buffer.length < (upTo ? 1 : count)) {
      if (this.ended || Date.now() >= deadline) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    const take = Math.min(count, this.buffer.length);
    const out = this.buffer.subarray(0, take);
    this.buffer = this.buffer.subarray(take);
    return out;
  }
}

export class EsphomeNativeBoard extends HttpBoard {
  readonly kind = 'esphome-native';
  readonly hostname: string;
  readonly mac: string;
  readonly platform: 'ESP32' | 'ESP8266';
  friendlyName: string;
  board: string;
  esphomeVersion: string;
  projectName: string;
  projectVersion: string | null;
  apiPort: number;
  otaVersion: 1 | 2;
  /** Upload bytes of the current session read off the socket so far (what progress may claim, at most). */
  bytesReceivedNow = 0;
  password: string | null;
  auth: 'sha256' | 'md5';
  freeSpace: number;
  corruptFlash: boolean;
  dropBeforeFinalWord: boolean;
  ackDelayMs: number;
  readonly sessions: NativeSession[] = [];
  private staged: { version: string | null } | null = null;

  constructor(options: EsphomeNativeBoardOptions) {
    const platform = options.platform ?? 'ESP32';
    super({ ...options, port: options.port ?? (platform === 'ESP8266' ? 8266 : 3232) });
    this.platform = platform;
    this.mac = (options.mac ?? macFromAddress(options.address, 'A4CF12')).toUpperCase();
    this.hostname = options.name ?? `esphome-${this.mac.slice(-6).toLowerCase()}`;
    this.friendlyName = options.friendlyName ?? `Native node ${this.mac.slice(-4)}`;
    this.board = options.board ?? (platform === 'ESP32' ? 'esp32dev' : 'nodemcuv2');
    this.esphomeVersion = options.esphomeVersion ?? '2026.10.1';
    this.projectName = options.projectName ?? 'ota-bench.sim-native';
    this.projectVersion = options.projectVersion === undefined ? '1.0.0' : options.projectVersion;
    this.apiPort = options.apiPort ?? 6053;
    this.otaVersion = options.otaVersion ?? 2;
    this.password = options.password ?? null;
    this.auth = options.auth ?? 'sha256';
    this.freeSpace = options.freeSpace ?? (platform === 'ESP32' ? 0x140000 : 1_044_480);
    this.corruptFlash = options.corruptFlash ?? false;
    this.dropBeforeFinalWord = options.dropBeforeFinalWord ?? false;
    this.ackDelayMs = options.ackDelayMs ?? 0;
  }

  get firmwareVersion(): string | null {
    return this.projectVersion;
  }

  /** Only the ESP8266 backend inflates gzip (ota_backend_esp8266: supports_compression). */
  get takesGzip(): boolean {
    return this.platform === 'ESP8266';
  }

  protected mdnsServices(): MdnsService[] {
    const txt: Record<string, string> = {
      friendly_name: this.friendlyName,
      version: this.esphomeVersion,
      mac: this.mac.toLowerCase(),
      platform: this.platform,
      board: this.board,
      network: 'wifi',
      project_name: this.projectName,
    };
    if (this.projectVersion !== null) txt.project_version = this.projectVersion;
    return [{ type: '_esphomelib._tcp', instance: this.hostname, port: this.apiPort, txt }];
  }

  protected override onBoot(): void {
    if (this.staged) this.projectVersion = this.staged.version;
    this.staged = null;
  }

  protected handle(): void {
    throw new Error('ESPHome native OTA does not speak HTTP');
  }

  protected override createServer(): net.Server {
    // listen(1): one client at a time, as the firmware.
    return net.createServer((socket) => {
      socket.setNoDelay(true);
      this.session(socket).catch((error: Error) => this.reportFault(error));
    });
  }

  private async session(socket: net.Socket): Promise<void> {
    const reader = new Reader(socket);
    const record: NativeSession = {
      features: 0,
      compressed: false,
      auth: 'none',
      outcome: 'refused',
      errorByte: null,
      bytesReceived: 0,
      acksSent: 0,
      ackWaitMs: 0,
    };
    const fail = (byte: number) => {
      record.errorByte = byte;
      this.sessions.push(record);
      socket.end(Buffer.from([byte]));
    };
    const handshakeMs = 20_000;
    const magic = await reader.read(5, handshakeMs);
    if (!magic) return void socket.destroy(); // a port check or a scanner: nothing recorded
    if (!magic.equals(MAGIC)) return fail(0x80);
    socket.write(Buffer.from([0x00, this.otaVersion]));
    const features = await reader.read(1, handshakeMs);
    if (!features) return void socket.destroy();
    record.features = features[0]!;
    const gzip = (record.features & 0x01) !== 0 && this.takesGzip;
    if (record.features & 0x04) socket.write(Buffer.from([0x48, gzip ? 0x01 : 0x00]));
    else socket.write(Buffer.from([gzip ? 0x46 : 0x40]));
    if (this.password !== null) {
      const passed = await this.challenge(reader, record, fail);
      if (!passed) return;
    }
    socket.write(Buffer.from([0x41]));
    // The extended protocol sends the OTA type first; only 0 (the app) is taken here (no partition access).
    const otaType = record.features & 0x04 ? await reader.read(1, 90_000) : Buffer.from([0]);
    if (!otaType) return this.dropped(socket, record);
    const size = await reader.read(4, 90_000);
    if (!size) return this.dropped(socket, record);
    if (otaType[0] !== 0) return fail(0x8e);
    const otaSize = size.readUInt32BE(0);
    if (otaSize > this.freeSpace) return fail(this.platform === 'ESP8266' ? 0x88 : 0x89);
    socket.write(Buffer.from([0x42]));
    const md5 = await reader.read(32, 90_000);
    if (!md5) return this.dropped(socket, record);
    socket.write(Buffer.from([0x43]));
    const received = await this.receive(reader, socket, record, otaSize);
    if (!received) return this.dropped(socket, record);
    if (this.dropBeforeFinalWord) socket.destroy();
    else socket.write(Buffer.from([0x44]));
    const stored = this.corruptFlash ? Buffer.from(received.map((b, i) => (i === 100 ? b ^ 0xff : b))) : received;
    if (createHash('md5').update(stored).digest('hex') !== md5.toString('latin1')) return fail(0x8b);
    record.compressed = stored[0] === 0x1f && stored[1] === 0x8b;
    const image = record.compressed ? gunzipSync(stored) : stored;
    if (image[0] !== 0xe9) return fail(0x84);
    if (!socket.destroyed) socket.write(Buffer.from([0x45]));
    record.outcome = 'applied';
    this.sessions.push(record);
    this.staged = { version: findVersionMarker(image) };
    await reader.read(1, 2_000); // the client's 00: read, not required
    socket.end();
    void this.reboot({ delayMs: 110 });
  }

  private async challenge(reader: Reader, record: NativeSession, fail: (byte: number) => void): Promise<boolean> {
    const sha = this.auth === 'sha256';
    // Current firmware requires SHA-256 and refuses a client that does not offer it.
    if (sha && !(record.features & 0x02)) {
      fail(0x82);
      return false;
    }
    record.auth = this.auth;
    const hexLength = sha ? 64 : 32;
    const nonce = createHash(this.auth).update(randomBytes(8)).digest('hex').slice(0, hexLength);
    reader.socket.write(Buffer.concat([Buffer.from([sha ? 0x02 : 0x01]), Buffer.from(nonce)]));
    const answer = await reader.read(hexLength * 2, 20_000);
    if (!answer) {
      reader.socket.destroy();
      return false;
    }
    const cnonce = answer.subarray(0, hexLength).toString('latin1');
    const expected = createHash(this.auth)
      .update(this.password ?? '')
      .update(nonce)
      .update(cnonce)
      .digest('hex');
    if (answer.subarray(hexLength).toString('latin1') !== expected) {
      fail(0x82);
      return false;
    }
    return true;
  }

  /** The data phase: 1 KiB reads, one 0x47 per whole 8 KiB and one after the last bytes (v2). */
  private async receive(reader: Reader, socket: net.Socket, record: NativeSession, size: number) {
    const parts: Buffer[] = [];
    let total = 0;
    let acknowledged = 0;
    this.bytesReceivedNow = 0;
    while (total < size) {
      const chunk = await reader.read(Math.min(1024, size - total), 90_000, true);
      if (!chunk) return null;
      parts.push(chunk);
      total += chunk.length;
      record.bytesReceived = total;
      this.bytesReceivedNow = total;
      const drop = this.quirks.dropAfterBytes;
      if (drop !== null && total >= drop) {
        socket.destroy();
        return null;
      }
      if (this.otaVersion !== 2) continue;
      while (acknowledged + BLOCK <= total || (total === size && acknowledged < size)) {
        if (this.ackDelayMs > 0) {
          const waited = performance.now();
          await new Promise((resolve) => setTimeout(resolve, this.ackDelayMs));
          record.ackWaitMs += performance.now() - waited;
        }
        socket.write(Buffer.from([0x47]));
        record.acksSent += 1;
        acknowledged += BLOCK;
      }
    }
    return Buffer.concat(parts);
  }

  private dropped(socket: net.Socket, record: NativeSession): void {
    record.outcome = 'dropped';
    this.sessions.push(record);
    socket.destroy();
  }
}
