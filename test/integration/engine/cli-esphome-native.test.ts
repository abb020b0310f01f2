// The CLI pushes to an ESPHome node that has only native OTA, found by its name on mDNS: the JSON
// lines walk connect → transfer → reboot → verify, and the version comes from the re-announced TXT.
// A wrong password ends with exit 1 and its sentence, and the secret appears in no output line.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EsphomeNativeBoard } from '../../sim/boards/esphome-native-board.ts';
import { makeEspAppImage } from '../../sim/firmware-fixtures.ts';

const run = promisify(execFile);
const board = new EsphomeNativeBoard({
  address: '127.0.6.90',
  name: 'cli-native',
  platform: 'ESP8266',
  password: 'ota-secret',
  projectVersion: '3.0.0',
  announceIntervalMs: 200,
  bootMs: 400,
});

type Line = Record<string, unknown>;
async function cli(...args: string[]): Promise<{ code: number; lines: Line[]; raw: string }> {
  const parse = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/ota-bench.js', ...args, '--json'], {
      timeout: 60_000,
    });
    return { code: 0, lines: parse(stdout), raw: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, lines: parse(e.stdout), raw: e.stdout + e.stderr };
  }
}

beforeAll(() => board.start());
afterAll(() => board.stop());

describe('ota-bench push to an ESPHome native OTA node', () => {
  it('pushes, sees it reboot and reads the new project_version from TXT', async () => {
    const image = makeEspAppImage({ chip: 'esp8266', size: 200_000, version: '3.1.0', fileName: 'cli-native.bin' });
    const { code, lines, raw } = await cli(
      'push',
      image.path,
      '--to',
      'cli-native',
      // A password-only board: --password alone, as a user of `esphome upload` would expect.
      '--password',
      'ota-secret',
    );
    expect(code).toBe(0);
    const states = lines.filter((l) => l.type === 'job').map((l) => l.state);
    expect(states).toEqual(['connecting', 'transferring', 'rebooting', 'verifying', 'updated']);
    expect(lines.at(-1)).toMatchObject({ type: 'result', state: 'updated', fromVersion: '3.0.0', toVersion: '3.1.0' });
    expect(lines.find((l) => l.type === 'device')).toMatchObject({ protocol: 'esphome-native', port: 8266 });
    expect(raw).not.toContain('ota-secret');
  });

  it('says the password is wrong, exits 1 and leaves the board as it was', async () => {
    const image = makeEspAppImage({ chip: 'esp8266', size: 50_000, version: '3.2.0', fileName: 'cli-native-2.bin' });
    const { code, lines, raw } = await cli(
      'push',
      image.path,
      '--to',
      'cli-native',
      '--user',
      'ota',
      '--password',
      'nope',
    );
    expect(code).toBe(1);
    expect(lines.at(-1)).toMatchObject({ type: 'result', state: 'failed', result: 'auth-failed' });
    // The board asks for a password only: the hint does not send the user looking for a user name.
    expect(lines.at(-1)?.message).toMatch(/Check --password\.$/);
    expect(JSON.stringify(lines.at(-1))).toContain('Wrong OTA password');
    expect(raw).not.toContain('nope');
    expect(board.projectVersion).toBe('3.1.0');
  });
});
