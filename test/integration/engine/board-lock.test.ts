// One job per board across processes (issue 9 §8): two `ota-bench push` processes to one esp-link
// board both reported success and, 2.5 s apart, corrupted the slot. The second must fail at once,
// naming who holds the board; a lock left by a process that died is taken over.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EspLinkBoard } from '../../sim/boards/esp-link-board.ts';
import { buildEsp8266V2Image } from '../../sim/esp8266-v2-image.ts';
import type { Device } from '../../../shared/domain.ts';
import { boardLockKeys, dataDir, lockFileFor } from '../../../electron/engine/jobs/board-lock.ts';

const run = promisify(execFile);
// 90 kB at 30 kB/s: the first push is still sending when the second one starts.
const board = new EspLinkBoard({
  address: '127.0.4.31',
  hostname: 'lock-esp',
  mdns: false,
  bootMs: 300,
  bytesPerSecond: 30_000,
});
const folder = mkdtempSync(path.join(tmpdir(), 'ota-bench-lock-'));
const write = (name: string, slot: 1 | 2) => {
  const file = path.join(folder, name);
  writeFileSync(file, buildEsp8266V2Image({ slot, version: '7.1.0', size: 90_000 }));
  return file;
};
const user1 = write('user1.bin', 1);
const user2 = write('user2.bin', 2);

type Line = Record<string, unknown>;
const parse = (stdout: string): Line[] =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);

async function cli(...args: string[]): Promise<{ code: number; lines: Line[]; ms: number }> {
  const started = Date.now();
  try {
    const { stdout } = await run(process.execPath, ['bin/ota-bench.js', ...args, '--json'], { timeout: 60_000 });
    return { code: 0, lines: parse(stdout), ms: Date.now() - started };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, lines: parse(e.stdout), ms: Date.now() - started };
  }
}

/** Starts a push and resolves once its progress shows bytes on the wire (the lock is held by then). */
function pushInBackground(): { sending: Promise<void>; done: Promise<{ code: number; lines: Line[] }> } {
  const child = spawn(process.execPath, ['bin/ota-bench.js', 'push', user1, user2, '--to', board.address, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let markSending: () => void;
  const sending = new Promise<void>((resolve) => {
    markSending = resolve;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (/"state":"transferring"|"bytesSent":[1-9]/.test(stdout)) markSending();
  });
  const done = new Promise<{ code: number; lines: Line[] }>((resolve) =>
    child.on('close', (code) => resolve({ code: code ?? -1, lines: parse(stdout) })),
  );
  return { sending, done };
}

beforeAll(() => board.start());
afterAll(() => board.stop());

describe('one push per board across processes', () => {
  it('a second CLI push while the first is sending fails at once and names the holder; the first succeeds', async () => {
    const first = pushInBackground();
    await first.sending;
    const second = await cli('push', user1, user2, '--to', board.address);
    expect(second.code).toBe(1);
    expect(second.lines.at(-1)).toMatchObject({
      type: 'result',
      message: expect.stringMatching(
        /is busy: the OTA Bench CLI \(pid \d+\) is pushing to this board since \d\d:\d\d:\d\d/,
      ),
    });
    expect(second.ms).toBeLessThan(10_000);
    const result = await first.done;
    expect(result.lines.at(-1)).toMatchObject({ type: 'result', result: 'success' });
    expect(result.code).toBe(0);
    expect(board.uploads).toHaveLength(1);
    // Released when the job ended: no lock file is left behind.
    expect(readdirSync(path.join(dataDir(), 'locks')).filter((f) => f.endsWith('.lock'))).toEqual([]);
  });

  it('takes over a lock left by a process that is gone', async () => {
    // A process that exits at once leaves a pid nobody runs; its lock files say it holds this board.
    const { stdout } = await run(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const dead = { pid: Number(stdout), process: 'the OTA Bench CLI', since: Date.now() - 60_000, device: 'lock-esp' };
    const status = await cli('status', board.address);
    const device = (status.lines.find((l) => l.type === 'status') as { device: Device }).device;
    mkdirSync(path.join(dataDir(), 'locks'), { recursive: true });
    for (const key of boardLockKeys(device)) writeFileSync(lockFileFor(key), JSON.stringify(dead));
    const result = await cli('push', user1, user2, '--to', board.address);
    expect(result.lines.at(-1)).toMatchObject({ type: 'result', result: 'success' });
    expect(result.code).toBe(0);
    expect(readdirSync(path.join(dataDir(), 'locks')).filter((f) => f.endsWith('.lock'))).toEqual([]);
  });

  it('a live holder is named even when it knows the board by another id (its address)', async () => {
    const holder = { pid: process.pid, process: 'the OTA Bench app', since: Date.now(), device: 'lock-esp' };
    mkdirSync(path.join(dataDir(), 'locks'), { recursive: true });
    const file = lockFileFor(`lan:${board.address}:80`);
    writeFileSync(file, JSON.stringify(holder));
    try {
      const result = await cli('push', user1, user2, '--to', board.address);
      expect(result.code).toBe(1);
      expect(result.lines.at(-1)).toMatchObject({
        message: expect.stringContaining(`the OTA Bench app (pid ${process.pid}) is pushing to this board since`),
      });
    } finally {
      rmSync(file);
    }
  });
});
