// The CLI over Bluetooth LE, pointed at the simulated radio by its development setting
// (OTA_BENCH_BLE=sim:scenario.json): discover lists BLE devices, push --mode runs the SMP job, a
// separate `status --json` process sees the slots the push left (the scenario's stateDir), a
// crashing image ends rolled back, and refusals send nothing.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import { buildMongooseFwZip } from '../../sim/fw-zip.ts';

const run = promisify(execFile);
const folder = mkdtempSync(path.join(tmpdir(), 'ota-bench-cli-ble-'));
const scenario = path.join(folder, 'scenario.json');
writeFileSync(
  scenario,
  JSON.stringify({
    timeScale: 0.05,
    stateDir: 'state',
    devices: [
      {
        kind: 'smp',
        id: 'c0de00000101',
        name: 'cli-sensor',
        version: '1.0.0',
        bufSize: 2475,
        bufCount: 4,
        swapMs: 400,
        bootMs: 100,
      },
      {
        kind: 'smp',
        id: 'c0de00000102',
        name: 'cli-crashy',
        version: '1.0.0',
        crashingVersions: ['9.9.9'],
        swapMs: 400,
        bootMs: 100,
      },
      { kind: 'mongoose-rpc', id: 'c0de00000103', name: 'cli-lamp' },
    ],
  }),
);
const file = (name: string, bytes: Buffer) => {
  const at = path.join(folder, name);
  writeFileSync(at, bytes);
  return at;
};
const v2 = file(
  'app-1.1.0.signed.bin',
  buildMcubootImage({ version: { major: 1, minor: 1, revision: 0 }, payloadSize: 60_000, seed: 11 }),
);
const crash = file(
  'app-9.9.9.signed.bin',
  buildMcubootImage({ version: { major: 9, minor: 9, revision: 9 }, payloadSize: 20_000, seed: 12 }),
);
const lampZip = file(
  'fw-1.1.0.zip',
  buildMongooseFwZip({ platform: 'esp32', version: '1.1.0', buildId: 'b1', size: 12_000 }),
);
const bare = Buffer.alloc(4096);
bare.writeUInt32LE(0x20008000, 0);
for (const at of [4, 8, 12]) bare.writeUInt32LE(0x00001001 + at, at);
const zephyr = file('zephyr.bin', bare);

type Line = Record<string, unknown>;
async function cli(...args: string[]): Promise<{ code: number; lines: Line[]; stderr: string }> {
  // OTA_BENCH_SERIAL=off: the machine's own serial ports (/dev/ttyS0…) would be listed beside the BLE devices.
  const env = { ...process.env, OTA_BENCH_BLE: `sim:${scenario}`, OTA_BENCH_SERIAL: 'off' };
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/ota-bench.js', ...args, '--json', '--timeout', '2'], {
      timeout: 60_000,
      env,
    });
    return {
      code: 0,
      lines: stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
      stderr,
    };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return {
      code: e.code,
      lines: e.stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
      stderr: e.stderr,
    };
  }
}

describe('ota-bench over BLE (simulated radio)', () => {
  it('discover lists BLE devices with transport, address and RSSI', async () => {
    const { code, lines } = await cli('discover');
    expect(code).toBe(0);
    const devices = lines.filter((l) => l.type === 'device');
    expect(devices.map((d) => [d.name, d.transport, d.protocol, d.pushSupported])).toEqual(
      expect.arrayContaining([
        ['cli-sensor', 'ble', 'mcumgr-smp', true],
        ['cli-crashy', 'ble', 'mcumgr-smp', true],
        ['cli-lamp', 'ble', 'mongoose-os-ble', true],
      ]),
    );
    expect(devices.every((d) => typeof d.rssi === 'number')).toBe(true);
  });

  it('push --mode test-and-confirm commits, and a separate status --json lists the new slots', async () => {
    const { code, lines } = await cli('push', v2, '--to', 'cli-sensor', '--mode', 'test-and-confirm');
    expect(code, JSON.stringify(lines.at(-1))).toBe(0);
    expect(lines.find((l) => l.type === 'plan')).toMatchObject({ verdict: 'ready', protocol: 'mcumgr-smp' });
    expect(lines.find((l) => l.type === 'job' && l.state === 'transferring')).toMatchObject({
      mode: 'test-and-confirm',
      link: { attMtu: 247, maxPacketBytes: 2475, window: 3 },
    });
    expect(lines.at(-1)).toMatchObject({
      type: 'result',
      result: 'success',
      state: 'committed',
      fromVersion: '1.0.0',
      toVersion: '1.1.0',
    });

    const status = await cli('status', 'cli-sensor');
    expect(status.code).toBe(0);
    const slots = (status.lines.find((l) => l.type === 'status') as { imageSlots: Array<Record<string, unknown>> })
      .imageSlots;
    expect(slots).toEqual([
      expect.objectContaining({ slot: 0, version: '1.1.0', active: true, confirmed: true }),
      expect.objectContaining({ slot: 1, version: '1.0.0', active: false }),
    ]);
  });

  it('an image that crashes at boot ends rolled back with exit 1', async () => {
    const { code, lines } = await cli('push', crash, '--to', 'cli-crashy');
    expect(code).toBe(1);
    expect(lines.at(-1)).toMatchObject({
      type: 'result',
      result: 'rolled-back',
      state: 'rolled-back',
      message: expect.stringMatching(/came back running 1\.0\.0/),
    });
  });

  it('push --commit auto to a Mongoose OS device over RPC-over-GATT: reboots, verifies, commits', async () => {
    const { code, lines } = await cli('push', lampZip, '--to', 'cli-lamp', '--commit', 'auto');
    expect(code, JSON.stringify(lines.at(-1))).toBe(0);
    expect(lines.find((l) => l.type === 'plan')).toMatchObject({ verdict: 'ready', protocol: 'mongoose-os-ble' });
    expect(lines.at(-1)).toMatchObject({
      type: 'result',
      result: 'success',
      state: 'committed',
      fromVersion: '1.0.0',
      toVersion: '1.1.0',
      message: 'Committed 1.1.0 on cli-lamp.',
    });
  });

  it('refuses a bare zephyr.bin, and an MCUboot image for a Mongoose OS device, without sending; rejects a bad --mode', async () => {
    const bareResult = await cli('push', zephyr, '--to', 'cli-sensor');
    expect(bareResult.code).toBe(1);
    expect(bareResult.lines.at(-1)).toMatchObject({
      type: 'result',
      message: expect.stringMatching(/^Not pushed: .*without the MCUboot header/),
    });

    const lamp = await cli('push', v2, '--to', 'cli-lamp');
    expect(lamp.code).toBe(1);
    expect(String(lamp.lines.at(-1)?.message)).toMatch(/not a Mongoose OS fw\.zip/);

    const mode = await cli('push', v2, '--to', 'cli-sensor', '--mode', 'yolo');
    expect(mode.code).toBe(2); // a mistake on the command line
    expect(String(mode.lines.at(-1)?.message)).toMatch(/--mode must be test-and-confirm, confirm-only, test-only/);
  });
});
