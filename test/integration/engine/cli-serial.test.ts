// The CLI over a serial port, against the simulated Zephyr board on a pseudo-terminal (test/sim/smp/
// serial-smp-board.ts: console framing, log lines between frames, a port that can be pulled): the path
// is one the OS does not list, named as serial:PATH; push tests, resets and confirms end to end; a port
// pulled mid-upload and plugged back resumes from the board's offset; discover never writes to a port
// nobody named.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { buildMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import { SerialSmpBoard } from '../../sim/smp/serial-smp-board.ts';

const run = promisify(execFile);
const folder = mkdtempSync(path.join(tmpdir(), 'ota-bench-cli-serial-'));
const v1 = buildMcubootImage({ version: { major: 1, minor: 0, revision: 0 }, payloadSize: 20_000, seed: 1 });
const v2Path = path.join(folder, 'app-1.1.0.signed.bin');
writeFileSync(
  v2Path,
  buildMcubootImage({ version: { major: 1, minor: 1, revision: 0 }, payloadSize: 60_000, seed: 2 }),
);
const socatMissing = !existsSync('/usr/bin/socat');

type Line = Record<string, unknown>;
async function cli(...args: string[]): Promise<{ code: number; lines: Line[]; stderr: string }> {
  const env = { ...process.env, OTA_BENCH_BLE: 'off', OTA_BENCH_DATA_DIR: folder };
  const parse = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/ota-bench.js', ...args, '--json'], {
      timeout: 90_000,
      env,
    });
    return { code: 0, lines: parse(stdout), stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, lines: parse(e.stdout ?? ''), stderr: e.stderr };
  }
}

let board: SerialSmpBoard | null = null;
afterEach(async () => {
  await board?.close();
  board = null;
});

describe.skipIf(socatMissing)('ota-bench over a serial port (simulated Zephyr board on a pty)', () => {
  it('push FILE --to serial:PATH tests, resets and confirms; status reads the new slots', async () => {
    board = await SerialSmpBoard.start({ initialImage: v1, mode: 'zephyr-swap' });
    const pushed = await cli(
      'push',
      v2Path,
      '--to',
      `serial:${board.path}`,
      '--commit',
      'auto',
      '--health-seconds',
      '1',
    );
    expect(pushed.code, JSON.stringify(pushed.lines.at(-1)) + pushed.stderr).toBe(0);
    expect(pushed.lines.find((l) => l.type === 'device')).toMatchObject({
      transport: 'serial',
      protocol: 'mcumgr-smp',
      address: board.path,
      serial: expect.objectContaining({ allowed: true, probe: 'smp', baudRate: 115200 }),
    });
    expect(pushed.lines.at(-1)).toMatchObject({
      type: 'result',
      result: 'success',
      state: 'committed',
      fromVersion: '1.0.0',
      toVersion: '1.1.0',
    });

    const status = await cli('status', `serial:${board.path}@230400`);
    expect(status.code).toBe(0);
    const slots = (status.lines.find((l) => l.type === 'status') as { imageSlots: Array<Record<string, unknown>> })
      .imageSlots;
    expect(slots[0]).toMatchObject({ slot: 0, version: '1.1.0', active: true, confirmed: true });
  });

  it('a USB board whose port goes away at the reset (re-enumeration) is waited for and confirmed', async () => {
    board = await SerialSmpBoard.start({ initialImage: v1, mode: 'zephyr-swap', reenumerateOnReset: true });
    const pushed = await cli(
      'push',
      v2Path,
      '--to',
      `serial:${board.path}`,
      '--commit',
      'auto',
      '--health-seconds',
      '1',
    );
    expect(pushed.code, JSON.stringify(pushed.lines.at(-1)) + pushed.stderr).toBe(0);
    expect(pushed.lines.at(-1)).toMatchObject({ result: 'success', state: 'committed', toVersion: '1.1.0' });
  });

  it('a port pulled mid-upload and plugged back in resumes from the board’s offset', async () => {
    board = await SerialSmpBoard.start({ initialImage: v1, mode: 'zephyr-swap' });
    const pushing = cli('push', v2Path, '--to', `serial:${board.path}`, '--commit', 'auto', '--health-seconds', '1');
    // Pull the cable once a third of the image is on the board; plug it back 1.5 s later.
    const started = Date.now();
    while ((board.server.snapshot().upload?.off ?? 0) < 20_000 && Date.now() - started < 60_000)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const pulledAt = board.server.snapshot().upload?.off ?? 0;
    board.unplug();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await board.replug();
    const pushed = await pushing;
    expect(pushed.code, JSON.stringify(pushed.lines.at(-1)) + pushed.stderr).toBe(0);
    expect(pulledAt).toBeGreaterThan(0);
    const log = pushed.lines.filter((l) => l.type === 'log').map((l) => l.text as string);
    expect(log.join('\n')).toMatch(/The link dropped at byte/);
    expect(log.join('\n')).toMatch(/Resumed at byte/);
    expect(pushed.lines.at(-1)).toMatchObject({ result: 'success', toVersion: '1.1.0' });
  });

  it('discover lists a port named with --serial and its probe; a port nobody named is never written to', async () => {
    board = await SerialSmpBoard.start({ initialImage: v1, mode: 'zephyr-swap' });
    const other = await SerialSmpBoard.start({ initialImage: v1, mode: 'zephyr-swap' });
    try {
      const found = await cli('discover', '--serial', board.path, '--timeout', '1');
      expect(found.code).toBe(0);
      const named = found.lines.find((l) => l.type === 'device' && l.address === board!.path);
      expect(named).toMatchObject({ transport: 'serial', protocol: 'mcumgr-smp', online: true });
      expect((named as { serial: Record<string, unknown> }).serial).toMatchObject({ probe: 'smp', allowed: true });
      expect(found.lines.some((l) => l.address === other.path)).toBe(false);
      expect(other.counters.requests).toBe(0);
      expect(other.textReceived).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('a bad baud rate and a missing port are refused in words', async () => {
    const baud = await cli('status', 'serial:/dev/ttyACM0@12345');
    expect(baud.code).toBe(1);
    expect(baud.lines.at(-1)?.message).toMatch(/12345 baud is not a rate OTA Bench offers/);
    const missing = await cli('status', `serial:${folder}/no-such-port`);
    expect(missing.code).toBe(1);
    expect(missing.lines.at(-1)?.message).toMatch(/There is no serial port at/);
    const option = await cli('status', 'serial:/dev/ttyACM0', '--flow', 'xon');
    expect(option.code).toBe(2);
  });
});
