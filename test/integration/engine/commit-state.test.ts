// Commit state before a push (issue 9 §4). A Mongoose OS board running an uncommitted update closes
// the next upload without a reply; the push used to end in "connection lost … push again", again
// and again, although `status` knew. Now the plan refuses, with the version and the board's own
// remaining time, and names the commands; commit then push works; `revert` prints the state after
// the revert; a second `commit` says it is already committed; the device list shows "uncommitted"
// with its deadline whoever pushed it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongooseBoard } from '../../sim/boards/mongoose-board.ts';
import { makeMongooseFwZip } from '../../sim/firmware-fixtures.ts';
import { discovered, shutdown, testEngine, waitFor } from './engine-harness.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import { mongooseOs } from '../../../electron/engine/protocols/mongoose-os.ts';
import { inspectImage } from '../../../electron/engine/images/index.ts';
import { DEFAULT_UPLOAD_TIMEOUTS } from '../../../electron/engine/net/stream-upload.ts';

const run = promisify(execFile);
const board = new MongooseBoard({ address: '127.0.1.90', fwVersion: '1.0.0', announceIntervalMs: 200, bootMs: 300 });
const rpcCalls: string[] = [];
board.on('request', ({ url }: { url: string }) => {
  if (url.startsWith('/rpc/')) rpcCalls.push(url.slice(5));
});
const fwZip = (version: string) =>
  makeMongooseFwZip({
    platform: 'esp32',
    version,
    buildId: `20261204-${version}`,
    size: 120_000,
    fileName: `fw-${version}.zip`,
  });
let engine: OtaEngine | undefined;

type Line = Record<string, unknown>;
const parse = (stdout: string): Line[] =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);
async function cli(...args: string[]): Promise<{ code: number; lines: Line[]; result: Line }> {
  let code = 0;
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, ['bin/ota-bench.js', ...args, '--json'], { timeout: 60_000 }));
  } catch (error) {
    const e = error as { code: number; stdout: string };
    code = e.code;
    stdout = e.stdout;
  }
  const lines = parse(stdout);
  return { code, lines, result: lines.at(-1)! };
}

beforeAll(() => board.start());
afterAll(() => shutdown(engine, [board]));

describe('commit state before a push (Mongoose OS)', () => {
  it("a board pushed by another process shows uncommitted in the list, with the board's own deadline", async () => {
    engine = testEngine();
    await engine.startDiscovery();
    const device = await discovered(engine, board);
    await waitFor(
      'the first commit-state read',
      () => engine!.listDevices().find((d) => d.id === device.id)?.commitState?.committed === true,
      5_000,
    );
    const pushed = await cli(
      'push',
      fwZip('1.1.0').path,
      '--to',
      board.address,
      '--commit',
      'never',
      '--commit-timeout',
      '300',
    );
    expect(pushed.result).toMatchObject({ state: 'awaiting-commit', toVersion: '1.1.0' });
    const row = await waitFor(
      'the row to show the uncommitted firmware',
      () => engine!.listDevices().find((d) => d.id === device.id && d.commitState?.committed === false),
      15_000,
    );
    expect(row.commitState!.version).toBe('1.1.0');
    const left = (row.commitState!.revertsAt! - Date.now()) / 1000;
    expect(left).toBeGreaterThan(280);
    expect(left).toBeLessThanOrEqual(300);
  });

  it('push refuses before sending a byte, with the version, the time left and the commands', async () => {
    const uploads = board.uploads.length;
    const refused = await cli('push', fwZip('1.2.0').path, '--to', board.address);
    expect(refused.code).toBe(1);
    const plan = refused.lines.find((l) => l.type === 'plan') as {
      verdict: string;
      checks: Array<{ id: string; status: string; detail: string }>;
    };
    expect(plan.verdict).toBe('refused');
    expect(plan.checks.find((c) => c.id === 'commit-state')).toMatchObject({ status: 'fail' });
    expect(refused.result.message).toMatch(
      /this board runs 1\.1\.0 uncommitted \(reverts in (4:[0-5]\d|5:00)\): commit or revert it first/i,
    );
    expect(refused.result.message).toContain(`ota-bench commit ${board.address}`);
    expect(refused.result.message).toContain(`ota-bench revert ${board.address}`);
    expect(board.uploads.length).toBe(uploads);
  });

  it("status says how long is left by the board's own clock", async () => {
    const status = await cli('status', board.address);
    const read = status.lines.find((l) => l.type === 'status') as {
      bootState: { committed: boolean; revertsInSeconds: number };
    };
    expect(read.bootState.committed).toBe(false);
    expect(read.bootState.revertsInSeconds).toBeGreaterThan(250);
    // The board's uptime is whole seconds: within its first second it still says the full 300.
    expect(read.bootState.revertsInSeconds).toBeLessThanOrEqual(300);
  });

  it('commit, then a second commit says it is already committed and sends no OTA.Commit', async () => {
    const first = await cli('commit', board.address);
    expect(first.code).toBe(0);
    expect(first.result.message).toMatch(/Committed 1\.1\.0/);
    expect(board.bootState.is_committed).toBe(true);
    const commits = rpcCalls.filter((c) => c.startsWith('OTA.Commit')).length;
    const second = await cli('commit', board.address);
    expect(second.code).toBe(0);
    expect(second.result.message).toMatch(/already runs 1\.1\.0 committed: nothing to commit/);
    expect(rpcCalls.filter((c) => c.startsWith('OTA.Commit')).length).toBe(commits);
  });

  it('after the commit the push goes through; revert prints the state after the revert', async () => {
    const pushed = await cli(
      'push',
      fwZip('1.2.0').path,
      '--to',
      board.address,
      '--commit',
      'never',
      '--commit-timeout',
      '300',
    );
    expect(pushed.result).toMatchObject({ state: 'awaiting-commit', toVersion: '1.2.0' });
    const reverted = await cli('revert', board.address);
    expect(reverted.code).toBe(0);
    const status = reverted.lines.find((l) => l.type === 'status') as {
      firmwareVersion: string;
      bootState: { committed: boolean };
    };
    expect(status).toMatchObject({ firmwareVersion: '1.1.0', bootState: { committed: true } });
    expect(reverted.result).toMatchObject({
      toVersion: '1.1.0',
      message: expect.stringMatching(/went back from 1\.2\.0 to 1\.1\.0/),
    });
    expect(board.firmwareVersion).toBe('1.1.0');
  });

  it('revert of committed firmware says there is nothing to revert', async () => {
    const reverted = await cli('revert', board.address);
    expect(reverted.code).toBe(1);
    expect(reverted.result.message).toMatch(/runs 1\.1\.0 committed: there is nothing to revert/);
  });
});

describe('an upload that reaches an uncommitted board anyway (it was pushed to after the plan)', () => {
  const late = new MongooseBoard({
    address: '127.0.1.91',
    mdns: false,
    fwVersion: '1.0.0',
    pendingCommit: { version: '1.1.0', commitTimeoutSeconds: 300 },
  });
  beforeAll(() => late.start());
  afterAll(() => late.stop());

  it('the board closes it without a reply, as the firmware does, and the error says why instead of "connection lost"', async () => {
    const file = fwZip('1.3.0');
    const info = { ...(await inspectImage(file.path)), imageId: 'late' };
    const push = mongooseOs.push({
      target: { host: late.address, port: 80 },
      image: { path: file.path, info },
      credentials: null,
      commitTimeoutSeconds: 300,
      timeouts: DEFAULT_UPLOAD_TIMEOUTS,
      signal: new AbortController().signal,
      onBytes: () => {},
      log: () => {},
    });
    await expect(push).rejects.toMatchObject({
      code: 'update-failed',
      message: expect.stringMatching(
        /closed the upload without a reply: this board runs 1\.1\.0 uncommitted \(reverts in [45]:\d\d\).*Commit or revert it first/,
      ),
    });
    expect(late.uploads).toHaveLength(0);
  });
});
