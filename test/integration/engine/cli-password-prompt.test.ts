// In a terminal (a pty from util-linux `script`), a push to a board behind HTTP Digest without
// --password asks for it and never shows what was typed: with --user it asks for the password;
// without, it asks for the user name and the password once the plan says the board needs them.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongooseBoard } from '../../sim/boards/mongoose-board.ts';
import { makeMongooseFwZip } from '../../sim/firmware-fixtures.ts';

const PASSWORD = 'Pty-s3cret-4k2';
const hasScript = spawnSync('script', ['--version']).status === 0;
const board = new MongooseBoard({
  address: '127.0.9.66',
  fwVersion: '1.0.0',
  auth: { user: 'admin', password: PASSWORD },
  announceIntervalMs: 200,
  bootMs: 400,
});

/** Runs the CLI on a pty, typing each answer once its prompt has appeared; resolves with what the terminal showed. */
function inTerminal(
  args: string[],
  answers: Array<[RegExp, string]>,
): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, path.resolve('bin/ota-bench.js'), ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: { ...process.env, OTA_BENCH_BLE: 'off', OTA_BENCH_PASSWORD: '' },
  });
  let screen = '';
  const pending = [...answers];
  child.stdout.on('data', (chunk: Buffer) => {
    screen += chunk.toString('utf8');
    const next = pending[0];
    if (next && next[0].test(screen)) {
      pending.shift();
      child.stdin.write(`${next[1]}\r`);
    }
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, screen })));
}

beforeAll(() => board.start());
afterAll(() => board.stop());

describe.skipIf(!hasScript)('the CLI asks for a password in a terminal, without echo', () => {
  const zip = (version: string) =>
    makeMongooseFwZip({ platform: 'esp32', version, buildId: `20261204-pty-${version}`, size: 60_000 });
  const push = (version: string) => [
    'push',
    zip(version).path,
    '--to',
    board.address,
    '--commit',
    'auto',
    '--health-seconds',
    '1',
  ];

  it('--user without --password: asks for the password and pushes', async () => {
    const { code, screen } = await inTerminal(
      [...push('1.1.0'), '--user', 'admin'],
      [[/Password for admin: /, PASSWORD]],
    );
    expect(code, screen).toBe(0);
    expect(board.firmwareVersion).toBe('1.1.0');
    expect(screen).not.toContain(PASSWORD);
  }, 60_000);

  it('no --user: the plan says a password is needed, it asks for both, and pushes', async () => {
    const { code, screen } = await inTerminal(push('1.2.0'), [
      [/asks for a password\. User: /, 'admin'],
      [/Password for admin: /, PASSWORD],
    ]);
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/asks for a password\. User: .*admin/);
    expect(board.firmwareVersion).toBe('1.2.0');
    expect(screen).not.toContain(PASSWORD);
  }, 60_000);
});
