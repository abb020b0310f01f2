// An upload to the real Zephyr M0 swap build (QEMU pty) cut off mid-way by killing the CLI, which closes the
// port under it, then pushed again: the board keeps its partial upload and says where it stands (its `off`),
// and the second push resumes from there instead of byte 0, then finishes the whole flow (test, reset,
// MCUboot swap, reconnect, confirm). One reset on this board (a second would reload the .hex).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQemuBoard, type QemuBoard } from '../../sim/qemu/qemu-board.ts';
import { writeQemuFirmware, type QemuFirmwareFiles } from '../../sim/qemu/mcuboot-restamp.ts';
import { findZephyrTestdata, ZEPHYR_PREFIX } from '../../sim/qemu/zephyr-testdata.ts';
import { cli, cliKilledWhen, logTexts, ofType, readSlots, resultOf } from './qemu-cli.ts';
import { qemuSkip } from './qemu-skip.ts';

describe.skipIf(qemuSkip)(qemuSkip ?? 'M0 swap build under QEMU: an interrupted serial upload resumes', () => {
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

  it('killed mid-upload (port closed), the next push resumes from the offset the board kept and commits 1.2.3', async () => {
    const args = ['push', files.m0Update, '--to', device, '--json', '--mode', 'test-and-confirm', '--commit', 'auto'];
    const cut = await cliKilledWhen(args, (line) => line.type === 'progress' && Number(line.bytesSent) > 0);
    expect(cut.killed, cut.stdout).toBe(true);
    const sentBeforeCut = Number(ofType(cut.lines, 'progress').at(-1)?.bytesSent);
    expect(sentBeforeCut).toBeGreaterThan(0);
    expect(sentBeforeCut).toBeLessThan(files.m0UpdateSize);

    const again = await cli(args);
    expect(again.code, again.stdout).toBe(0);
    // The board's own answer to the first upload request of the new push: the offset it kept (the job
    // logs it; link.resumedFrom lists only resumes after a drop within one push).
    const logs = logTexts(again.lines);
    const resumedLine = logs.find((text) => /from an earlier push: resuming there/.test(text)) ?? '';
    expect(resumedLine, logs.join('\n')).toMatch(/^The device already holds [\d,]+ of 49,692 bytes of this file/);
    const resumedAt = Number(/holds ([\d,]+) of/.exec(resumedLine)![1].replace(/,/g, ''));
    expect(resumedAt).toBeGreaterThan(0);
    expect(resumedAt).toBeLessThan(files.m0UpdateSize);
    // Fewer first-time requests than a whole upload (140 at 380-byte packets); a request sent again after
    // a timeout (the board sometimes drops one of 3 in flight) is counted apart.
    const uploaded = logs.find((text) => text.startsWith('Uploaded 49,692 bytes in')) ?? '';
    const requests = Number(/in (\d+) requests/.exec(uploaded)?.[1]);
    const resent = Number(/\((\d+) sent again\)/.exec(uploaded)?.[1] ?? 0);
    expect(requests - resent, uploaded).toBeLessThan(140);
    expect(resultOf(again.lines)).toMatchObject({ result: 'success', state: 'committed', toVersion: '1.2.3' });

    const slot0 = (await readSlots(device)).find((slot) => slot.image === 0 && slot.slot === 0);
    expect(slot0).toMatchObject({ version: '1.2.3', hash: files.m0UpdateHash, confirmed: true, active: true });
  }, 150_000);
});
