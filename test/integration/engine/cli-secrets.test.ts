// The CLI never prints or logs a board's password: a push to a board behind HTTP Digest, with the
// password from --password or OTA_BENCH_PASSWORD, carries it in none of its JSON lines (events, the
// job's log, the result), its human output or its stderr — whether the push lands or the board
// refuses the password. --user without any password, where no one can be asked, is a usage error.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongooseBoard } from '../../sim/boards/mongoose-board.ts';
import { makeMongooseFwZip } from '../../sim/firmware-fixtures.ts';

const run = promisify(execFile);
const PASSWORD = 'Tr0ub4dor-9f3k';
const WRONG = 'wr0ng-Pa55-q7';
const board = new MongooseBoard({
  address: '127.0.9.64',
  fwVersion: '1.0.0',
  auth: { user: 'admin', password: PASSWORD },
  announceIntervalMs: 200,
  bootMs: 400,
});

async function cli(args: string[], env: Record<string, string> = {}) {
  const options = { timeout: 60_000, env: { ...process.env, OTA_BENCH_BLE: 'off', ...env } };
  try {
    const { stdout, stderr } = await run(process.execPath, [path.resolve('bin/ota-bench.js'), ...args], options);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const jsonLines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** The job's log, as the JSON output carries it (one `log` line per entry). */
const jobLog = (stdout: string) =>
  jsonLines(stdout)
    .filter((line) => line.type === 'log')
    .map((line) => String(line.text));

beforeAll(() => board.start());
afterAll(() => board.stop());

describe('a push to a board behind HTTP Digest says no password', () => {
  const zip = makeMongooseFwZip({
    platform: 'esp32',
    version: '1.1.0',
    buildId: '20261204-cli-secrets',
    size: 120_000,
    fileName: 'fw-cli-secrets.zip',
  });
  // Committed after a short health check, so the next push finds committed firmware again.
  const push = ['push', zip.path, '--to', board.address, '--commit', 'auto', '--health-seconds', '1'];

  it('with OTA_BENCH_PASSWORD and --json: it lands, and no line carries the password', async () => {
    const { code, stdout, stderr } = await cli([...push, '--user', 'admin', '--json'], {
      OTA_BENCH_PASSWORD: PASSWORD,
    });
    const lines = jsonLines(stdout);
    expect(code, JSON.stringify(lines.at(-1))).toBe(0);
    expect(lines.at(-1)).toMatchObject({ type: 'result', state: 'committed', toVersion: '1.1.0' });
    expect(board.uploads.at(-1)?.sha256).toBe(zip.sha256);
    expect(jobLog(stdout).length).toBeGreaterThan(3);
    expect(stdout).not.toContain(PASSWORD);
    expect(stderr).not.toContain(PASSWORD);
    expect(jobLog(stdout).join('\n')).not.toContain(PASSWORD);
  });

  it('with --password and a wrong one: refused in words, and the words carry neither password', async () => {
    const { code, stdout, stderr } = await cli([...push, '--user', 'admin', '--password', WRONG, '--json']);
    expect(code).toBe(1);
    expect(jsonLines(stdout).at(-1)).toMatchObject({ result: 'auth-failed' });
    for (const secret of [WRONG, PASSWORD]) {
      expect(stdout).not.toContain(secret);
      expect(stderr).not.toContain(secret);
    }
  });

  it('the human output (log lines included) carries none either', async () => {
    const { code, stdout, stderr } = await cli([...push, '--user', 'admin', '--password', PASSWORD]);
    expect(code, stdout + stderr).toBe(0);
    expect(stdout).toMatch(/Sending the image/);
    expect(stdout + stderr).not.toContain(PASSWORD);
  });

  it('--user without a password and no terminal to ask in is a usage error, before anything is sent', async () => {
    const uploads = board.uploads.length;
    const { code, stderr } = await cli([...push, '--user', 'admin']);
    expect(code).toBe(2);
    expect(stderr).toContain('--user needs a password: --password PASSWORD, OTA_BENCH_PASSWORD, or a terminal');
    expect(board.uploads).toHaveLength(uploads);
  });
});
