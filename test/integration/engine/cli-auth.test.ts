// The CLI in front of a board behind a password and in front of an ambiguous name: discover says
// "needs a password", push refuses before sending and names --user/--password, pushes with them,
// and two BLE devices with one name are an error listing both ids.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongooseBoard } from '../../sim/boards/mongoose-board.ts';
import { makeEspAppImage, makeMongooseFwZip } from '../../sim/firmware-fixtures.ts';
import { EsphomeBoard } from '../../sim/boards/esphome-board.ts';
import { buildMcubootImage } from '../../sim/ble/mcuboot-image.ts';

const run = promisify(execFile);
const folder = mkdtempSync(path.join(tmpdir(), 'ota-bench-cli-auth-'));
const board = new MongooseBoard({
  address: '127.0.9.60',
  fwVersion: '1.0.0',
  auth: { user: 'admin', password: 's3cret' },
  announceIntervalMs: 200,
  bootMs: 400,
});
const scenario = path.join(folder, 'twins.json');
writeFileSync(
  scenario,
  JSON.stringify({
    timeScale: 0.05,
    devices: [
      { kind: 'smp', id: 'c0de00000201', name: 'twin-sensor', version: '1.0.0' },
      { kind: 'smp', id: 'c0de00000202', name: 'twin-sensor', version: '1.0.0' },
    ],
  }),
);

type Line = Record<string, unknown>;
async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; lines: Line[]; stdout: string; stderr: string }> {
  const options = { timeout: 60_000, env: { ...process.env, OTA_BENCH_BLE: 'off', ...env } };
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/ota-bench.js', ...args], options);
    return { code: 0, stdout, stderr, lines: parse(stdout) };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, lines: parse(e.stdout) };
  }
}
const parse = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);

beforeAll(() => board.start());
afterAll(() => board.stop());

describe('ota-bench and a Mongoose OS board with RPC authentication', () => {
  const zip = makeMongooseFwZip({
    platform: 'esp32',
    version: '1.1.0',
    buildId: '20261203-cli-auth',
    size: 150_000,
    fileName: 'fw-cli-auth.zip',
  });

  it('discover says it needs a password', async () => {
    const { stdout } = await cli(['discover', '--timeout', '3']);
    expect(stdout).toMatch(/mOS-esp32-\w+ .*Mongoose OS.*needs a password \(HTTP Digest \(realm "RPC", MD5\)\)/);
  });

  it('push without --user/--password refuses before sending, naming the options', async () => {
    const { code, lines } = await cli(['push', zip.path, '--to', board.address, '--json']);
    expect(code).toBe(1);
    expect(lines.find((l) => l.type === 'plan')).toMatchObject({
      protocol: 'mongoose-os',
      checks: expect.arrayContaining([expect.objectContaining({ id: 'auth', status: 'warn' })]),
    });
    expect(lines.at(-1)).toMatchObject({
      type: 'result',
      result: 'auth-failed',
      message: expect.stringMatching(/needs a password \(HTTP Digest.*--user USER --password PASSWORD/),
    });
    expect(board.uploads).toHaveLength(0);
  });

  it('a wrong password is said as such and names the options', async () => {
    const { code, lines } = await cli([
      'push',
      zip.path,
      '--to',
      board.address,
      '--user',
      'admin',
      '--password',
      'nope',
      '--json',
      '--commit',
      'never',
    ]);
    expect(code).toBe(1);
    expect(lines.at(-1)).toMatchObject({
      result: 'auth-failed',
      message: expect.stringMatching(/refused the user name or password.*Check --user and --password/),
    });
    expect(board.uploads).toHaveLength(0);
  });

  it('push with --user/--password (found by its mDNS name) lands, and commit with them commits', async () => {
    const name = board.hostname;
    const { code, lines } = await cli([
      'push',
      zip.path,
      '--to',
      name,
      '--user',
      'admin',
      '--password',
      's3cret',
      '--json',
      '--commit',
      'never',
      '--timeout',
      '4',
    ]);
    expect(code, JSON.stringify(lines.at(-1))).toBe(0);
    expect(lines.at(-1)).toMatchObject({ state: 'awaiting-commit', toVersion: '1.1.0' });
    expect(board.uploads.at(-1)?.sha256).toBe(zip.sha256);
    const commit = await cli(['commit', board.address, '--user', 'admin', '--password', 's3cret', '--json']);
    expect(commit.code, JSON.stringify(commit.lines.at(-1))).toBe(0);
    expect(board.bootState.is_committed).toBe(true);
  });
});

describe('a board the CLI cannot identify without its password', () => {
  it('names --user/--password and --protocol (ESPHome on ESP-IDF, by address)', async () => {
    const node = new EsphomeBoard({
      address: '127.0.9.62',
      platform: 'ESP32',
      credentials: { user: 'admin', password: 's3cret' },
      mdns: false,
    });
    await node.start();
    try {
      const image = makeEspAppImage({
        chip: 'esp32',
        size: 60_000,
        version: '1.1.0',
        fileName: 'esphome-cli-auth.bin',
      });
      const { code, stdout, stderr } = await cli(['push', image.path, '--to', node.address]);
      expect(code).toBe(1);
      expect(stdout + stderr).toMatch(
        /could not tell which update protocol it speaks \(GET \/: HTTP 401, asks for a password .*\(--user USER --password PASSWORD, or --protocol mongoose-os\|arduino-esp8266\|arduino-esp32\|esphome-web\|esphome-native\|esp-link\)/,
      );
      const pushed = await cli([
        'push',
        image.path,
        '--to',
        node.address,
        '--user',
        'admin',
        '--password',
        's3cret',
        '--json',
      ]);
      expect(pushed.code, JSON.stringify(pushed.lines.at(-1))).toBe(0);
      expect(pushed.lines.find((l) => l.type === 'plan')).toMatchObject({ protocol: 'esphome-web' });
    } finally {
      await node.stop();
    }
  });

  it('status without credentials names --user/--password', async () => {
    const { code, lines } = await cli(['status', board.address, '--json']);
    expect(code).toBe(1);
    expect(lines.at(-1)).toMatchObject({
      result: 'connection-lost',
      message: expect.stringMatching(/needs a password.*Give them with --user USER --password PASSWORD/),
    });
  });
});

describe('an ambiguous DEVICE', () => {
  it('two BLE devices with one name: an error that lists both with their ids, nothing pushed', async () => {
    const image = path.join(folder, 'app.signed.bin');
    writeFileSync(
      image,
      buildMcubootImage({ version: { major: 1, minor: 1, revision: 0 }, payloadSize: 4000, seed: 3 }),
    );
    const { code, stdout, stderr } = await cli(['push', image, '--to', 'twin-sensor', '--timeout', '3'], {
      OTA_BENCH_BLE: `sim:${scenario}`,
    });
    expect(code).toBe(1);
    const said = stdout + stderr;
    expect(said).toMatch(/"twin-sensor" matches 2 devices; name one by its id/);
    const ids = [...said.matchAll(/id (ble:\S+)/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(2);
  });
});
