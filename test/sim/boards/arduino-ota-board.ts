// A simulated ArduinoOTA sketch (fleet-history-and-more.md §4, lan-protocols.md §5), ESP32 or
// ESP8266, with the firmware's real behaviour: the invitation parsed like Stream::parseInt (a wrong
// command or an MD5 that is not 32 characters is dropped without a word), the classic MD5 password
// challenge or arduino-esp32 ≥ 3.3.1's PBKDF2-HMAC-SHA256 one (a failed answer sends the board back
// to idle, so the host must invite again), the TCP connection *back* to the host, one undelimited
// decimal ack per read, the MD5 check at the end, `OK` or the Updater's error text, then a restart
// with a fresh `_arduino._tcp` announcement. Quirks: a board that never connects back, a link that
// drops after N bytes, flash that corrupts what it writes (MD5 Check Failed).
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { assertPrivateNetwork } from '../../support/netns-guard.ts';
import { findVersionMarker } from '../esp-image.ts';
import { macFromAddress } from '../identity.ts';
import { MdnsResponder } from '../mdns-responder.ts';
import { emulateWifiLink } from '../wifi-link.ts';

export interface ArduinoOtaBoardOptions {
  address: string;
  platform?: 'ESP32' | 'ESP8266';
  /** UDP port (default 3232 on ESP32, 8266 on ESP8266). */
  port?: number;
  hostname?: string;
  /** TXT `board` (default `esp32` / `generic`). */
  board?: string;
  /** ArduinoOTA.setPassword(); null: none. */
  password?: string | null;
  /** ESP32 only: core ≥ 3.3.1 (64-hex nonce, PBKDF2) or older (32-hex MD5). Default ≥ 3.3.1. */
  esp32Core?: '3.3' | '3.2';
  /** ≥ 3.3.1: the hash it keeps (setPassword: SHA-256; setPasswordHash with an MD5 hash: md5). */
  storedHash?: 'sha256' | 'md5';
  /** Bytes the OTA partition takes (default 1.25 MiB / ~1 MB). */
  freeSpace?: number;
  /** Version it runs at first (the sim's own record; ArduinoOTA does not announce one). */
  version?: string | null;
  neverConnectsBack?: boolean;
  /** Closes the TCP link after this many image bytes. */
  dropAfterBytes?: number | null;
  /** Flash returns other bytes than written: the MD5 check fails. */
  corruptFlash?: boolean;
  /** Flash write time per received piece before its ack goes out (default 0; the benchmark's board). */
  writeMsPerPiece?: number;
  /** Time offline while restarting (default 600 ms). */
  bootMs?: number;
  announceIntervalMs?: number;
}

type State = 'idle' | 'waitauth' | 'runupdate';

interface Invitation {
  command: number;
  hostPort: number;
  size: number;
  md5: string;
  host: string;
  replyPort: number;
}

const md5hex = (text: string | Buffer) => createHash('md5').update(text).digest('hex');
const sha256hex = (text: string) => createHash('sha256').update(text).digest('hex');

/** Stream::parseInt: skips anything before the digits, reads them; -1 when none (Arduino returns 0). */
function parseInts(text: string): { value: number; rest: string } | null {
  const match = /^[^0-9-]*(-?\d{1,15})/.exec(text);
  if (!match) return null;
  return { value: Number(match[1]), rest: text.slice(match[0].length) };
}

/** Events: `invitation` (raw text), `dropped` (why), `auth` ('ok' | 'failed'), `connected`, `update` ({ ok, message }), `online`, `offline`. */
export class ArduinoOtaBoard extends EventEmitter {
  readonly kind = 'arduino-ota';
  readonly platform: 'ESP32' | 'ESP8266';
  readonly port: number;
  readonly hostname: string;
  readonly mac: string;
  address: string;
  board: string;
  password: string | null;
  esp32Core: '3.3' | '3.2';
  storedHash: 'sha256' | 'md5';
  freeSpace: number;
  version: string | null;
  neverConnectsBack: boolean;
  dropAfterBytes: number | null;
  corruptFlash: boolean;
  bootMs: number;
  writeMsPerPiece: number;
  /** Per update: the time its acks waited for the simulated flash, as the timers really took (the ack-bound floor). */
  readonly ackWaits: number[] = [];
  bootCount = 0;
  /** host:port of every connection back it made (the port the invitation named). */
  readonly connectedTo: string[] = [];
  readonly received: Array<{ size: number; md5: string; sha256: string; outcome: string; command?: number }> = [];
  /** Image bytes of the current upload written and acknowledged so far (what progress may claim, at most). */
  bytesAcknowledged = 0;
  private state: State = 'idle';
  private nonce = '';
  private pending: Invitation | null = null;
  private udp: dgram.Socket | null = null;
  private mdns: MdnsResponder | null = null;
  private readonly announceIntervalMs: number;
  private readonly timers = new Set<NodeJS.Timeout>();
  private client: net.Socket | null = null;

  constructor(options: ArduinoOtaBoardOptions) {
    super();
    this.address = options.address;
    this.platform = options.platform ?? 'ESP32';
    const esp32 = this.platform === 'ESP32';
    this.port = options.port ?? (esp32 ? 3232 : 8266);
    this.mac = macFromAddress(options.address, esp32 ? '240AC4' : '5CCF7F').toLowerCase();
    this.hostname = options.hostname ?? (esp32 ? `esp32-${this.mac}` : `esp8266-${this.mac.slice(-6)}`);
    this.board = options.board ?? (esp32 ? 'esp32' : 'generic');
    this.password = options.password ?? null;
    this.esp32Core = options.esp32Core ?? '3.3';
    this.storedHash = options.storedHash ?? 'sha256';
    this.freeSpace = options.freeSpace ?? (esp32 ? 0x140000 : 1_044_480);
    this.version = options.version ?? '1.0.0';
    this.neverConnectsBack = options.neverConnectsBack ?? false;
    this.dropAfterBytes = options.dropAfterBytes ?? null;
    this.corruptFlash = options.corruptFlash ?? false;
    this.bootMs = options.bootMs ?? 600;
    this.writeMsPerPiece = options.writeMsPerPiece ?? 0;
    this.announceIntervalMs = options.announceIntervalMs ?? 200;
  }

  /** The new scheme: ESP32 on core ≥ 3.3.1. ESP8266 is MD5 only. */
  get usesPbkdf2(): boolean {
    return this.platform === 'ESP32' && this.esp32Core === '3.3';
  }

  async start(): Promise<void> {
    assertPrivateNetwork('a simulated ArduinoOTA board');
    // The board's end of the upload is a TCP client; lwIP's 5,744-byte window holds for it as for the HTTP boards.
    emulateWifiLink();
    const udp = dgram.createSocket({ type: 'udp4', reuseAddr: false });
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(this.port, this.address, () => resolve());
    });
    udp.on('message', (data, from) => this.onDatagram(data.toString('latin1'), from));
    this.udp = udp;
    this.mdns = new MdnsResponder({
      host: this.hostname,
      address: this.address,
      announceIntervalMs: this.announceIntervalMs,
      services: [
        {
          type: '_arduino._tcp',
          instance: this.hostname,
          port: this.port,
          // MDNS.enableArduino(port, auth): the real keys, in this order.
          txt: {
            tcp_check: 'no',
            ssh_upload: 'no',
            board: this.board,
            auth_upload: this.password ? 'yes' : 'no',
          },
        },
      ],
    });
    await this.mdns.start();
    this.state = 'idle';
    this.emit('online', this.address);
  }

  /** Power off: no goodbye (a restarting ESP just vanishes). */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.client?.destroy();
    this.client = null;
    this.udp?.close();
    this.udp = null;
    await this.mdns?.stop({ goodbye: false });
    this.mdns = null;
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private reply(text: string, to: { address: string; port: number }): void {
    this.udp?.send(Buffer.from(text, 'latin1'), to.port, to.address);
  }

  private onDatagram(text: string, from: dgram.RemoteInfo): void {
    if (this.state === 'idle') return this.onInvitation(text, from);
    if (this.state === 'waitauth') return this.onAuth(text, from);
    // RUNUPDATE: the sketch's handle() is busy with the update; datagrams wait unread.
  }

  private onInvitation(text: string, from: dgram.RemoteInfo): void {
    this.emit('invitation', text);
    const command = parseInts(text);
    if (!command || (command.value !== 0 && command.value !== 100)) return void this.emit('dropped', 'command');
    const hostPort = parseInts(command.rest);
    const size = hostPort && parseInts(hostPort.rest);
    if (!hostPort || !size) return void this.emit('dropped', 'numbers');
    const md5 = size.rest.slice(1).split('\n')[0]!.trim();
    if (md5.length !== 32) return void this.emit('dropped', 'bad md5 length');
    this.pending = {
      command: command.value,
      hostPort: hostPort.value,
      size: size.value,
      md5,
      host: from.address,
      replyPort: from.port,
    };
    if (this.password) {
      this.nonce = this.usesPbkdf2 ? randomBytes(32).toString('hex') : md5hex(String(process.hrtime.bigint()));
      this.state = 'waitauth';
      return this.reply(`AUTH ${this.nonce}`, from);
    }
    this.state = 'runupdate';
    if (this.platform === 'ESP32') this.reply('OK', from);
    this.runUpdate(from);
  }

  private expectedResponse(cnonce: string): string {
    const password = this.password ?? '';
    if (!this.usesPbkdf2) return md5hex(`${md5hex(password)}:${this.nonce}:${cnonce}`);
    const stored = this.storedHash === 'sha256' ? sha256hex(password) : md5hex(password);
    const key = pbkdf2Sync(stored, `${this.nonce}:${cnonce}`, 10_000, 32, 'sha256').toString('hex');
    return sha256hex(`${key}:${this.nonce}:${cnonce}`);
  }

  private onAuth(text: string, from: dgram.RemoteInfo): void {
    const command = parseInts(text);
    if (!command || command.value !== 200) {
      this.state = 'idle';
      return void this.emit('dropped', 'not an auth reply');
    }
    const [cnonce = '', response = ''] = command.rest.slice(1).split('\n')[0]!.split(' ');
    const length = this.usesPbkdf2 ? 64 : 32;
    if (cnonce.length !== length || response.trim().length !== length) {
      this.state = 'idle';
      return void this.emit('dropped', 'auth param fail');
    }
    if (this.expectedResponse(cnonce) !== response.trim()) {
      this.state = 'idle';
      this.emit('auth', 'failed');
      return this.reply('Authentication Failed', from);
    }
    this.emit('auth', 'ok');
    this.state = 'runupdate';
    if (this.platform === 'ESP32') this.reply('OK', from);
    this.runUpdate(from);
  }

  private updaterError(code: number, text: string): string {
    // ESP8266 prints "ERROR[n]: text", ESP32 only the text (Update.printError).
    return this.platform === 'ESP8266' ? `ERROR[${code}]: ${text}\r\n` : `${text}\r\n`;
  }

  private runUpdate(from: dgram.RemoteInfo): void {
    const invitation = this.pending!;
    if (invitation.size > this.freeSpace) {
      this.state = 'idle';
      // ESP32 says nothing when Update.begin() fails; ESP8266 answers the invitation with the error.
      if (this.platform === 'ESP8266') this.reply(`ERR: ${this.updaterError(4, 'Not Enough Space').trim()}`, from);
      return;
    }
    if (this.platform === 'ESP8266') this.reply('OK', from);
    if (this.neverConnectsBack) {
      // A host firewall drops the SYN: the connect fails and the sketch goes back to idle.
      this.later(1000, () => (this.state = 'idle'));
      return;
    }
    this.later(this.platform === 'ESP8266' ? 100 : 0, () => this.connectBack(invitation));
  }

  private connectBack(invitation: Invitation): void {
    this.connectedTo.push(`${invitation.host}:${invitation.hostPort}`);
    this.ackWaits.push(0);
    const client = net.connect({ host: invitation.host, port: invitation.hostPort, localAddress: this.address });
    this.client = client;
    this.bytesAcknowledged = 0;
    const chunks: Buffer[] = [];
    let written = 0;
    let stalls = 0;
    let stallTimer: NodeJS.Timeout | null = null;
    let finished = false;
    const armStall = () => {
      if (stallTimer) clearTimeout(stallTimer);
      if (this.platform !== 'ESP32' || finished) return;
      // ESP32: 1 s without data re-sends the last count, three times, then "Receive Failed".
      stallTimer = setTimeout(() => {
        if (finished) return;
        if (written > 0 && stalls++ < 3) {
          client.write(String(lastAck));
          return armStall();
        }
        finished = true;
        this.received.push({ size: written, md5: '', sha256: '', outcome: 'receive failed' });
        client.destroy();
        this.state = 'idle';
      }, 1000);
    };
    let lastAck = 0;
    client.setNoDelay(true);
    client.on('connect', () => {
      this.emit('connected');
      armStall();
    });
    client.on('error', () => {
      finished = true;
      this.state = 'idle';
    });
    client.on('close', () => {
      if (stallTimer) clearTimeout(stallTimer);
      if (!finished) this.state = 'idle';
      finished = true;
      if (this.client === client) this.client = null;
    });
    client.on('data', (data: Buffer) => {
      if (finished) return;
      stalls = 0;
      let piece = data.subarray(0, invitation.size - written);
      if (this.dropAfterBytes !== null && written + piece.length >= this.dropAfterBytes) {
        finished = true;
        this.received.push({ size: written, md5: '', sha256: '', outcome: 'link dropped' });
        client.destroy();
        this.state = 'idle';
        return;
      }
      if (this.corruptFlash && written === 0)
        piece = Buffer.concat([Buffer.from([piece[0]! ^ 0xff]), piece.subarray(1)]);
      chunks.push(piece);
      written += piece.length;
      lastAck = piece.length;
      const done = written >= invitation.size;
      if (done) finished = true;
      const ack = () => {
        if (client.destroyed) return;
        this.bytesAcknowledged += piece.length;
        client.write(String(piece.length));
        if (!done) return armStall();
        if (stallTimer) clearTimeout(stallTimer);
        this.finish(client, invitation, Buffer.concat(chunks));
      };
      if (this.writeMsPerPiece <= 0) return ack();
      const writing = performance.now();
      setTimeout(() => {
        this.ackWaits[this.ackWaits.length - 1]! += performance.now() - writing;
        ack();
      }, this.writeMsPerPiece);
    });
  }

  private finish(client: net.Socket, invitation: Invitation, image: Buffer): void {
    const md5 = md5hex(image);
    const sha256 = createHash('sha256').update(image).digest('hex');
    if (md5 !== invitation.md5) {
      const text =
        this.platform === 'ESP8266' ? `MD5 Failed: expected:${invitation.md5}, calculated:${md5}` : 'MD5 Check Failed';
      this.received.push({ size: image.length, md5, sha256, outcome: 'md5 mismatch' });
      client.end(this.updaterError(7, text));
      this.state = 'idle';
      this.emit('update', { ok: false, message: text });
      return;
    }
    this.received.push({ size: image.length, md5, sha256, outcome: 'applied', command: invitation.command });
    const version = invitation.command === 0 ? findVersionMarker(image) : this.version;
    const restart = () => {
      this.emit('update', { ok: true, message: 'OK' });
      void this.restart(version);
    };
    if (this.platform === 'ESP32') {
      client.end('OK');
      this.later(110, restart);
    } else {
      this.later(1000, () => {
        client.write('OK');
        this.later(1000, () => {
          client.end();
          this.later(100, restart);
        });
      });
    }
  }

  private async restart(version: string | null): Promise<void> {
    this.udp?.close();
    this.udp = null;
    await this.mdns?.stop({ goodbye: false });
    this.mdns = null;
    this.emit('offline');
    this.later(this.bootMs, () => {
      this.version = version;
      this.bootCount += 1;
      this.start().catch((error: Error) => this.emit('fault', error));
    });
  }
}
