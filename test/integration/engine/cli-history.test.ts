// The history and the inventory as the CLI keeps them: a push by the CLI is a row in the shared
// history file, `history --json` and `devices --json` read it back without any discovery, and a
// failed push is there too with the board's reason. Runs bin/ota-bench.js as a user would.
import { execFile } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongooseBoard } from '../../sim/boards/mongoose-board.ts';
import { ArduinoBoard } from '../../sim/boards/arduino-board.ts';
import { makeEspAppImage, makeMongooseFwZip } from '../../sim/firmware-fixtures.ts';

const run = promisify(execFile);
const mongoose = new MongooseBoard({ address: '127.0.4.70', fwVersion: '1.0.0', announceIntervalMs: 200, bootMs: 300 });
const arduino = new ArduinoBoard({ variant: 'esp8266', address: '127.0.4.71', announceIntervalMs: 200, bootMs: 300 });
const boards = [mongoose, arduino];
// A history of its own: the counts below are exact.
const dataDir = mkdtempSync(path.join(tmpdir(), 'ota-bench-cli-history-'));

async function cli(
  ...args: string[]
): Promise<{ code: number; lines: Array<Record<string, unknown>>; stderr: string }> {
  const env = { ...process.env, OTA_BENCH_DATA_DIR: dataDir };
  const parse = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/ota-bench.js', ...args], { timeout: 60_000, env });
    return { code: 0, lines: parse(stdout), stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, lines: parse(e.stdout), stderr: e.stderr };
  }
}

beforeAll(async () => {
  await Promise.all(boards.map((b) => b.start()));
});
afterAll(async () => {
  await Promise.all(boards.map((b) => b.stop()));
});

describe('ota-bench history and devices', () => {
  it('records a CLI push and a failed one, and reads them back as JSON without discovery', async () => {
    const image = makeMongooseFwZip({
      platform: 'esp32',
      version: '3.1.0',
      buildId: 'h1',
      size: 80_000,
      fileName: 'hist-fw.zip',
    });
    const pushed = await cli(
      'push',
      image.path,
      '--to',
      '127.0.4.70:80',
      '--commit',
      'auto',
      '--health-seconds',
      '1',
      '--json',
    );
    expect(pushed.code).toBe(0);
    arduino.freeSketchSpace = 10_000;
    const big = makeEspAppImage({ chip: 'esp8266', size: 100_000, version: '9.9.9', fileName: 'hist-big.bin' });
    const failed = await cli('push', big.path, '--to', '127.0.4.71', '--json');
    expect(failed.code).toBe(1);

    const history = await cli('history', '--json');
    expect(history.code).toBe(0);
    expect(history.stderr).toBe('');
    const rows = history.lines.filter((l) => l.type === 'history');
    expect(rows).toHaveLength(2);
    const [newest, older] = rows;
    expect(newest).toMatchObject({
      fileName: 'hist-big.bin',
      result: 'failed',
      state: 'failed',
      resultCode: 'not-enough-space',
      initiatedBy: 'the OTA Bench CLI',
    });
    expect(String(newest!.deviceMessage)).toContain('Not Enough Space');
    expect(older).toMatchObject({
      fileName: 'hist-fw.zip',
      sha256: image.sha256,
      imageVersion: '3.1.0',
      fromVersion: '1.0.0',
      toVersion: '3.1.0',
      result: 'success',
      state: 'committed',
      commitPolicy: 'auto',
      size: statSync(image.path).size,
      initiatedBy: 'the OTA Bench CLI',
    });
    expect((older!.states as Array<{ state: string }>).map((s) => s.state)).toEqual([
      'queued',
      'connecting',
      'transferring',
      'rebooting',
      'verifying',
      'awaiting-commit',
      'committing',
      'committed',
    ]);
    // What the job counted on the wire (the upload's multipart framing included).
    expect(older!.bytesSent).toBeGreaterThanOrEqual(statSync(image.path).size);
    expect(older!.bytesPerSecond).toBeGreaterThan(0);
    expect(history.lines.at(-1)).toMatchObject({ type: 'result', result: 'success', count: 2 });

    // One board's history, by the name the inventory knows it by.
    const name = String(older!.deviceName);
    const one = await cli('history', name, '--json', '--limit', '5');
    expect(one.code).toBe(0);
    expect(one.lines.filter((l) => l.type === 'history').map((l) => l.fileName)).toEqual(['hist-fw.zip']);

    const devices = await cli('devices', '--json');
    expect(devices.code).toBe(0);
    expect(devices.stderr).toBe('');
    const inventory = devices.lines.filter((l) => l.type === 'inventory');
    expect(inventory).toHaveLength(2);
    const board = inventory.find((d) => d.deviceId === older!.deviceId)!;
    expect(board).toMatchObject({
      online: false, // this command does not discover
      reportedVersion: '3.1.0',
      reportedPushedVersion: true,
      lastPush: { fileName: 'hist-fw.zip', imageVersion: '3.1.0', result: 'success' },
    });
    const other = inventory.find((d) => d.deviceId === newest!.deviceId)!;
    expect(other.lastPush).toMatchObject({ fileName: 'hist-big.bin', result: 'failed' });
    // An Arduino HTTPUpdateServer board reports no version: whether it runs 9.9.9 cannot be said.
    expect(other.reportedVersion).toBeNull();
    expect(other.reportedPushedVersion).toBeNull();
    expect(devices.lines.at(-1)).toMatchObject({ type: 'result', result: 'success', count: 2 });
  });

  it('says so when DEVICE is unknown to the history, exit 1', async () => {
    const { code, lines } = await cli('history', 'no-such-board', '--json');
    expect(code).toBe(1);
    expect(String(lines.at(-1)!.message)).toMatch(/No board called "no-such-board"/);
  });
});
