// Part 7 of `npm run bench` (BENCH_ONLY_UPLOAD=1 runs only this): what a LAN upload reports and
// what it costs. Figures, never pass/fail.
//  a. Progress lag at 90 %: a 1,000,000-byte image to a board that reads 200 kB/s through lwIP's
//     5.7 KB window (board in its own process, reporting what it has taken off the network every
//     10 ms). When our upload (the engine's uploadMultipart, counting bytes the kernel accepted)
//     says 90 %, how much has the board read, and how long until the board itself reaches 90 %?
//     The same for a plain socket writer (64 KiB writes, each counted when its write callback
//     fires), alternating, 3 runs each: the kernel's send buffer is the lead neither can avoid.
//  b. Peak RSS of `ota-bench push` of a 64 MiB image over the peak of an idle run of the same CLI
//     (`inspect` of a small file), sampled every 20 ms from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeEspAppImage } from '../sim/firmware-fixtures.ts';
import { waitUp } from './wait-up.ts';
import { multipartFraming, uploadMultipart } from '../../electron/engine/net/multipart-upload.ts';
import { DEFAULT_UPLOAD_TIMEOUTS } from '../../electron/engine/net/stream-upload.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cliPath = path.join(root, 'bin/ota-bench.js');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Board {
  child: ChildProcess;
  /** What the board had taken off the network, by its own clock. */
  reads: Array<{ bytes: number; at: number }>;
}

async function startBoard(address: string, bytesPerSecond: number | null, kind: string): Promise<Board> {
  const child = spawn(
    process.execPath,
    [path.join(root, 'test/bench/board-process.ts'), address, String(bytesPerSecond ?? ''), kind],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, OTA_BENCH_REPORT_READS: '1' },
    },
  );
  const board: Board = { child, reads: [] };
  let pending = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (data: Buffer) => {
      pending += data.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line === 'ready') resolve();
        const match = /^read (\d+) (\d+)$/.exec(line);
        if (match) board.reads.push({ bytes: Number(match[1]), at: Number(match[2]) });
      }
    });
    child.once('exit', (code) => reject(new Error(`board exited with ${code}`)));
  });
  return board;
}

/** Bytes the board had read at `at` (epoch ms), counted from `base`. */
function boardReadAt(board: Board, at: number, base: number): number {
  let bytes = base;
  for (const r of board.reads) if (r.at <= at) bytes = r.bytes;
  return bytes - base;
}

/** A plain writer: HTTP head, then the body in 64 KiB writes, each counted when the kernel took it. */
async function plainSocketPush(
  address: string,
  file: string,
  size: number,
  onAccepted: (bytes: number) => void,
): Promise<void> {
  const framing = multipartFraming([], 'firmware', 'bench.bin');
  const length = framing.head.length + size + framing.tail.length;
  const head = `POST /update HTTP/1.1\r\nHost: ${address}\r\nContent-Type: ${framing.headers['content-type']}\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`;
  const socket = net.connect({ host: address, port: 80 });
  const closed = new Promise<void>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('close', () => resolve());
  });
  socket.resume(); // the answer: read and dropped
  await new Promise((resolve) => socket.once('connect', resolve));
  const write = (chunk: Buffer) =>
    new Promise<void>((resolve, reject) => socket.write(chunk, (error) => (error ? reject(error) : resolve())));
  const handle = await openFile(file, 'r');
  try {
    await write(Buffer.concat([Buffer.from(head), framing.head]));
    let sent = 0;
    while (sent < size) {
      const { bytesRead, buffer } = await handle.read(Buffer.alloc(64 * 1024), 0, 64 * 1024, sent);
      await write(buffer.subarray(0, bytesRead));
      sent += bytesRead;
      onAccepted(sent);
    }
    await write(framing.tail);
  } finally {
    await handle.close();
  }
  await closed;
}

async function progressLag(): Promise<void> {
  const address = '127.0.9.20';
  const rate = 200_000;
  const size = 1_000_000;
  const board = await startBoard(address, rate, 'arduino');
  const image = makeEspAppImage({ chip: 'esp8266', size, version: '9.0.0', fileName: 'bench-lag-1mb.bin' });
  const rows: Record<'ours' | 'plain', Array<{ t90: number; boardAt90: number; boardT90: number }>> = {
    ours: [],
    plain: [],
  };
  for (let i = 0; i < 3; i++) {
    for (const who of ['ours', 'plain'] as const) {
      await waitUp(address);
      await new Promise((r) => setTimeout(r, 100));
      const base = board.reads.at(-1)?.bytes ?? 0;
      const started = Date.now();
      let at90: number | null = null;
      const onBytes = (sent: number) => {
        if (at90 === null && sent >= 0.9 * size) at90 = Date.now();
      };
      if (who === 'ours') {
        await uploadMultipart({
          target: { host: address, port: 80 },
          path: '/update',
          fields: [],
          fileField: 'firmware',
          file: { path: image.path, size, sha256: image.sha256 },
          fileName: 'bench.bin',
          headers: {},
          timeouts: DEFAULT_UPLOAD_TIMEOUTS,
          signal: new AbortController().signal,
          onBytes,
        });
      } else {
        await plainSocketPush(address, image.path, size, onBytes);
      }
      await new Promise((r) => setTimeout(r, 50)); // the last read reports arrive
      const boardEnd = board.reads.find((r) => r.bytes - base >= 0.9 * size)?.at ?? Number.NaN;
      rows[who].push({
        t90: (at90! - started) / 1000,
        boardAt90: boardReadAt(board, at90!, base),
        boardT90: (boardEnd - started) / 1000,
      });
      await new Promise((r) => setTimeout(r, 500)); // the board reboots after a good image
    }
  }
  board.child.kill('SIGTERM');
  console.log(
    `\n[upload progress] 1,000,000 bytes to a board reading ${rate / 1000} kB/s through a 5,744-byte window, 3 runs each, alternating`,
  );
  for (const who of ['ours', 'plain'] as const) {
    const r = rows[who];
    const label = who === 'ours' ? 'ota-bench (uploadMultipart)' : 'plain socket writer';
    console.log(
      `  ${label}: says 90 % at ${r.map((x) => x.t90.toFixed(2)).join(' ')} s (median ${median(r.map((x) => x.t90)).toFixed(2)} s); ` +
        `the board had read ${median(r.map((x) => (x.boardAt90 / size) * 100)).toFixed(1)} % then (median); the board reached 90 % at ${median(r.map((x) => x.boardT90)).toFixed(2)} s; ` +
        `lead ${median(r.map((x) => 0.9 * size - x.boardAt90)).toFixed(0)} bytes, ${median(r.map((x) => x.boardT90 - x.t90)).toFixed(2)} s`,
    );
  }
}

/** Runs the CLI and samples its VmRSS every 20 ms; returns the peak in MiB. */
async function peakRssMiB(args: string[]): Promise<number> {
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: 'ignore' });
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kb / 1024);
    } catch {
      // process already gone
    }
  }, 20);
  await new Promise((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  return peak;
}

async function rssRun(): Promise<void> {
  const address = '127.0.9.12';
  const board = await startBoard(address, null, 'arduino-esp32');
  // ESP32: the image-size bound of inspection allows 64 MiB there (ESP8266 images stop at 16 MiB).
  const big = makeEspAppImage({
    chip: 'esp32',
    size: 64 * 1024 * 1024,
    version: '64.0.0',
    fileName: 'bench-64mib.bin',
  });
  const small = makeEspAppImage({ chip: 'esp32', size: 64 * 1024, version: '0.1.0', fileName: 'bench-small.bin' });
  const idle = await peakRssMiB(['inspect', small.path, '--json']);
  const pushing = await peakRssMiB(['push', big.path, '--to', address, '--json', '--reboot-timeout', '10']);
  board.child.kill('SIGTERM');
  console.log('\n[memory] peak RSS of the CLI process');
  console.log(
    `  idle (inspect 64 KiB): ${idle.toFixed(1)} MiB   pushing 64 MiB: ${pushing.toFixed(1)} MiB   above idle: ${(pushing - idle).toFixed(1)} MiB  (goal ≤ 16, at most 24)`,
  );
}

export async function uploadBench(): Promise<void> {
  await progressLag();
  await rssRun();
}
