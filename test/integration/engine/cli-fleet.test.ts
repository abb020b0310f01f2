// `ota-bench push FILE --to A --to B,C` against simulated boards, run as a user would (bin/ota-bench.js):
// one result line per board and a summary that adds up, --outdated, --all, a failing board that fails
// the run while the others succeed, and the crash check (SIGKILL in the middle of a run: the
// next start marks its jobs interrupted, and the history file passes PRAGMA integrity_check).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongooseBoard } from '../../sim/boards/mongoose-board.ts';
import { ArduinoBoard } from '../../sim/boards/arduino-board.ts';
import { makeEspAppImage, makeMongooseFwZip } from '../../sim/firmware-fixtures.ts';
import { historyFile } from '../../../electron/engine/history/history-file.ts';

const run = promisify(execFile);
type Line = Record<string, unknown>;

const board = (n: number, over: Partial<ConstructorParameters<typeof MongooseBoard>[0]> = {}) =>
  new MongooseBoard({
    address: `127.0.4.${20 + n}`,
    fwVersion: '1.0.0',
    announceIntervalMs: 200,
    bootMs: 300,
    ...over,
  });
const [a, b, c] = [board(0), board(1), board(2)];
/** Already runs 3.0.0: --outdated leaves it out of a 3.0.0 run. */
const current = board(3, { fwVersion: '3.0.0' });
/** Has no room for any image: fails its push. */
const full = board(4, { freeSpace: 1000 });
const boards = [a, b, c, current, full];

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; lines: Line[] }> {
  const parse = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
  try {
    const { stdout } = await run(process.execPath, ['bin/ota-bench.js', ...args], {
      timeout: 90_000,
      env: { ...process.env, ...env },
    });
    return { code: 0, lines: parse(stdout) };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, lines: parse(e.stdout) };
  }
}

const fw = (version: string, size = 60_000) =>
  makeMongooseFwZip({
    platform: 'esp32',
    version,
    buildId: `fleet-${version}`,
    size,
    fileName: `fleet-${version}.zip`,
  });
const results = (lines: Line[]) => lines.filter((l) => l.type === 'result');
const summary = (lines: Line[]) => lines.at(-1)!;
const FAST = ['--commit', 'auto', '--health-seconds', '1', '--json'];

beforeAll(async () => {
  await Promise.all(boards.map((x) => x.start()));
});
afterAll(async () => {
  await Promise.all(boards.map((x) => x.stop()));
});

describe('ota-bench push to several boards', () => {
  it('--to a --to b,c: one result line per board, a summary that adds up, exit 0', async () => {
    const image = fw('2.0.0');
    const { code, lines } = await cli([
      'push',
      image.path,
      '--to',
      a.hostname,
      '--to',
      `${b.address}:80,${c.address}`,
      '--to',
      a.address, // the first board again, by its address: pushed once
      ...FAST,
    ]);
    expect(code).toBe(0);
    const ids = results(lines).map((r) => r.deviceId);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    for (const result of results(lines))
      expect(result).toMatchObject({
        outcome: 'succeeded',
        result: 'success',
        state: 'committed',
        fromVersion: '1.0.0',
        toVersion: '2.0.0',
        fleetId: expect.any(String),
      });
    expect(summary(lines)).toMatchObject({
      type: 'summary',
      succeeded: 3,
      failed: 0,
      rolledBack: 0,
      skipped: 0,
      cancelled: 0,
    });
    // Every event names its board; those of a board name the run as well.
    for (const line of lines) expect(line).toHaveProperty('deviceId');
    const jobEvents = lines.filter((l) => l.type === 'job');
    expect(jobEvents.length).toBeGreaterThan(0);
    for (const event of jobEvents)
      expect(event).toMatchObject({ deviceId: expect.any(String), fleetId: expect.any(String) });
    for (const x of [a, b, c]) expect(x.bootState.is_committed).toBe(true);
  });

  it('--outdated leaves out a board already on the file’s version', async () => {
    const image = fw('3.0.0');
    const { code, lines } = await cli([
      'push',
      image.path,
      '--to',
      `${a.address},${current.address}`,
      '--outdated',
      ...FAST,
    ]);
    expect(code).toBe(0);
    const idOf = (x: MongooseBoard) => lines.find((l) => l.type === 'device' && l.address === x.address)?.deviceId;
    const byAddress = (x: MongooseBoard) => results(lines).find((r) => r.deviceId === idOf(x));
    expect(byAddress(a)).toMatchObject({ outcome: 'succeeded', toVersion: '3.0.0' });
    expect(byAddress(current)).toMatchObject({ outcome: 'skipped', state: 'skipped' });
    expect(summary(lines)).toMatchObject({ succeeded: 1, skipped: 1, failed: 0 });
    expect(current.uploads).toHaveLength(0);
  });

  it('--all pushes to every discovered board that takes the file; one without room fails the run, the others succeed', async () => {
    const image = fw('4.0.0');
    const { code, lines } = await cli(['push', image.path, '--all', '--timeout', '3', ...FAST]);
    expect(code).toBe(1);
    const devices = lines.filter((l) => l.type === 'device').map((l) => l.address);
    expect(devices.sort()).toEqual(boards.map((x) => x.address).sort());
    const failed = results(lines).filter((r) => r.outcome === 'failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ result: 'not-enough-space' });
    expect(summary(lines)).toMatchObject({
      succeeded: 4,
      failed: 1,
      rolledBack: 0,
      skipped: 0,
      cancelled: 0,
      boards: 5,
    });
    for (const x of [a, b, c, current]) expect(x.firmwareVersion).toBe('4.0.0');
  });

  it('a board with another password fails (exit 1) while the others succeed', async () => {
    const locked = board(6, { auth: { user: 'admin', password: 'secret' } });
    await locked.start();
    try {
      const image = fw('5.0.0');
      const { code, lines } = await cli([
        'push',
        image.path,
        '--to',
        `${a.address},${locked.address},${b.address}`,
        '--user',
        'admin',
        '--password',
        'wrong',
        ...FAST,
      ]);
      expect(code).toBe(1);
      expect(summary(lines)).toMatchObject({ succeeded: 2, failed: 1 });
      const lockedResult = results(lines).find((r) => r.outcome === 'failed');
      expect(String(lockedResult!.message)).toMatch(/password|credentials|user name/i);
      expect(locked.uploads.filter((u) => u.outcome === 'applied')).toHaveLength(0);
    } finally {
      await locked.stop();
    }
  });

  it('one file per kind: each board gets the file its protocol takes', async () => {
    const arduino = new ArduinoBoard({ variant: 'esp32', address: '127.0.4.27', announceIntervalMs: 200, bootMs: 300 });
    await arduino.start();
    try {
      const zip = fw('5.2.0');
      const bin = makeEspAppImage({ chip: 'esp32', size: 80_000, version: '5.2.0', fileName: 'fleet-app.bin' });
      const { code, lines } = await cli([
        'push',
        zip.path,
        bin.path,
        '--to',
        `${a.address},${arduino.address}`,
        ...FAST,
      ]);
      expect(code).toBe(0);
      expect(lines.filter((l) => l.type === 'image').map((l) => l.fileName)).toEqual([
        'fleet-5.2.0.zip',
        'fleet-app.bin',
      ]);
      expect(
        results(lines)
          .map((r) => [r.fileName, r.outcome])
          .sort(),
      ).toEqual([
        ['fleet-5.2.0.zip', 'succeeded'],
        ['fleet-app.bin', 'succeeded'],
      ]);
      expect(arduino.uploads.at(-1)?.sha256).toBe(bin.sha256);
    } finally {
      await arduino.stop();
    }
  });

  it('--commit prompt asks once when the run settles; "c" commits every healthy board', async () => {
    const image = fw('5.5.0');
    const child = spawn(
      process.execPath,
      ['bin/ota-bench.js', 'push', image.path, '--to', `${a.address},${b.address}`, '--commit', 'prompt', '--json'],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let question = '';
    child.stderr.on('data', (chunk: Buffer) => {
      question += chunk.toString();
      if (/Commit all 2 healthy boards \(the first reverts in \d+:\d\d\)\? /.test(question)) child.stdin.end('c\n');
    });
    const lines: Line[] = [];
    for await (const text of createInterface({ input: child.stdout })) lines.push(JSON.parse(text) as Line);
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(question).toMatch(/\[c\]ommit all \/ \[r\]evert all \/ \[w\]ait/);
    expect(code).toBe(0);
    for (const result of results(lines)) expect(result).toMatchObject({ state: 'committed', outcome: 'succeeded' });
    expect(summary(lines)).toMatchObject({ succeeded: 2 });
    for (const x of [a, b]) expect(x.bootState.is_committed).toBe(true);
  });

  it('Ctrl-C cancels the run, waits for its pushes to stop, and exits 130', async () => {
    const slow = [board(12, { bytesPerSecond: 20_000 }), board(13, { bytesPerSecond: 20_000 })];
    await Promise.all(slow.map((x) => x.start()));
    try {
      const image = fw('5.6.0', 400_000);
      const child = spawn(
        process.execPath,
        ['bin/ota-bench.js', 'push', image.path, '--to', slow.map((x) => x.address).join(','), ...FAST],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const lines: Line[] = [];
      const transferring = new Set<unknown>();
      for await (const text of createInterface({ input: child.stdout })) {
        const line = JSON.parse(text) as Line;
        lines.push(line);
        if (line.type === 'job' && line.state === 'transferring') transferring.add(line.deviceId);
        if (transferring.size === 2 && !child.killed) child.kill('SIGINT');
      }
      const code = await new Promise((resolve) => child.once('exit', resolve));
      expect(code).toBe(130);
      for (const result of results(lines)) expect(result).toMatchObject({ state: 'cancelled', outcome: 'cancelled' });
      expect(summary(lines)).toMatchObject({ cancelled: 2, boards: 2 });
      for (const x of slow) expect(x.firmwareVersion).toBe('1.0.0');
    } finally {
      await Promise.all(slow.map((x) => x.stop()));
    }
  });

  it('SIGKILL in the middle of a run: the next start marks its jobs interrupted; the history file is intact', async () => {
    // Slow boards: the transfers are still running when the CLI is killed.
    const slow = [board(10, { bytesPerSecond: 20_000 }), board(11, { bytesPerSecond: 20_000 })];
    await Promise.all(slow.map((x) => x.start()));
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ota-bench-fleet-crash-'));
    try {
      const image = fw('6.0.0', 400_000);
      const child = spawn(
        process.execPath,
        ['bin/ota-bench.js', 'push', image.path, '--to', slow.map((x) => x.address).join(','), ...FAST],
        { env: { ...process.env, OTA_BENCH_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const transferring = new Set<unknown>();
      let fleetId: unknown = null;
      for await (const text of createInterface({ input: child.stdout })) {
        const line = JSON.parse(text) as Line;
        if (line.type === 'fleet') fleetId = line.fleetId;
        if (line.type === 'job' && line.state === 'transferring') transferring.add(line.deviceId);
        if (transferring.size === 2) break;
      }
      expect(transferring.size).toBe(2);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;

      const { code, lines } = await cli(['history', '--json'], { OTA_BENCH_DATA_DIR: dataDir });
      expect(code).toBe(0);
      const rows = lines.filter((l) => l.type === 'history');
      expect(rows).toHaveLength(2);
      for (const row of rows) expect(row).toMatchObject({ fleetId, result: 'interrupted', state: 'interrupted' });

      const db = new DatabaseSync(historyFile(dataDir), { readOnly: true });
      try {
        expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
      } finally {
        db.close();
      }
    } finally {
      await Promise.all(slow.map((x) => x.stop()));
    }
  });
});
