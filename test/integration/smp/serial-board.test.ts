// The simulated serial SMP board on a real pseudo-terminal, opened by the engine's serial transport
// through the real serialport package: a whole push, log lines between frames, oversize requests
// dropped, the cable pulled and put back, a USB board re-enumerating after its reset.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openSerialSmpTransport } from '../../../electron/engine/smp/serial-transport.ts';
import { LinkLostError, SmpClient, SmpTimeoutError } from '../../../electron/engine/smp/smp-client.ts';
import { SmpSession } from '../../../electron/engine/smp/smp-session.ts';
import { uploadImage } from '../../../electron/engine/smp/smp-upload.ts';
import { buildMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import { SerialSmpBoard, type SerialSmpBoardOptions } from '../../sim/smp/serial-smp-board.ts';

const v1 = buildMcubootImage({ version: { major: 1, minor: 0, revision: 0 }, payloadSize: 8000 });
const v2 = buildMcubootImage({ version: { major: 1, minor: 1, revision: 0 }, payloadSize: 30_000 });
const echo = (d: string) => ({ op: 2 as const, group: 0, id: 0, body: { d }, what: 'echo' });
const FAST = { firstMs: 2000, lastMs: 2000, otherMs: 500, triesPerOffset: 8 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the simulated serial SMP board through the engine serial transport', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function board(options: Partial<SerialSmpBoardOptions> = {}): Promise<SerialSmpBoard> {
    const started = await SerialSmpBoard.start({ initialImage: v1, mode: 'zephyr-swap', ...options });
    cleanups.push(() => started.close());
    return started;
  }

  function connector(target: SerialSmpBoard, lines: string[] = []) {
    return (options: { timeoutMs: number; signal?: AbortSignal }) =>
      openSerialSmpTransport({
        path: target.path,
        baudRate: 115200,
        flowControl: 'none',
        onConsoleLine: (line) => lines.push(line),
        ...options,
      });
  }

  it('pushes over the pty: params, upload, test, reset, swap, confirm; log lines go to the console', async () => {
    const target = await board();
    const lines: string[] = [];
    const session = await SmpSession.open(connector(target, lines), { timeoutMs: 2000 });
    expect(session.params).toEqual({ bufSize: 384, bufCount: 4 });
    const sha = createHash('sha256').update(v2).digest();
    await uploadImage({
      client: session.client,
      file: v2,
      sha,
      maxPacket: session.maxPacket,
      window: session.window,
      timeouts: FAST,
    });
    expect(target.server.slots[1]?.bytes.equals(v2)).toBe(true);
    await session.testImage(target.server.slots[1]!.info.hash);
    expect(lines.some((line) => line.includes('mcuboot_util: Image index: 0, Swap type: none'))).toBe(true);
    await session.resetAndClose(500);
    await sleep(1000);
    const after = await SmpSession.open(connector(target), { timeoutMs: 2000 });
    cleanups.push(() => after.close());
    expect((await after.readImageState()).find((s) => s.slot === 0)).toMatchObject({
      version: '1.1.0',
      confirmed: false,
    });
    await after.confirmImage(target.server.slots[0].info.hash);
    expect(target.server.revertOnNextBoot).toBe(false);
  });

  it('drops a request larger than buf_size without a word, like the real board', async () => {
    const target = await board();
    const transport = await connector(target)({ timeoutMs: 2000 });
    cleanups.push(() => transport.close());
    const client = new SmpClient(transport);
    await expect(client.send(echo('x'.repeat(400)), 500)).rejects.toBeInstanceOf(SmpTimeoutError);
    expect(target.counters.droppedOversize).toBe(1);
    // As measured on the real M0 (buf_size 384): the frame's length and CRC share the buffer, so a
    // 381-byte packet is dropped and a 380-byte one answered (echo packet = 14 bytes + the text).
    await expect(client.send(echo('x'.repeat(381 - 14)), 500)).rejects.toBeInstanceOf(SmpTimeoutError);
    expect(target.counters.droppedOversize).toBe(2);
    expect(await client.request(echo('y'.repeat(380 - 14)), 1000)).toEqual({ r: 'y'.repeat(366) });
    expect(await client.request(echo('fits'), 1000)).toEqual({ r: 'fits' });
  });

  it('mps2-like board (no-state-writes): a state write answers rc 8 in words', async () => {
    const target = await board({ mode: 'no-state-writes' });
    const session = await SmpSession.open(connector(target), { timeoutMs: 2000 });
    cleanups.push(() => session.close());
    expect(session.params).toEqual({ bufSize: 2048, bufCount: 4 });
    await expect(session.confirmImage(target.server.slots[0].info.hash)).rejects.toThrow(/does not support/);
  });

  it('unplug: the open port closes, pending requests fail; replug: the same path opens again', async () => {
    const target = await board();
    const transport = await connector(target)({ timeoutMs: 2000 });
    cleanups.push(() => transport.close());
    const closed: string[] = [];
    transport.onClose((reason) => closed.push(reason));
    const client = new SmpClient(transport);
    target.faults.silent = true;
    const pending = client.send(echo('pulled'), 5000).catch((e: Error) => e);
    await sleep(50);
    target.unplug();
    expect(await pending).toBeInstanceOf(LinkLostError);
    expect(closed).toHaveLength(1);
    target.faults.silent = false;
    // The engine keeps trying while the port is missing; the cable comes back 400 ms later.
    const reopening = connector(target)({ timeoutMs: 3000 });
    await sleep(400);
    await target.replug();
    const again = await reopening;
    cleanups.push(() => again.close());
    expect(await new SmpClient(again).request(echo('back'), 1000)).toEqual({ r: 'back' });
  });

  it('an upload cut by pulling the cable resumes from the offset the board kept once it is back', async () => {
    const target = await board();
    const session = await SmpSession.open(connector(target), { timeoutMs: 2000 });
    const sha = createHash('sha256').update(v2).digest();
    const input = { file: v2, sha, maxPacket: session.maxPacket, window: 1, timeouts: FAST };
    const cut = uploadImage({
      ...input,
      client: session.client,
      onOffset: (offset) => {
        if (offset > 10_000 && target.plugged) target.unplug();
      },
    });
    // The engine says so in its words: the port closed, or the write to the vanished port failed.
    await expect(cut).rejects.toThrow(/serial port closed|writing to/);
    await session.close();
    const heldOffset = target.server.upload!.off;
    expect(heldOffset).toBeGreaterThan(10_000);
    await target.replug();
    const again = await SmpSession.open(connector(target), { timeoutMs: 2000 });
    cleanups.push(() => again.close());
    let resumedAt = -1;
    await uploadImage({
      ...input,
      client: again.client,
      onStart: (offset, resumed) => {
        if (resumed) resumedAt = offset;
      },
    });
    expect(resumedAt).toBe(heldOffset);
    expect(target.server.slots[1]?.bytes.equals(v2)).toBe(true);
  });

  it('a USB board (reenumerateOnReset) takes its port away on reset and brings it back after booting', async () => {
    const target = await board({ reenumerateOnReset: true });
    const session = await SmpSession.open(connector(target), { timeoutMs: 2000 });
    const gone = new Promise<string>((resolve) => session.transport.onClose(resolve));
    await session.reset();
    expect(await gone).toBeTruthy();
    expect(target.plugged).toBe(false);
    await session.close();
    const after = await SmpSession.open(connector(target), { timeoutMs: 3000 });
    cleanups.push(() => after.close());
    expect(target.plugged).toBe(true);
    expect(await after.client.request(echo('re-enumerated'), 1000)).toEqual({ r: 're-enumerated' });
  });
});
