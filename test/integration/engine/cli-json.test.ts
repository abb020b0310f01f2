// The CLI is a user interface too: `--json` must print one object per line and end with a result
// line, and the exit status must be 0 only on success. Runs bin/ota-bench.js as a user would.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongooseBoard } from '../../sim/boards/mongoose-board.ts';
import { ArduinoBoard } from '../../sim/boards/arduino-board.ts';
import { makeEspAppImage, makeMongooseFwZip, writeFixture } from '../../sim/firmware-fixtures.ts';

const run = promisify(execFile);
const mongoose = new MongooseBoard({ address: '127.0.4.10', fwVersion: '1.0.0', announceIntervalMs: 200, bootMs: 300 });
const arduino = new ArduinoBoard({ variant: 'esp8266', address: '127.0.4.11', announceIntervalMs: 200, bootMs: 300 });
const boards = [mongoose, arduino];

async function cli(...args: string[]): Promise<{ code: number; lines: Array<Record<string, unknown>> }> {
  try {
    // The machine's own serial ports (/dev/ttyS0…) are boards to `discover` too, different on each machine.
    const env = { ...process.env, OTA_BENCH_SERIAL: 'off' };
    const { stdout } = await run(process.execPath, ['bin/ota-bench.js', ...args], { timeout: 60_000, env });
    return {
      code: 0,
      lines: stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return {
      code: e.code,
      lines: e.stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    };
  }
}

beforeAll(async () => {
  await Promise.all(boards.map((b) => b.start()));
});
afterAll(async () => {
  await Promise.all(boards.map((b) => b.stop()));
});

describe('ota-bench --json', () => {
  it('discover lists every board, then a result line', async () => {
    const { code, lines } = await cli('discover', '--timeout', '3', '--json');
    expect(code).toBe(0);
    const devices = lines.filter((l) => l.type === 'device');
    expect(devices.map((d) => d.protocol).sort()).toEqual(['arduino-esp8266', 'mongoose-os']);
    expect(lines.at(-1)).toMatchObject({ type: 'result', result: 'success', count: 2 });
  });

  it('inspect prints the image, and fails (exit 1) on a file that is not firmware', async () => {
    const image = makeMongooseFwZip({
      platform: 'esp32',
      version: '3.0.0',
      buildId: 'b1',
      size: 50_000,
      fileName: 'cli-fw.zip',
    });
    const ok = await cli('inspect', image.path, '--json');
    expect(ok.code).toBe(0);
    expect(ok.lines[0]).toMatchObject({
      type: 'image',
      format: 'mongoose-fw-zip',
      sha256: image.sha256,
      version: '3.0.0',
    });
    const junk = writeFixture('notes.bin', Buffer.from('just some text, not firmware\n'.repeat(20)));
    const bad = await cli('inspect', junk.path, '--json');
    expect(bad.code).toBe(1);
    expect(bad.lines.at(-1)).toMatchObject({ type: 'result', result: 'unsupported-package' });
  });

  it('push by host:port prints job events and a final result with versions', async () => {
    const image = makeMongooseFwZip({
      platform: 'esp32',
      version: '3.1.0',
      buildId: 'b2',
      size: 80_000,
      fileName: 'cli-push.zip',
    });
    const { code, lines } = await cli(
      'push',
      image.path,
      '--to',
      '127.0.4.10:80',
      '--commit',
      'auto',
      '--health-seconds',
      '1',
      '--json',
    );
    expect(code).toBe(0);
    const states = lines.filter((l) => l.type === 'job').map((l) => l.state);
    expect(states).toEqual([
      'connecting',
      'transferring',
      'rebooting',
      'verifying',
      'awaiting-commit',
      'committing',
      'committed',
    ]);
    expect(lines.at(-1)).toMatchObject({
      type: 'result',
      state: 'committed',
      result: 'success',
      fromVersion: '1.0.0',
      toVersion: '3.1.0',
    });
    expect(mongoose.bootState.is_committed).toBe(true);
  });

  it('push by discovered name with --commit never leaves the firmware uncommitted and exits 0', async () => {
    const image = makeMongooseFwZip({
      platform: 'esp32',
      version: '3.2.0',
      buildId: 'b3',
      size: 60_000,
      fileName: 'cli-never.zip',
    });
    const { code, lines } = await cli('push', image.path, '--to', mongoose.hostname, '--commit', 'never', '--json');
    expect(code).toBe(0);
    expect(lines.at(-1)).toMatchObject({
      type: 'result',
      state: 'awaiting-commit',
      result: 'success',
      toVersion: '3.2.0',
    });
    expect(String(lines.at(-1)!.message)).toContain('ota-bench commit');
    const committed = await cli('commit', '127.0.4.10', '--json');
    expect(committed.code).toBe(0);
    expect(mongoose.bootState.is_committed).toBe(true);
  });

  it('a failed push exits non-zero with the device words in the result', async () => {
    arduino.freeSketchSpace = 10_000;
    const image = makeEspAppImage({ chip: 'esp8266', size: 100_000, version: '9.9.9', fileName: 'cli-big.bin' });
    const { code, lines } = await cli('push', image.path, '--to', '127.0.4.11', '--json');
    expect(code).toBe(1);
    expect(lines.at(-1)).toMatchObject({ type: 'result', state: 'failed', result: 'not-enough-space' });
    expect(String(lines.at(-1)!.deviceMessage)).toContain('Not Enough Space');
  });
});
