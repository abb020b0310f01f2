// `ota-bench discover --json` prints each device's final online state and last-seen time: a board
// that says goodbye while discover runs is listed offline with the time it was last heard, however
// it was identified (before, a probed Arduino board stayed "online" for five minutes).
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArduinoBoard } from '../../sim/boards/arduino-board.ts';
import { MongooseBoard } from '../../sim/boards/mongoose-board.ts';
import type { HttpBoard } from '../../sim/http-board.ts';
import { waitFor } from '../engine/engine-harness.ts';

const mongoose = new MongooseBoard({ address: '127.0.7.60', announceIntervalMs: 200 });
const arduino = new ArduinoBoard({ variant: 'esp8266', address: '127.0.7.61', announceIntervalMs: 200 });

beforeAll(async () => {
  await Promise.all([mongoose.start(), arduino.start()]);
});
afterAll(async () => {
  await Promise.all([mongoose.stop(), arduino.stop()]);
});

function discover(args: string[]): { done: Promise<{ code: number | null; stdout: string }> } {
  const child = spawn(process.execPath, ['bin/ota-bench.js', 'discover', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return { done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout }))) };
}

/** Connections the board's server has open (HttpBoard tracks them privately). */
const openConnections = (board: HttpBoard) => (board as unknown as { sockets: Set<unknown> }).sockets.size;

/**
 * Resolves once the CLI has read the answers of its probe of `board`: the probe asks for /update
 * last (with /rpc and /flash/next, after /), each on its own connection that the CLI closes once it
 * has read the answer, so no connection left open means every answer has been read.
 */
async function probeDone(board: HttpBoard, timeoutMs = 10_000): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      board.off('request', onRequest);
      reject(new Error(`${board.hostname} was not probed within ${timeoutMs} ms`));
    }, timeoutMs);
    const onRequest = (request: { url?: string }) => {
      if (request.url !== '/update') return;
      clearTimeout(timer);
      board.off('request', onRequest);
      resolve();
    };
    board.on('request', onRequest);
  });
  await waitFor(`the CLI to read ${board.hostname}'s answers`, () => openConnections(board) === 0, 5000);
}

describe('ota-bench discover', () => {
  it('--json: a board that said goodbye during discovery is offline with its last-seen time; the other is online', async () => {
    const startedAt = Date.now();
    const probed = probeDone(arduino);
    const run = discover(['--timeout', '7', '--json']);
    await probed;
    const goodbyeAt = Date.now();
    await arduino.stop();
    const { code, stdout } = await run.done;
    expect(code).toBe(0);
    const devices = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((l) => l.type === 'device');
    const gone = devices.find((d) => d.address === arduino.address);
    const there = devices.find((d) => d.address === mongoose.address);
    expect(gone).toMatchObject({ protocol: 'arduino-esp8266', online: false });
    expect(gone!.lastSeen as number).toBeGreaterThan(startedAt);
    expect(gone!.lastSeen as number).toBeLessThanOrEqual(goodbyeAt);
    expect(there).toMatchObject({ protocol: 'mongoose-os', online: true });
    expect(there!.lastSeen as number).toBeGreaterThan(startedAt);
  });

  it('the human list says when an offline board was last seen', async () => {
    await arduino.start();
    const probed = probeDone(arduino);
    const run = discover(['--timeout', '4']);
    await probed;
    await arduino.stop();
    const { stdout } = await run.done;
    const line = stdout.split('\n').find((l) => l.includes(arduino.address))!;
    expect(line).toMatch(/^○ .*offline, last seen (just now|\d+ s ago)/);
    expect(stdout.split('\n').find((l) => l.includes(mongoose.address))).toMatch(/^● /);
  });
});
