// A pseudo-terminal that behaves like a 115200-baud UART in front of a QEMU board. QEMU's own pty and
// socket serial are not throttled (bytes move as fast as the emulator runs), so throughput measured
// there is not what a real cable gives. Here `socat` makes the pty (the real `serialport` code path opens
// it) and runs this file as its other end: bytes are relayed to QEMU's loopback TCP chardev and back,
// each direction paced to `bytesPerSecond` (115200 baud, 8N1 = 10 bits per byte = 11,520 B/s) by a token
// bucket that starts an idle line with no more credit than a UART's 16-byte FIFO.
//
//   startPacedPty({ tcpPort, bytesPerSecond }) → { ptyPath, stop() }   (needs socat; run in the netns)
//   node test/sim/qemu/paced-pty.ts PORT BYTES_PER_SECOND               (what socat runs: stdin/stdout ↔ TCP)
import { spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const FIFO_BYTES = 16;
const TICK_MS = 2;

/** Writes what it is given to `write`, never faster than `bytesPerSecond` on average. */
export class Pacer {
  private queue: Buffer[] = [];
  private queued = 0;
  private tokens = 0;
  private last = process.hrtime.bigint();
  private timer: NodeJS.Timeout | null = null;

  private readonly bytesPerSecond: number;
  private readonly write: (bytes: Buffer) => void;

  constructor(bytesPerSecond: number, write: (bytes: Buffer) => void) {
    this.bytesPerSecond = bytesPerSecond;
    this.write = write;
  }

  push(bytes: Buffer): void {
    if (this.queued === 0) {
      // An idle line starts from an empty FIFO: no credit saved up while nothing was sent.
      this.last = process.hrtime.bigint();
      this.tokens = Math.min(this.tokens, FIFO_BYTES);
    }
    this.queue.push(bytes);
    this.queued += bytes.length;
    this.timer ??= setInterval(() => this.drain(), TICK_MS);
    this.drain();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private drain(): void {
    const now = process.hrtime.bigint();
    // While bytes wait, the line is busy without a break: every elapsed microsecond is line time, however
    // late the timer fires (capping here would slow the line to FIFO_BYTES per tick on a busy machine).
    this.tokens += (Number(now - this.last) / 1e9) * this.bytesPerSecond;
    this.last = now;
    let allowed = Math.floor(this.tokens);
    const out: Buffer[] = [];
    while (allowed > 0 && this.queue.length > 0) {
      const head = this.queue[0];
      const take = Math.min(allowed, head.length);
      out.push(head.subarray(0, take));
      if (take === head.length) this.queue.shift();
      else this.queue[0] = head.subarray(take);
      allowed -= take;
      this.tokens -= take;
      this.queued -= take;
    }
    if (out.length > 0) this.write(Buffer.concat(out));
    if (this.queued === 0) this.stop();
  }
}

export interface PacedPty {
  ptyPath: string;
  stop(): Promise<void>;
}

export async function startPacedPty(options: { tcpPort: number; bytesPerSecond: number }): Promise<PacedPty> {
  const self = fileURLToPath(import.meta.url);
  const relay = `${process.execPath} ${self} ${options.tcpPort} ${options.bytesPerSecond}`;
  const socat = spawn('socat', ['-d', '-d', 'PTY,raw,echo=0', `EXEC:${relay}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  const ptyPath = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socat made no pty in 5 s: ${stderr}`)), 5000);
    socat.once('error', (error) =>
      reject(new Error(`cannot run socat (${error.message}): install it to pace the line`)),
    );
    socat.stderr.setEncoding('utf8');
    socat.stderr.on('data', (text: string) => {
      stderr += text;
      const match = /PTY is (\/dev\/pts\/\d+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return {
    ptyPath,
    stop: async () => {
      if (socat.exitCode !== null) return;
      socat.kill('SIGTERM');
      await exited;
    },
  };
}

// Run by socat: stdin (from the pty) → QEMU's TCP chardev, and back, both paced.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [port, rate] = process.argv.slice(2).map(Number);
  const socket = net.connect({ host: '127.0.0.1', port });
  const toBoard = new Pacer(rate, (bytes) => socket.write(bytes));
  const toHost = new Pacer(rate, (bytes) => process.stdout.write(bytes));
  process.stdin.on('data', (bytes: Buffer) => toBoard.push(bytes));
  socket.on('data', (bytes: Buffer) => toHost.push(bytes));
  const end = () => process.exit(0);
  process.stdin.on('end', end);
  socket.on('close', end);
  socket.on('error', end);
}
