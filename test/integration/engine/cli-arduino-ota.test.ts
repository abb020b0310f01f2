// The CLI pushes to an ArduinoOTA board found by its mDNS name: the JSON lines walk connect →
// transfer → reboot → verify, the board connects back to the port --ota-port names, and a board
// that never connects back ends with exit 1 and the sentence naming that port and address.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArduinoOtaBoard } from '../../sim/boards/arduino-ota-board.ts';
import { makeEspAppImage } from '../../sim/firmware-fixtures.ts';

const run = promisify(execFile);
const board = new ArduinoOtaBoard({ address: '127.0.7.30', hostname: 'cli-sketch', password: 'ota-secret' });
const silent = new ArduinoOtaBoard({ address: '127.0.7.31', hostname: 'cli-walled', neverConnectsBack: true });

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

beforeAll(() => Promise.all([board.start(), silent.start()]));
afterAll(() => Promise.all([board.stop(), silent.stop()]));

describe('ota-bench push to an ArduinoOTA board', () => {
  it('pushes through the port --ota-port names and sees the board announce itself again', async () => {
    const image = makeEspAppImage({ chip: 'esp32', size: 150_000, version: '5.1.0', fileName: 'cli-sketch.bin' });
    const { code, lines, raw } = await cli(
      'push',
      image.path,
      '--to',
      'cli-sketch',
      '--user',
      'ota',
      '--password',
      'ota-secret',
      '--ota-port',
      '47123',
    );
    expect(code, raw).toBe(0);
    const states = lines.filter((l) => l.type === 'job').map((l) => l.state);
    expect(states).toEqual(['connecting', 'transferring', 'rebooting', 'verifying', 'updated']);
    expect(lines.find((l) => l.type === 'device')).toMatchObject({ protocol: 'arduino-ota', port: 3232 });
    expect(board.connectedTo).toEqual([expect.stringMatching(/:47123$/)]);
    expect(board.received.at(-1)).toMatchObject({ sha256: image.sha256, outcome: 'applied' });
    expect(raw).not.toContain('ota-secret');
  });

  it('exits 1 with the firewall sentence when the board never connects back', async () => {
    const image = makeEspAppImage({ chip: 'esp32', size: 50_000, version: '5.2.0', fileName: 'cli-walled.bin' });
    const { code, lines } = await cli('push', image.path, '--to', 'cli-walled', '--ota-port', '47124');
    expect(code).toBe(1);
    expect(String(lines.at(-1)?.message)).toMatch(
      /firewall blocking inbound TCP port 47124, or the wrong interface: OTA Bench listened on [\d.]+:47124/,
    );
  }, 30_000);

  it('pushes to a board typed in as host:port with --protocol arduino-ota', async () => {
    const image = makeEspAppImage({ chip: 'esp32', size: 80_000, version: '5.4.0', fileName: 'cli-typed.bin' });
    const { code, lines, raw } = await cli(
      'push',
      image.path,
      '--to',
      `${board.address}:3232`,
      '--protocol',
      'arduino-ota',
      '--user',
      'ota',
      '--password',
      'ota-secret',
      '--reboot-timeout',
      '10',
    );
    expect(code, raw).toBe(0);
    // Added by address, the board is not in mDNS's list: the push says what it cannot see.
    expect(lines.at(-1)).toMatchObject({ type: 'result', state: 'updated', toVersion: null });
    expect(String(lines.at(-1)?.message)).toContain('cannot see it come back or tell which firmware runs');
    expect(board.received.at(-1)).toMatchObject({ sha256: image.sha256, outcome: 'applied' });
  });

  it('status says the board is announced and that what it runs cannot be read', async () => {
    const { code, raw } = await cli('status', 'cli-sketch');
    expect(code, raw).toBe(0);
    expect(raw).toContain('answer nothing but update invitations');
  });

  it('refuses an --ota-port that is no port', async () => {
    const image = makeEspAppImage({ chip: 'esp32', size: 50_000, version: '5.3.0', fileName: 'cli-badport.bin' });
    const { code, raw } = await cli('push', image.path, '--to', 'cli-sketch', '--ota-port', '70000');
    expect(code).toBe(2);
    expect(raw).toContain('--ota-port wants a TCP port from 1024 to 65535');
  });
});
