// The real MCUboot serial-recovery build on an mps2-an385 (Cortex-M3) under QEMU: the bootloader itself
// speaks SMP (buffers 2048 × 4), image state writes answer rc 8, the application is RAM-loaded. Through the
// CLI on its QEMU pty: `ota-bench discover --serial PTY` finds it by its MCUmgr answer; a push plans
// "upload, then reset" (no test or confirm step: the commit mode does not apply), uploads, resets, reads
// what runs and ends 'updated', never 'committed'. Every answer comes from the real firmware.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQemuBoard, type QemuBoard } from '../../sim/qemu/qemu-board.ts';
import { writeQemuFirmware, type QemuFirmwareFiles } from '../../sim/qemu/mcuboot-restamp.ts';
import { findZephyrTestdata, ZEPHYR_PREFIX } from '../../sim/qemu/zephyr-testdata.ts';
import { cli, jobStates, logTexts, ofType, readSlots, resultOf } from './qemu-cli.ts';
import { qemuSkip } from './qemu-skip.ts';

const ORIGINAL_HASH = 'a0306f5e8459d508f8b184565285d8e3455fb67fcf7c8482bf4b627f77ceb98f';

describe.skipIf(qemuSkip)(qemuSkip ?? 'mps2 MCUboot serial recovery under QEMU: discover and push over serial', () => {
  let board: QemuBoard;
  let files: QemuFirmwareFiles;

  beforeAll(async () => {
    files = writeQemuFirmware(findZephyrTestdata()!, ZEPHYR_PREFIX, '1.2.3');
    board = await startQemuBoard({ build: 'mps2', serial: { kind: 'pty' } });
  }, 30_000);

  afterAll(async () => {
    await board?.stop();
    files?.cleanup();
  });

  it('discover --serial PTY lists the pty as an MCUmgr board (the probe heard it answer)', async () => {
    const run = await cli(['discover', '--serial', board.ptyPath!, '--json', '--timeout', '3']);
    expect(run.code, run.stdout).toBe(0);
    const found = ofType(run.lines, 'device').find((line) => line.id === `serial:${board.ptyPath}`);
    expect(found, run.stdout).toMatchObject({
      transport: 'serial',
      protocol: 'mcumgr-smp',
      pushSupported: true,
      serial: expect.objectContaining({ path: board.ptyPath, allowed: true, probe: 'smp' }),
    });
    // "It answers MCUmgr (buffers of 2048 B)." — or, when the params question (800 ms) came before QEMU noticed
    // the pty was opened (it polls for a reader once a second and holds the board's answers until then), the
    // echo answered instead: "It answers MCUmgr (no params: serial-sized packets)." Both are the board's answer.
    expect(String((found!.serial as Record<string, unknown>).probeMessage)).toMatch(
      /^It answers MCUmgr \((buffers of 2048 B|no params: serial-sized packets)\)\.$/,
    );
  }, 60_000);

  it('pushes 1.2.3: upload then reset, no test or confirm; ends updated (not committed) running 1.2.3', async () => {
    const device = `serial:${board.ptyPath}`;
    expect((await readSlots(device)).find((slot) => slot.active)).toMatchObject({
      version: '0.0.0',
      hash: ORIGINAL_HASH,
    });

    const run = await cli([
      'push',
      files.mps2Update,
      '--to',
      device,
      '--json',
      '--mode',
      'test-and-confirm',
      '--commit',
      'auto',
    ]);
    expect(run.code, run.stdout).toBe(0);
    // The plan, before a byte is sent, already says what this bootloader does (it answered rc 8 to the probe).
    const plan = ofType(run.lines, 'plan')[0] as unknown as {
      reason: string;
      checks: Array<{ id: string; status: string }>;
    };
    expect(plan.reason).toMatch(/^Uploads, then resets: this board's bootloader has no test or confirm step/);
    expect(plan.checks).toContainEqual(expect.objectContaining({ id: 'bootloader', status: 'warn' }));
    const logs = logTexts(run.lines);
    // The bootloader said rc 8 to a state write: the plan warns that the commit mode does not apply.
    expect(
      logs.some((text) => /cannot mark images for test or confirm them: OTA Bench uploads, then resets/.test(text)),
    ).toBe(true);
    expect(logs.some((text) => /^Marked .* for a test boot/.test(text))).toBe(false);
    const states = jobStates(run.lines);
    expect(states).toContain('transferring');
    expect(states).not.toContain('committing');
    expect(states).not.toContain('committed');
    const link = ofType(run.lines, 'progress').at(-1)?.link as Record<string, unknown>;
    expect(link).toMatchObject({ transport: 'serial', bufSize: 2048, bufCount: 4, maxPacketBytes: 2044, window: 2 });
    expect(resultOf(run.lines)).toMatchObject({
      result: 'success',
      state: 'updated',
      fromVersion: '0.0.0',
      toVersion: '1.2.3',
    });
    expect(String(resultOf(run.lines)?.message)).toMatch(/no confirm step on this bootloader/);

    // Read back from the bootloader: the upload runs (RAM load boots the newest version), not confirmed by us.
    const running = (await readSlots(device)).find((slot) => slot.active);
    expect(running).toMatchObject({ version: '1.2.3', hash: files.mps2UpdateHash });
  }, 120_000);
});
