// The real Zephyr 4.4.0 smp_server on a Cortex-M0 under QEMU (MCUboot swap mode, SMP buffers 384 × 4), its
// UART on a QEMU pty opened by the real `serialport` code path, driven through the CLI as a user would:
// `ota-bench push FILE --to serial:/dev/pts/N --mode test-and-confirm`. Every answer asserted here comes
// from the real firmware. The image is the build's own .signed.bin re-versioned to 1.2.3 (mcuboot-restamp.ts).
// One board per file and ONE reset on it: a second reset of the M0 reloads the .hex given to QEMU, so the
// board "goes back" (testdata README), and nothing is asserted across two resets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQemuBoard, type QemuBoard } from '../../sim/qemu/qemu-board.ts';
import { writeQemuFirmware, type QemuFirmwareFiles } from '../../sim/qemu/mcuboot-restamp.ts';
import { findZephyrTestdata, ZEPHYR_PREFIX } from '../../sim/qemu/zephyr-testdata.ts';
import { cli, jobStates, logTexts, ofType, readSlots, resultOf } from './qemu-cli.ts';
import { qemuSkip } from './qemu-skip.ts';

const ORIGINAL_HASH = '1baa222074cc805faf4e09846d2377886b1e5ef7cfccd9eac1554d82d9aa9d5a';

describe.skipIf(qemuSkip)(qemuSkip ?? 'M0 swap build under QEMU: push over serial from the CLI', () => {
  let board: QemuBoard;
  let files: QemuFirmwareFiles;
  let device: string;

  beforeAll(async () => {
    files = writeQemuFirmware(findZephyrTestdata()!, ZEPHYR_PREFIX, '1.2.3');
    board = await startQemuBoard({ build: 'm0', serial: { kind: 'pty' } });
    device = `serial:${board.ptyPath}`;
  }, 30_000);

  afterAll(async () => {
    await board?.stop();
    files?.cleanup();
  });

  it('the image list comes from the board: 0.0.0 confirmed and active in slot 0, nothing in slot 1', async () => {
    const slots = await readSlots(device);
    expect(slots).toEqual([
      expect.objectContaining({
        image: 0,
        slot: 0,
        version: '0.0.0',
        hash: ORIGINAL_HASH,
        confirmed: true,
        active: true,
      }),
    ]);
  }, 30_000);

  it('a file that is no MCUboot image is refused before connecting', async () => {
    const run = await cli(['push', files.notFirmware, '--to', device, '--json', '--mode', 'test-and-confirm']);
    expect(run.code, run.stdout).not.toBe(0);
    expect(jobStates(run.lines)).not.toContain('transferring');
    expect(ofType(run.lines, 'progress')).toHaveLength(0);
    expect(resultOf(run.lines)?.result).not.toBe('success');
    expect(run.stdout).toMatch(/not an MCUboot image|MCUboot/);
  }, 60_000);

  it("another board's image (the mps2 RAM-load build, load address 0x20240000) is refused before a byte is sent", async () => {
    const run = await cli(['push', files.mps2Image, '--to', device, '--json', '--mode', 'test-and-confirm']);
    expect(run.code, run.stdout).not.toBe(0);
    expect(jobStates(run.lines)).not.toContain('transferring');
    expect(ofType(run.lines, 'progress')).toHaveLength(0);
    // Refused by the plan (the board said it tests and confirms; the image is a RAM-load one), not by the
    // board's own size check after a first chunk (IMG_MGMT_ERR_INVALID_IMAGE_TOO_LARGE, as before the check).
    expect(resultOf(run.lines)).toMatchObject({ result: 'unsupported-package' });
    expect(String(resultOf(run.lines)?.message)).toMatch(/RAM-load mode \(flag RAM_LOAD, load address 0x20240000\)/);
    const plan = ofType(run.lines, 'plan')[0] as unknown as {
      verdict: string;
      checks: Array<{ id: string; status: string }>;
    };
    expect(plan.verdict).toBe('refused');
    expect(plan.checks).toContainEqual(expect.objectContaining({ id: 'image-kind', status: 'fail' }));
    // The board's own list says so too: still nothing in slot 1.
    const slots = await readSlots(device);
    expect(slots.filter((slot) => slot.slot === 1)).toEqual([]);
  }, 60_000);

  it('pushes 1.2.3: upload, test, reset (MCUboot swaps), reconnect, confirm; the list re-read shows 1.2.3 confirmed in slot 0', async () => {
    const run = await cli([
      'push',
      files.m0Update,
      '--to',
      device,
      '--json',
      '--mode',
      'test-and-confirm',
      '--commit',
      'auto',
    ]);
    expect(run.code, run.stdout).toBe(0);
    const states = jobStates(run.lines);
    for (const state of ['connecting', 'transferring', 'rebooting', 'verifying', 'committed'])
      expect(states).toContain(state);
    const progress = ofType(run.lines, 'progress');
    const link = progress.at(-1)?.link as Record<string, unknown>;
    // The board's MCUmgr params (384 × 4): packets of buf_size − 4 (length + CRC share the buffer), 2 in flight (serial's cap: smp-session.ts).
    expect(link).toMatchObject({ transport: 'serial', bufSize: 384, bufCount: 4, maxPacketBytes: 380, window: 2 });
    expect(progress.at(-1)).toMatchObject({ bytesSent: files.m0UpdateSize, totalBytes: files.m0UpdateSize });
    const logs = logTexts(run.lines);
    expect(logs.some((text) => /Marked 1\.2\.3 for a test boot/.test(text))).toBe(true);
    expect(logs.some((text) => /^Reconnected to/.test(text))).toBe(true);
    expect(resultOf(run.lines)).toMatchObject({
      type: 'result',
      result: 'success',
      state: 'committed',
      fromVersion: '0.0.0',
      toVersion: '1.2.3',
    });

    const slots = await readSlots(device);
    const slot0 = slots.find((slot) => slot.image === 0 && slot.slot === 0);
    expect(slot0).toMatchObject({
      version: '1.2.3',
      hash: files.m0UpdateHash,
      confirmed: true,
      active: true,
      pending: false,
    });
    // MCUboot's swap leaves the old image in slot 1, but this build lists only the running one afterwards.
    expect(slots.filter((slot) => slot.slot === 1 && (slot.pending || slot.active))).toEqual([]);
  }, 120_000);
});
