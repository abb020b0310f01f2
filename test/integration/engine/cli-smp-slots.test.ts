// `ota-bench commit|revert DEVICE` on an MCUmgr/SMP device over the simulated radio
// (OTA_BENCH_BLE=sim:…; the scenario's stateDir carries the flash between processes): after a
// --mode test-only push, commit confirms the running image and revert resets so MCUboot goes back,
// each saying what it did and what the next reset does, and listing the slots read afterwards.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildMcubootImage } from '../../sim/ble/mcuboot-image.ts';

const run = promisify(execFile);
const folder = mkdtempSync(path.join(tmpdir(), 'ota-bench-cli-smp-slots-'));
const scenario = path.join(folder, 'scenario.json');
writeFileSync(
  scenario,
  JSON.stringify({
    timeScale: 0.05,
    stateDir: 'state',
    devices: [
      {
        kind: 'smp',
        id: 'c0de00000201',
        name: 'slot-sensor',
        version: '1.0.0',
        bufSize: 2475,
        bufCount: 4,
        swapMs: 400,
        bootMs: 100,
      },
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
  buildMcubootImage({ version: { major: 1, minor: 1, revision: 0 }, payloadSize: 20_000, seed: 21 }),
);
const v3 = file(
  'app-1.2.0.signed.bin',
  buildMcubootImage({ version: { major: 1, minor: 2, revision: 0 }, payloadSize: 20_000, seed: 22 }),
);

async function cli(...args: string[]): Promise<{ code: number; stdout: string }> {
  const env = { ...process.env, OTA_BENCH_BLE: `sim:${scenario}` };
  try {
    const { stdout } = await run(process.execPath, ['bin/ota-bench.js', ...args, '--timeout', '2'], {
      timeout: 60_000,
      env,
    });
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout + e.stderr };
  }
}
const json = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('commit and revert on an SMP device from the CLI', () => {
  it('after --mode test-only: commit confirms the running image and says the next reset keeps it; again, it says it already is', async () => {
    const pushed = await cli('push', v2, '--to', 'slot-sensor', '--mode', 'test-only');
    expect(pushed.code, pushed.stdout).toBe(0);
    expect(pushed.stdout).toMatch(/unless the firmware or you confirm it/);

    const commit = await cli('commit', 'slot-sensor');
    expect(commit.code, commit.stdout).toBe(0);
    expect(commit.stdout).not.toMatch(/has no commit\/revert/);
    expect(commit.stdout).toMatch(/Confirmed 1\.1\.0, the image slot-sensor runs \(slot 0\): it stays after resets\./);
    expect(commit.stdout).toMatch(/The next reset boots 1\.1\.0 again\./);
    expect(commit.stdout).toMatch(/slot 0: 1\.1\.0 .*confirmed active/);

    const again = await cli('commit', 'slot-sensor');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(
      /slot-sensor runs 1\.1\.0, already confirmed, and nothing is pending: nothing to commit/,
    );
  }, 120_000);

  it('after --mode test-only: revert resets, MCUboot goes back, and the slots printed are the ones after', async () => {
    const pushed = await cli('push', v3, '--to', 'slot-sensor', '--mode', 'test-only');
    expect(pushed.code, pushed.stdout).toBe(0);

    const revert = await cli('revert', 'slot-sensor', '--json');
    expect(revert.code, revert.stdout).toBe(0);
    const lines = json(revert.stdout);
    const slots = lines.find((l) => l.type === 'slots') as {
      message: string;
      nextReset: string;
      imageSlots: Array<Record<string, unknown>>;
    };
    expect(slots.message).toMatch(
      /1\.2\.0 ran as an unconfirmed test: reset slot-sensor, and MCUboot went back — it came back running 1\.1\.0, confirmed \(was 1\.2\.0\)/,
    );
    expect(slots.nextReset).toBe('The next reset boots 1.1.0 again.');
    expect(slots.imageSlots).toEqual([
      expect.objectContaining({ slot: 0, version: '1.1.0', active: true, confirmed: true }),
      expect.objectContaining({ slot: 1, version: '1.2.0', active: false, pending: false }),
    ]);
    expect(lines.at(-1)).toMatchObject({ type: 'result', result: 'success', toVersion: '1.1.0' });

    const status = await cli('status', 'slot-sensor', '--json');
    expect(json(status.stdout).find((l) => l.type === 'status')).toMatchObject({ firmwareVersion: '1.1.0' });

    const nothing = await cli('revert', 'slot-sensor');
    expect(nothing.stdout).toMatch(/runs 1\.1\.0, confirmed, and nothing is pending: there is nothing to revert/);
  }, 120_000);
});
