// A simulated Zephyr board speaking MCUmgr over its serial console, on a pseudo-terminal the REAL
// serialport code opens like a USB port. `socat PTY,link=<path>,raw,echo=0 STDIO` makes the pty and
// relays it to this process's pipes; the board decodes console frames with its own small decoder
// (console-frames.ts, not the engine's), drops requests larger than buf_size without a word like the
// real builds, answers with frames, and writes application log lines between frames as the real M0
// build does. unplug() takes the port away (socat stops: the device node and the link vanish, the
// client's port closes); replug() brings the same link path back. With `reenumerateOnReset` a reset
// unplugs the port until the board has booted, like a USB CDC-ACM board.
//
//   const board = await SerialSmpBoard.start({ initialImage, mode: 'zephyr-swap' });
//   board.path  // "/tmp/ota-bench-smp-XXXX/ttySMP0": open it with serialport
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SmpBoardPump, type SmpBoardCounters, type SmpBoardFaults } from './board-pump.ts';
import { ConsoleFrameReader, encodeConsoleFrame } from './console-frames.ts';
import type { SmpServer, SmpServerOptions } from './smp-server.ts';

export interface SerialSmpBoardOptions extends SmpServerOptions {
  /** Where the pty link goes (default: a fresh temporary directory, "ttySMP0"). */
  path?: string;
  /** Application log lines between frames (default true in 'zephyr-swap' mode, as the M0 build prints). */
  logLines?: boolean;
  /** A reset takes the port away until the board is up again (USB CDC-ACM); default false (a UART). */
  reenumerateOnReset?: boolean;
}

const SOCAT = '/usr/bin/socat';
/** The frame's length and CRC share the netbuf with the packet (serial_util.c). */
const SERIAL_FRAME_OVERHEAD = 4;

export class SerialSmpBoard {
  readonly path: string;
  readonly options: SerialSmpBoardOptions;
  /** Non-frame lines the client wrote (a terminal's typing, a corrupt frame). */
  readonly textReceived: string[] = [];
  private readonly pump: SmpBoardPump;
  private readonly ownDir: string | null;
  private socat: ChildProcess | null = null;
  private holdSlave: number | null = null;
  private readonly startedAt = performance.now();
  private reader: ConsoleFrameReader;

  private constructor(options: SerialSmpBoardOptions) {
    this.options = options;
    this.ownDir = options.path ? null : mkdtempSync(path.join(tmpdir(), 'ota-bench-smp-'));
    this.path = options.path ?? path.join(this.ownDir!, 'ttySMP0');
    this.pump = new SmpBoardPump(options);
    this.reader = this.newReader();
    this.server.onResetDue = () => {
      if (this.options.reenumerateOnReset) this.unplug();
    };
    this.server.onBooted = () => {
      this.bootBanner();
      if (this.options.reenumerateOnReset && !this.socat) void this.replug();
    };
  }

  static async start(options: SerialSmpBoardOptions): Promise<SerialSmpBoard> {
    const board = new SerialSmpBoard(options);
    await board.replug();
    board.bootBanner();
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

  get plugged(): boolean {
    return this.socat !== null;
  }

  /** Power-cycle now; nothing is answered until the boot (`bootMs`, default the server's) is over. */
  reboot(bootMs?: number): void {
    this.pump.reboot(bootMs);
  }

  /** The cable is pulled: the pty and its link go away, the client's open port fails. */
  unplug(): void {
    const socat = this.socat;
    this.socat = null;
    if (this.holdSlave !== null) closeSync(this.holdSlave);
    this.holdSlave = null;
    socat?.kill('SIGTERM');
  }

  /** The cable is back: the same link path, a new pty behind it. Resolves once the path exists. */
  async replug(): Promise<void> {
    if (this.socat) return;
    this.reader = this.newReader();
    const socat = spawn(SOCAT, [`PTY,link=${this.path},raw,echo=0`, 'STDIO'], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.socat = socat;
    socat.stdout!.on('data', (bytes: Buffer) => {
      if (this.socat === socat) this.reader.push(bytes);
    });
    socat.stdin!.on('error', () => {}); // EPIPE when socat is gone: the cable is out
    socat.once('exit', () => {
      if (this.socat === socat) this.unplug();
    });
    for (let waited = 0; !existsSync(this.path); waited += 10) {
      if (waited > 3000 || socat.exitCode !== null) throw new Error(`socat did not make the pty ${this.path}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Keep one slave descriptor open, never read: without it socat sees EIO and exits as soon as the
    // client closes the port, which would look like a pulled cable.
    this.holdSlave = openSync(this.path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  }

  async close(): Promise<void> {
    const socat = this.socat;
    this.unplug();
    if (socat && socat.exitCode === null) await new Promise((resolve) => socat.once('exit', resolve));
    if (this.ownDir) rmSync(this.ownDir, { recursive: true, force: true });
  }

  /** Writes raw bytes to the client (a log line, noise). */
  writeRaw(bytes: Buffer | string): void {
    if (!this.socat) return;
    this.socat.stdin!.write(bytes);
  }

  /** An application log line as Zephyr's logger prints it (timestamp, colour, level, module). */
  logLine(module: string, text: string, level: 'inf' | 'wrn' = 'inf'): void {
    if (!this.logsEnabled()) return;
    const ms = performance.now() - this.startedAt;
    const stamp = zephyrTimestamp(ms);
    const colour = level === 'wrn' ? '\x1b[1;33m' : '\x1b[0m';
    this.writeRaw(`[${stamp}] ${colour}<${level}> ${module}: ${text}\x1b[0m\r\n`);
  }

  private logsEnabled(): boolean {
    return this.options.logLines ?? this.options.mode === 'zephyr-swap';
  }

  private bootBanner(): void {
    if (!this.logsEnabled()) return;
    this.writeRaw(
      '*** Booting MCUboot ee39e2d694bd ***\r\n*** Using Zephyr OS build 684c9e8f32e4 ***\r\n' +
        'I: Starting bootloader\r\nI: Image index: 0, Swap type: none\r\nI: Boot source: none\r\n' +
        '*** Booting Zephyr OS build 684c9e8f32e4 ***\r\n',
    );
  }

  private newReader(): ConsoleFrameReader {
    return new ConsoleFrameReader(
      (packet) => this.request(packet),
      (line) => {
        if (line.length > 0) this.textReceived.push(line);
      },
    );
  }

  private request(packet: Buffer): void {
    const group = packet.length >= 8 ? packet.readUInt16BE(4) : -1;
    const firstUploadChunk = group === 1 && packet[7] === 1 && this.server.upload === null;
    this.pump.receive(
      packet,
      (answer) => {
        // The real M0 build logs from img_mgmt and MCUboot's util while it works: between frames.
        if (group === 1 && answer[7] === 0) this.logLine('mcuboot_util', 'Image index: 0, Swap type: none');
        if (firstUploadChunk) this.logLine('mcumgr_img_grp', 'Erased 0xc400 bytes of image slot');
        this.writeRaw(encodeConsoleFrame(answer));
      },
      SERIAL_FRAME_OVERHEAD,
    );
  }
}

/** "00:00:05.513,587" */
function zephyrTimestamp(ms: number): string {
  const total = Math.floor(ms * 1000);
  const micro = total % 1000;
  const milli = Math.floor(total / 1000) % 1000;
  const seconds = Math.floor(total / 1_000_000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}.${pad(milli, 3)},${pad(micro, 3)}`;
}
