// What a LAN upload reports must be what happened on the wire: progress is what the board has
// taken (on a board reading 200 kB/s through lwIP's 5.7 KB window), a board's early or endless
// answer ends the push with its words instead of hanging it, a file changed since it was inspected
// is refused, and a cut connection says how much went out and what that means.
import { spawn } from 'node:child_process';
import { appendFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ArduinoBoard, type ArduinoBoardOptions } from '../../sim/boards/arduino-board.ts';
import { drainBody } from '../../sim/request-body.ts';
import { makeEspAppImage } from '../../sim/firmware-fixtures.ts';
import type { Job, JobProgress } from '../../../shared/domain.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import { createEngine } from '../../../electron/engine/index.ts';
import { TEST_TIMEOUTS, discovered, request, shutdown } from './engine-harness.ts';

/**
 * How far a sender's kernel may hold bytes the board has not read yet: the socket's send buffer
 * (Linux autotunes it; about 100–300 KB here) plus the board's window and the firmware's one
 * segment of read-ahead. Progress may lead the board by this much and no more.
 */
const SEND_BUFFER_BOUND = 384 * 1024;
const UPLOAD_TIMEOUTS = { connectMs: 2_000, idleMs: 2_000, responseMs: 2_000 };

type Behaviour = 'early-500' | 'endless-500' | 'drip-500' | 'drip-headers' | 'read-then-close';

/** Arduino sketches whose /update handler misbehaves in one way each (the rest is the real sketch). */
class MisbehavingBoard extends ArduinoBoard {
  behaviour: Behaviour | null = null;
  private readonly drips = new Set<NodeJS.Timeout>();

  protected override async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://device').pathname;
    if (path !== '/update' || request.method !== 'POST' || !this.behaviour) return super.handle(request, response);
    this.emit('upload-start');
    switch (this.behaviour) {
      case 'early-500':
        // Answers at once and never reads the body (the request stays unread).
        return this.send(response, 500, { 'Content-Type': 'text/plain' }, 'Update error: ERROR[4]: Not Enough Space');
      case 'endless-500': {
        // Answers at once, then streams a reply that never ends, as fast as the client takes it.
        response.writeHead(500, { 'Content-Type': 'text/plain' });
        const junk = Buffer.alloc(16 * 1024, 'x');
        const more = () => {
          while (!response.destroyed && response.write(junk));
        };
        response.on('drain', more);
        more();
        return;
      }
      case 'drip-500':
        response.writeHead(500, { 'Content-Type': 'text/plain' });
        response.write('Update error: busy');
        this.drip(() => response.write('.'), response);
        return;
      case 'drip-headers': {
        // A status line, then one header byte every 100 ms, forever: the answer never starts.
        const socket = request.socket;
        socket.write('HTTP/1.1 500 Busy\r\nX-Drip: ');
        this.drip(() => socket.write('a'), response);
        return;
      }
      case 'read-then-close':
        // Reads the whole image, then the connection goes (Wi-Fi dropped, watchdog reset): no answer.
        await drainBody(request, () => this.quirks);
        request.socket.destroy();
        return;
    }
  }

  private drip(step: () => void, response: ServerResponse): void {
    const timer = setInterval(() => (response.socket?.destroyed ? clearInterval(timer) : step()), 100);
    this.drips.add(timer);
    response.socket?.on('close', () => clearInterval(timer));
  }

  override async stop(): Promise<void> {
    for (const timer of this.drips) clearInterval(timer);
    await super.stop();
  }
}

let engine: OtaEngine | undefined;
let boards: ArduinoBoard[] = [];
let nextAddress = 10;

async function bench(
  options: Partial<ArduinoBoardOptions> = {},
  upload: Partial<typeof UPLOAD_TIMEOUTS & { floorBytesPerSecond: number }> = {},
) {
  const board = new MisbehavingBoard({
    variant: 'esp8266',
    address: `127.0.7.${nextAddress++}`,
    announceIntervalMs: 200,
    bootMs: 300,
    freeSketchSpace: 4 * 1024 * 1024,
    ...options,
  });
  boards.push(board);
  await board.start();
  engine = createEngine({
    timeouts: {
      ...TEST_TIMEOUTS,
      upload: { ...UPLOAD_TIMEOUTS, ...upload },
      rebootGoneMs: 1_000,
      rebootComeBackMs: 5_000,
    },
  });
  await engine.startDiscovery();
  const device = await discovered(engine, board);
  expect(device.protocol).toBe('arduino-esp8266');
  return { board, engine, device };
}

const appImage = (version: string, size: number) =>
  makeEspAppImage({ chip: 'esp8266', size, version, fileName: `truth-${version}-${size}-${Math.random()}.bin` });

async function push(
  engine: OtaEngine,
  deviceId: string,
  path: string,
  withProgress?: (progress: JobProgress, job: Job) => void,
): Promise<Job> {
  const image = await engine.inspectImage(path);
  const job = engine.push(request(deviceId, image.imageId, { commitPolicy: 'never' }));
  const stop = engine.on('jobChanged', (changed) => {
    if (changed.id === job.id) withProgress?.(changed.progress, changed);
  });
  try {
    return await engine.waitForJob(job.id);
  } finally {
    stop();
  }
}

afterEach(async () => {
  await shutdown(engine, boards);
  engine = undefined;
  boards = [];
});

describe('progress is what the board has taken', () => {
  it('1,000,000 bytes to a board reading 200 kB/s through a 5.7 KB window: every event trails the board', async () => {
    const { board, engine, device } = await bench({ bytesPerSecond: 200_000 });
    const file = appImage('1.1.0', 1_000_000);
    const seen: Array<{ sent: number; board: number; at: number }> = [];
    let last = -1;
    const started = Date.now();
    const done = await push(engine, device.id, file.path, (progress) => {
      if (progress.bytesSent === last) return;
      last = progress.bytesSent;
      seen.push({ sent: progress.bytesSent, board: board.networkBytesRead, at: Date.now() - started });
    });
    expect(done).toMatchObject({ state: 'updated', toVersion: '1.1.0' });
    expect(board.uploads.at(-1)?.sha256).toBe(file.sha256);
    expect(seen.length).toBeGreaterThanOrEqual(8);
    expect(seen[0]!.sent).toBeLessThan(1_000_000 / 2);
    for (const event of seen) expect(event.sent).toBeLessThanOrEqual(event.board + SEND_BUFFER_BOUND);
    // 90 % is not reached before the board could have read 90 % minus the send buffer at its pace.
    const ninety = seen.find((e) => e.sent >= 900_000)!;
    expect(ninety.at).toBeGreaterThan(((900_000 - SEND_BUFFER_BOUND) / 200_000) * 1000);
    expect(seen.at(-1)!.sent).toBe(1_000_000);
  }, 30_000);
});

describe('the CLI prints what the board has taken', () => {
  it('`push --json`: the first progress event is not 100 %, and no event leads the board by more than the send buffer; at most 4 a second', async () => {
    const board = new MisbehavingBoard({
      variant: 'esp8266',
      address: `127.0.7.${nextAddress++}`,
      mdns: false,
      bootMs: 300,
      freeSketchSpace: 4 * 1024 * 1024,
      bytesPerSecond: 200_000,
    });
    boards.push(board);
    await board.start();
    const file = appImage('2.1.0', 1_000_000);
    const child = spawn(
      process.execPath,
      [
        'bin/ota-bench.js',
        'push',
        file.path,
        '--to',
        `${board.address}:80`,
        '--json',
        '--commit',
        'never',
        '--reboot-timeout',
        '10',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const events: Array<{ sent: number; board: number; at: number }> = [];
    let pending = '';
    child.stdout.on('data', (data: Buffer) => {
      pending += data.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const event = JSON.parse(line) as { type: string; bytesSent?: number };
        if (event.type === 'progress' && event.bytesSent !== events.at(-1)?.sent)
          events.push({ sent: event.bytesSent!, board: board.networkBytesRead, at: Date.now() });
      }
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(events.length).toBeGreaterThanOrEqual(8);
    expect(events[0]!.sent).toBeLessThan(1_000_000 / 2);
    for (const event of events) expect(event.sent).toBeLessThanOrEqual(event.board + SEND_BUFFER_BOUND);
    expect(events.at(-1)!.sent).toBe(1_000_000);
    // Timestamps are arrival times through a pipe, so allow a little jitter on the 4-per-second limit.
    for (const first of events)
      expect(events.filter((e) => e.at >= first.at && e.at < first.at + 900).length).toBeLessThanOrEqual(4);
  }, 30_000);
});

describe('a board that answers before reading the body', () => {
  it("an immediate error ends the push with the board's words", async () => {
    const { board, engine, device } = await bench();
    board.behaviour = 'early-500';
    const started = Date.now();
    const done = await push(engine, device.id, appImage('1.2.0', 2_000_000).path);
    expect(done.state).toBe('failed');
    expect(done.result!.message + (done.result!.deviceMessage ?? '')).toContain('Not Enough Space');
    expect(Date.now() - started).toBeLessThan(8_000);
  }, 20_000);

  it('an endless reply is cut at 64 KiB: the push ends, memory does not grow', async () => {
    const { board, engine, device } = await bench();
    board.behaviour = 'endless-500';
    const rssBefore = process.memoryUsage().rss;
    const started = Date.now();
    const done = await push(engine, device.id, appImage('1.3.0', 2_000_000).path);
    expect(done.state).toBe('failed');
    expect(done.result!.message).toContain('500');
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(64 * 1024 * 1024);
  }, 20_000);

  it('a reply dripping a byte every 100 ms is bounded by the answer deadline', async () => {
    const { board, engine, device } = await bench();
    board.behaviour = 'drip-500';
    const started = Date.now();
    const done = await push(engine, device.id, appImage('1.4.0', 2_000_000).path);
    expect(done.state).toBe('failed');
    expect(done.result!.message).toContain('500');
    expect(done.result!.deviceMessage ?? '').toContain('Update error: busy');
    expect(Date.now() - started).toBeLessThan(8_000);
  }, 20_000);

  it('headers dripping forever do not keep the idle timer alive while the board reads nothing', async () => {
    const { board, engine, device } = await bench();
    board.behaviour = 'drip-headers';
    const started = Date.now();
    const done = await push(engine, device.id, appImage('1.5.0', 2_000_000).path);
    expect(done).toMatchObject({ state: 'failed', result: { code: 'connection-lost' } });
    expect(done.result!.message).toMatch(
      /took nothing for 2 s: sent [\d.]+ KiB of 1\.91 MiB; the board had confirmed nothing/,
    );
    expect(Date.now() - started).toBeLessThan(8_000);
  }, 20_000);
});

describe('the whole transfer has a deadline', () => {
  it('a board that keeps reading, but slower than the floor rate, cannot hold the push past size ÷ floor + connect + answer time', async () => {
    // Bytes keep moving (60 kB/s), so no idle timer fires: only the transfer's own deadline ends it,
    // with far more of the image left than the sender's socket buffer holds. The floor is raised
    // from 2 KiB/s to 200 kB/s so the test takes seconds, not minutes.
    const { board, engine, device } = await bench({ bytesPerSecond: 60_000 }, { floorBytesPerSecond: 200_000 });
    const started = Date.now();
    const done = await push(engine, device.id, appImage('1.5.1', 1_000_000).path);
    const tookMs = Date.now() - started;
    expect(done).toMatchObject({ state: 'failed', result: { code: 'connection-lost' } });
    expect(done.result!.message).toMatch(
      /did not finish within 9 s \(977 KiB at no less than 195 KiB\/s\): sent [\d.]+ KiB of 977 KiB/,
    );
    expect(tookMs).toBeLessThan(25_000); // discovery and plan included, on a loaded machine
    expect(board.uploads).toHaveLength(0);
  }, 40_000);
});

describe('the file sent is the file inspected', () => {
  it('refuses before sending when the file was rebuilt (same size, new time) since inspection', async () => {
    const { board, engine, device } = await bench();
    const file = appImage('1.6.0', 300_000);
    const image = await engine.inspectImage(file.path);
    const changed = Buffer.from(file.data);
    changed[200_000] ^= 0xff;
    writeFileSync(file.path, changed);
    utimesSync(file.path, new Date(), new Date(Date.now() + 5_000));
    let posts = 0;
    board.on('upload-start', () => posts++);
    const done = await engine.waitForJob(engine.push(request(device.id, image.imageId, { commitPolicy: 'never' })).id);
    expect(done).toMatchObject({ state: 'failed', result: { code: 'integrity-failure' } });
    expect(done.result!.message).toContain('changed on disk since OTA Bench inspected it');
    expect(done.result!.message).toContain('nothing was sent');
    expect(posts).toBe(0);
    expect(board.uploads).toHaveLength(0);
  });

  it('refuses before sending when the size changed', async () => {
    const { board, engine, device } = await bench();
    const file = appImage('1.6.1', 300_000);
    const image = await engine.inspectImage(file.path);
    appendFileSync(file.path, Buffer.alloc(16));
    const done = await engine.waitForJob(engine.push(request(device.id, image.imageId, { commitPolicy: 'never' })).id);
    expect(done).toMatchObject({ state: 'failed', result: { code: 'integrity-failure' } });
    expect(board.uploads).toHaveLength(0);
  });

  it('a change the timestamps hide is caught by the hash while streaming, before the board has the whole image', async () => {
    const { board, engine, device } = await bench();
    const file = appImage('1.7.0', 300_000);
    const stamp = Math.floor(Date.now() / 1000) - 60; // whole seconds: utimes can set them exactly
    utimesSync(file.path, stamp, stamp);
    const image = await engine.inspectImage(file.path);
    const changed = Buffer.from(file.data);
    changed[100_000] ^= 0xff;
    writeFileSync(file.path, changed);
    utimesSync(file.path, stamp, stamp);
    expect(statSync(file.path).mtimeMs).toBe(stamp * 1000);
    const done = await engine.waitForJob(engine.push(request(device.id, image.imageId, { commitPolicy: 'never' })).id);
    expect(done).toMatchObject({ state: 'failed', result: { code: 'integrity-failure' } });
    expect(done.result!.message).toContain('changed on disk while it was being sent');
    expect(board.uploads.filter((u) => u.outcome === 'applied')).toHaveLength(0);
    expect(board.firmwareVersion).toBe('1.0.0');
  });
});

describe('failure words say what is known', () => {
  it('mid-body: how much was sent, and that the board had confirmed nothing', async () => {
    // Paced, so the cut comes while the sender's kernel still holds less than the rest of the image.
    const { engine, device } = await bench({ bytesPerSecond: 400_000, dropAfterBytes: 150_000 });
    const done = await push(engine, device.id, appImage('1.8.0', 1_000_000).path);
    expect(done).toMatchObject({ state: 'failed', result: { code: 'connection-lost' } });
    const message = done.result!.message;
    const sent = /sent ([\d.]+) KiB of 977 KiB; the board had confirmed nothing/.exec(message);
    expect(sent, message).not.toBeNull();
    expect(Number(sent![1])).toBeLessThan(976.6);
    expect(Number(sent![1]) * 1024).toBeLessThanOrEqual(150_000 + SEND_BUFFER_BOUND);
    expect(done.progress.bytesSent).toBeLessThan(1_000_000);
  });

  it('after the last byte: the whole image went out and the board did not answer; the job looks at what it runs', async () => {
    const { board, engine, device } = await bench();
    board.behaviour = 'read-then-close';
    const done = await push(engine, device.id, appImage('1.9.0', 400_000).path);
    expect(done.state).toBe('failed');
    const message = done.result!.message;
    expect(message).toContain('All 391 KiB were sent');
    expect(message).not.toContain('keeps running its current firmware');
    expect(message).not.toMatch(/after (about )?391 KiB of 391 KiB/);
    expect(message).toContain('still runs 1.0.0: it did not take the image');
    expect(done.progress.bytesSent).toBe(400_000);
  }, 20_000);
});
