// The serial transport against the REAL Zephyr 4.4.0 smp_server (M0, MCUboot swap build) under QEMU, its
// UART on a pseudo-terminal opened by the real `serialport` code path. Every answer checked here comes
// from the real firmware. Skips, saying why, without qemu-system-arm or ../shared/testdata.
import { decode, encode } from 'cborg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSerialSmpTransport, type SerialSmpTransport } from '../../../electron/engine/smp/serial-transport.ts';
import { SmpSession } from '../../../electron/engine/smp/smp-session.ts';
import { SMP_OP, decodeSmpPacket, encodeSmpPacket, type SmpVersion } from '../../../electron/engine/smp/smp-frame.ts';
import { QEMU_PTY_SETTLE_MS, qemuSkipReason, startQemuBoard, type QemuBoard } from '../../sim/qemu/qemu-board.ts';
import { openQemuTcpSmpTransport } from '../../sim/qemu/qemu-tcp-transport.ts';

const skip = qemuSkipReason();
if (skip) console.warn(`serial-transport-qemu: ${skip}`);

let sequence = 0;
async function ask(
  transport: SerialSmpTransport,
  request: { op: number; group: number; id: number; body: object; version?: SmpVersion },
  timeoutMs = 3000,
) {
  const seq = ++sequence & 0xff;
  const answer = new Promise<Buffer>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no answer to group ${request.group} id ${request.id} within ${timeoutMs} ms`));
    }, timeoutMs);
    const stop = transport.onPacket((packet) => {
      if (packet[6] !== seq) return;
      clearTimeout(timer);
      stop();
      resolve(packet);
    });
  });
  const packet = encodeSmpPacket(
    {
      op: request.op as 0 | 2,
      version: request.version ?? 1,
      flags: 0,
      group: request.group,
      sequence: seq,
      id: request.id,
    },
    encode(request.body),
  );
  await transport.send(packet);
  const { header, body } = decodeSmpPacket(await answer);
  return { header, body: decode(body) as Record<string, unknown> };
}

describe.skipIf(skip)(`serial SMP transport against the real M0 board on a pty${skip ? ` (${skip})` : ''}`, () => {
  let board: QemuBoard;
  let transport: SerialSmpTransport;
  const consoleLines: string[] = [];

  beforeAll(async () => {
    board = await startQemuBoard({ build: 'm0', serial: { kind: 'pty' }, bootMs: 0 });
    transport = await openSerialSmpTransport({
      path: board.ptyPath!,
      baudRate: 115200,
      flowControl: 'none',
      timeoutMs: 5000,
      onConsoleLine: (text) => consoleLines.push(text),
    });
    await new Promise((resolve) => setTimeout(resolve, QEMU_PTY_SETTLE_MS)); // boot, and QEMU noticing the reader
  });

  afterAll(async () => {
    await transport?.close();
    await board?.stop();
  });

  it('labels the link and answers an echo', async () => {
    expect(transport.label).toBe(`serial ${board.ptyPath}, 115200 baud`);
    const { header, body } = await ask(transport, { op: SMP_OP.write, group: 0, id: 0, body: { d: 'hello serial' } });
    expect(header.op).toBe(SMP_OP.writeResponse);
    expect(body).toEqual({ r: 'hello serial' });
  });

  it('reports its MCUmgr params (384 × 4) and answers v2 with v2', async () => {
    const params = await ask(transport, { op: SMP_OP.read, group: 0, id: 6, body: {} });
    expect(params.body).toEqual({ buf_size: 384, buf_count: 4 });
    const info = await ask(transport, { op: SMP_OP.read, group: 0, id: 7, body: { format: 'snmv' }, version: 2 });
    expect(info.header.version).toBe(2);
    expect(info.body).toEqual({ output: 'Zephyr unknown 4.4.0 arm' });
  });

  it('sends and receives multi-line frames (a 300-byte echo both ways)', async () => {
    const text = 'z'.repeat(300);
    const { body } = await ask(transport, { op: SMP_OP.write, group: 0, id: 0, body: { d: text } });
    expect(body).toEqual({ r: text });
  });

  it('keeps several requests in flight without interleaving their lines', async () => {
    const answers = await Promise.all(
      [1, 2, 3].map((n) => ask(transport, { op: SMP_OP.write, group: 0, id: 0, body: { d: `${n}`.repeat(100) } })),
    );
    expect(answers.map((answer) => answer.body.r)).toEqual(['1'.repeat(100), '2'.repeat(100), '3'.repeat(100)]);
  });

  it('hands the boot log after a reset out as console lines, and answers again afterwards', async () => {
    // The pty drops what the board printed before it was opened, so reset it to hear a boot log.
    const reset = await ask(transport, { op: SMP_OP.write, group: 0, id: 5, body: {} });
    expect(reset.body).toEqual({});
    const deadline = Date.now() + 8000;
    while (!consoleLines.some((line) => line.includes('Booting Zephyr OS')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(consoleLines.some((line) => line.includes('Booting Zephyr OS'))).toBe(true);
    expect(consoleLines.every((line) => !line.includes('\u001b'))).toBe(true);
    expect(transport.skippedSummary()).toMatch(/^skipped \d+ console line/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { body } = await ask(transport, { op: SMP_OP.write, group: 0, id: 0, body: { d: 'back' } });
    expect(body).toEqual({ r: 'back' });
  });

  it('says another program has the port open when it is locked', async () => {
    await expect(
      openSerialSmpTransport({ path: board.ptyPath!, baudRate: 115200, flowControl: 'none', timeoutMs: 1000 }),
    ).rejects.toThrow(`another program has ${board.ptyPath} open`);
  });

  it('says a missing port is not there', async () => {
    await expect(
      openSerialSmpTransport({ path: '/dev/pts/999999', baudRate: 115200, flowControl: 'none', timeoutMs: 600 }),
    ).rejects.toThrow('/dev/pts/999999 is not there (unplugged, or the board is resetting)');
  });

  it('tells onClose once when the board goes away (QEMU stopped)', async () => {
    const reasons: string[] = [];
    transport.onClose((reason) => reasons.push(reason));
    await board.stop();
    const deadline = Date.now() + 5000;
    while (reasons.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reasons).toHaveLength(1);
    expect(transport.connected).toBe(false);
    await expect(transport.send(Buffer.alloc(8))).rejects.toThrow();
  });
});

describe.skipIf(skip)(
  `serial SMP transport against the real mps2 serial-recovery MCUboot${skip ? ` (${skip})` : ''}`,
  () => {
    let board: QemuBoard;
    let transport: SerialSmpTransport;

    beforeAll(async () => {
      board = await startQemuBoard({ build: 'mps2', serial: { kind: 'pty' } });
      transport = await openSerialSmpTransport({
        path: board.ptyPath!,
        baudRate: 115200,
        flowControl: 'none',
        timeoutMs: 5000,
      });
    });

    afterAll(async () => {
      await transport?.close();
      await board?.stop();
    });

    it('reports its 2048-byte buffer and echoes a frame of 1,500 bytes (17 lines each way)', async () => {
      const params = await ask(transport, { op: SMP_OP.read, group: 0, id: 6, body: {} });
      expect(params.body).toEqual({ buf_size: 2048, buf_count: 4 });
      const text = 'q'.repeat(1500);
      const { body } = await ask(transport, { op: SMP_OP.write, group: 0, id: 0, body: { d: text } });
      expect(body).toEqual({ r: text });
    });
  },
);

describe.skipIf(skip)(`the same transport over QEMU's TCP serial socket${skip ? ` (${skip})` : ''}`, () => {
  it('answers params and a multi-line echo from the real M0 board', async () => {
    const board = await startQemuBoard({ build: 'm0', serial: { kind: 'tcp', port: 15_841 } });
    try {
      const transport = await openQemuTcpSmpTransport(board.tcpPort!);
      expect(transport.label).toBe('serial qemu-tcp:127.0.0.1:15841, 115200 baud');
      const params = await ask(transport, { op: SMP_OP.read, group: 0, id: 6, body: {} });
      expect(params.body).toEqual({ buf_size: 384, buf_count: 4 });
      const text = 'w'.repeat(250);
      expect((await ask(transport, { op: SMP_OP.write, group: 0, id: 0, body: { d: text } })).body).toEqual({
        r: text,
      });
      const reasons: string[] = [];
      transport.onClose((reason) => reasons.push(reason));
      await board.stop();
      const deadline = Date.now() + 3000;
      while (reasons.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(reasons).toHaveLength(1);
    } finally {
      await board.stop();
    }
  });
});

describe.skipIf(skip)(`SmpSession over the serial transport, real M0 board on a pty${skip ? ` (${skip})` : ''}`, () => {
  it('opens through a connector, reads params and the image list from the real board', async () => {
    const board = await startQemuBoard({ build: 'm0', serial: { kind: 'pty' } });
    try {
      const session = await SmpSession.open(
        async ({ timeoutMs, signal }) => {
          const transport = await openSerialSmpTransport({
            path: board.ptyPath!,
            baudRate: 115200,
            flowControl: 'none',
            timeoutMs,
            signal,
          });
          await new Promise((resolve) => setTimeout(resolve, QEMU_PTY_SETTLE_MS));
          return transport;
        },
        { timeoutMs: 5000 },
      );
      try {
        expect(session.link).toMatchObject({ transport: 'serial', bufSize: 384, bufCount: 4, maxPacket: 380 });
        const slots = await session.readImageState();
        expect(slots[0]).toMatchObject({ slot: 0, version: '0.0.0', confirmed: true, active: true });
      } finally {
        await session.close();
      }
    } finally {
      await board.stop();
    }
  });
});
