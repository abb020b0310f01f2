// Slot actions on boards whose bootloader cannot mark images (fake-mcuboot-board.ts): test and confirm
// are refused in words before any test/confirm is sent (or the rc 8 answer is put in words when the board
// did not say beforehand); erase and reset still work; a swap board still takes a test.
import { describe, expect, it } from 'vitest';
import { runSlotAction, type SlotActionInput } from '../../../electron/engine/jobs/slot-actions.ts';
import { buildMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import { FakeMcubootBoard, type FakeBootloader } from './support/fake-mcuboot-board.ts';

const image = (major: number, minor: number) =>
  buildMcubootImage({ version: { major, minor, revision: 0 }, payloadSize: 2_000, seed: major * 100 + minor });
const v1 = image(1, 0);
const v11 = image(1, 1);

function boardWithUpload(bootloader: FakeBootloader, bootloaderMode?: number) {
  const board = new FakeMcubootBoard({ bootloader, initialImage: v1, bootloaderMode });
  board.place(1, v11);
  return board;
}

const act = (board: FakeMcubootBoard, input: SlotActionInput) =>
  runSlotAction(input, {
    deviceId: 'serial:/dev/fake',
    name: 'zephyr-board',
    connect: board.connect,
    connectTimeoutMs: 1_000,
    rebootGoneMs: 300,
    rebootComeBackMs: 2_000,
  });

/** Test/confirm writes that carry a hash: the probe (no hash) changes nothing and is not one of them. */
const markWrites = (board: FakeMcubootBoard) => board.requests.filter((r) => r === 'write 1/0 confirm,hash');

describe('slot actions and the bootloader', () => {
  it('RAM load: test is refused in words before anything is marked', async () => {
    const board = boardWithUpload('ram-load');
    const result = await act(board, { action: 'test' });
    expect(result.done).toBe(false);
    expect(result.message).toMatch(
      /^zephyr-board cannot mark an image for test: The board answers image state writes with "not supported" .* Nothing was changed\. Erase and reset still work/,
    );
    expect(markWrites(board)).toEqual([]);
  });

  it('RAM load named by bootloader info: confirm of slot 1 refused without a single state write', async () => {
    const board = boardWithUpload('ram-load', 6);
    const result = await act(board, { action: 'confirm', slot: 1 });
    expect(result).toMatchObject({ done: false });
    expect(result.message).toMatch(/cannot confirm an image: MCUboot in RAM load mode: /);
    expect(board.stateWritesCount()).toBe(0);
  });

  it('RAM load: erase and reset still work (the reset boots the newest)', async () => {
    const board = boardWithUpload('ram-load');
    const reset = await act(board, { action: 'reset' });
    expect(reset.done).toBe(true);
    expect(reset.firmwareVersion).toBe('1.1.0');
    const erase = await act(board, { action: 'erase' });
    expect(erase.done).toBe(true);
    expect(erase.message).toMatch(/Erased slot 1 of zephyr-board|Erased slot/);
  });

  it('MCUboot serial recovery (no flags, no probe): the rc 8 answer to test is put in words', async () => {
    const board = boardWithUpload('serial-recovery');
    const result = await act(board, { action: 'test' });
    expect(result.done).toBe(false);
    expect(result.message).toBe(
      'zephyr-board answered marking an image for test with "not supported" (MGMT_ERR_ENOTSUP, rc 8): its bootloader (MCUboot serial recovery, RAM load or direct XIP) cannot mark images for test or confirm them. Nothing changed. Erase and reset still work; after a reset the bootloader chooses what runs.',
    );
  });

  it('a swap board still takes a test', async () => {
    const board = boardWithUpload('swap');
    const result = await act(board, { action: 'test' });
    expect(result).toMatchObject({ done: true, message: 'Marked 1.1.0 in slot 1 for a test boot.' });
    expect(board.pending).toBe('test');
  });
});
