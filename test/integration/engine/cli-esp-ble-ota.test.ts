// The CLI pushing to a simulated Espressif BLE OTA device (OTA_BENCH_BLE=sim:scenario.json): discover
// lists it as pushable, a push sends every sector and ends 'updated' with what could and could not be
// verified, a device whose esp_ota_end refuses the image fails in words, and a file the firmware cannot
// take is refused before anything is sent.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import { esp32App, filler } from '../../unit/images/builders.ts';

const run = promisify(execFile);
const folder = mkdtempSync(path.join(tmpdir(), 'ota-bench-cli-esp-ota-'));
const scenario = path.join(folder, 'scenario.json');
writeFileSync(
  scenario,
  JSON.stringify({
    timeScale: 0.05,
    devices: [
      { kind: 'esp-ota', id: 'c0de00000201', name: 'cli-esp-ota', corruptSector: { sector: 2 } },
      { kind: 'esp-ota', id: 'c0de00000202', name: 'cli-esp-s3', chipId: 9 },
    ],
  }),
);
const file = (name: string, bytes: Buffer) => {
  const at = path.join(folder, name);
  writeFileSync(at, bytes);
  return at;
};
const app = file('blink.bin', esp32App({ version: '2.0.0', extra: filler(24_000, 11) }));
const mcuboot = file(
  'app.signed.bin',
  buildMcubootImage({ version: { major: 1, minor: 1, revision: 0 }, payloadSize: 4_000, seed: 3 }),
);

type Line = Record<string, unknown>;
async function cli(...args: string[]): Promise<{ code: number; lines: Line[] }> {
  const env = { ...process.env, OTA_BENCH_BLE: `sim:${scenario}` };
  const parse = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
  try {
    const { stdout } = await run(process.execPath, ['bin/ota-bench.js', ...args, '--json', '--timeout', '2'], {
      timeout: 60_000,
      env,
    });
    return { code: 0, lines: parse(stdout) };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, lines: parse(e.stdout) };
  }
}

describe('ota-bench pushing over Espressif BLE OTA (simulated radio)', () => {
  it('discover lists the devices as pushable', async () => {
    const { code, lines } = await cli('discover');
    expect(code).toBe(0);
    const devices = lines.filter((l) => l.type === 'device');
    expect(devices.map((d) => [d.name, d.protocol, d.pushSupported])).toEqual(
      expect.arrayContaining([
        ['cli-esp-ota', 'esp-ble-ota', true],
        ['cli-esp-s3', 'esp-ble-ota', true],
      ]),
    );
  });

  it('push sends every sector (one resent after a CRC error), waits for the restart and says what is known', async () => {
    const { code, lines } = await cli('push', app, '--to', 'cli-esp-ota');
    expect(code, JSON.stringify(lines.at(-1))).toBe(0);
    expect(lines.find((l) => l.type === 'plan')).toMatchObject({ verdict: 'ready', protocol: 'esp-ble-ota' });
    expect(lines.some((l) => l.type === 'job' && l.state === 'transferring')).toBe(true);
    expect(lines.at(-1)).toMatchObject({
      type: 'result',
      result: 'success',
      state: 'updated',
      message: expect.stringMatching(/took the image \(2\.0\.0\), restarted .* cannot confirm the version/),
    });
  });

  it('a device whose esp_ota_end refuses the image: exit 1 with the reason', async () => {
    const { code, lines } = await cli('push', app, '--to', 'cli-esp-s3');
    expect(code).toBe(1);
    expect(String(lines.at(-1)?.message)).toMatch(/took every sector but did not restart/);
  });

  it('refuses an MCUboot image without sending', async () => {
    const { code, lines } = await cli('push', mcuboot, '--to', 'cli-esp-ota');
    expect(code).toBe(1);
    expect(String(lines.at(-1)?.message)).toMatch(/MCUboot image: it is for MCUmgr/);
  });
});
