// The MCUmgr params wait per transport: right after a reset the real Zephyr boards under QEMU (and a USB
// board re-enumerating) answer the params read later than 1 s, and a missed answer drops the rest of the
// job to the 256-byte default packet. BLE keeps Nordic's 1 s; serial and UDP wait 2.5 s; UDP sends the
// read once more (not the transport's two re-sends); a reconnect that loses params the board gave before logs it.
import { describe, expect, it } from 'vitest';
import { SmpSession, PARAMS_TIMEOUT_MS } from '../../../electron/engine/smp/smp-session.ts';
import type { SmpTransport, SmpTransportKind } from '../../../electron/engine/smp/smp-transport.ts';
import { decodeSmpHeader, encodeSmpPacket } from '../../../electron/engine/smp/smp-frame.ts';
import { encodeCborBody } from '../../../electron/engine/smp/smp-messages.ts';
import { udpResendsOnTimeout } from '../../../electron/engine/smp/udp-transport.ts';

interface ParamsBoard {
  transport: SmpTransport;
  requests: number;
}

/** Answers the params read after `delayMs`, ignoring the first `lose` requests; null delay: never answers. */
function paramsBoard(kind: SmpTransportKind, delayMs: number | null, lose = 0): ParamsBoard {
  const listeners = new Set<(packet: Buffer) => void>();
  const board: ParamsBoard = {
    requests: 0,
    transport: {
      kind,
      label: `${kind} slow board`,
      defaultMaxPacket: { serial: 256, ble: 244, udp: 1452 }[kind],
      attMtu: null,
      connected: true,
      async send(packet) {
        board.requests += 1;
        if (delayMs === null || board.requests <= lose) return;
        const header = decodeSmpHeader(packet);
        const answer = encodeSmpPacket(
          { ...header, op: (header.op + 1) as 1 | 3 },
          encodeCborBody({ buf_size: 384, buf_count: 4 }),
        );
        setTimeout(() => listeners.forEach((listener) => listener(answer)), delayMs);
      },
      onPacket(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      onClose: () => () => undefined,
      close: async () => undefined,
      ...(kind === 'udp' ? { resendsOnTimeout: udpResendsOnTimeout } : {}),
    },
  };
  return board;
}

describe('MCUmgr params wait', () => {
  it('per transport: BLE 1 s (Nordic), serial and UDP 2.5 s', () => {
    expect(PARAMS_TIMEOUT_MS).toEqual({ ble: 1_000, serial: 2_500, udp: 2_500 });
  });

  it('serial: a board answering 1.5 s after the reset still gives its params (380-byte packets, not 256)', async () => {
    const board = paramsBoard('serial', 1_500);
    const session = await SmpSession.open(async () => board.transport, { timeoutMs: 1_000 });
    expect(session.params).toEqual({ bufSize: 384, bufCount: 4 });
    expect(session.maxPacket).toBe(380);
  }, 10_000);

  it('BLE keeps 1 s: the same slow answer means no params', async () => {
    const board = paramsBoard('ble', 1_500);
    const session = await SmpSession.open(async () => board.transport, { timeoutMs: 1_000 });
    expect(session.params).toBeNull();
    expect(board.requests).toBe(1);
  }, 10_000);

  it('UDP: the first params request lost, the one re-send is answered', async () => {
    const board = paramsBoard('udp', 10, 1);
    const session = await SmpSession.open(async () => board.transport, { timeoutMs: 1_000, paramsTimeoutMs: 100 });
    expect(session.params).toEqual({ bufSize: 384, bufCount: 4 });
    expect(board.requests).toBe(2);
  });

  it('UDP: a board without params is asked twice, not three times (the transport would re-send reads twice)', async () => {
    const board = paramsBoard('udp', null);
    const session = await SmpSession.open(async () => board.transport, { timeoutMs: 1_000, paramsTimeoutMs: 100 });
    expect(session.params).toBeNull();
    expect(board.requests).toBe(2);
  });

  it('params known before the reset and none now: said in the log, never silently the default', async () => {
    const logs: string[] = [];
    const board = paramsBoard('serial', null);
    const session = await SmpSession.open(async () => board.transport, {
      timeoutMs: 1_000,
      paramsTimeoutMs: 100,
      knownParams: { bufSize: 384, bufCount: 4 },
      log: (line) => logs.push(line),
    });
    expect(session.maxPacket).toBe(256);
    expect(logs).toEqual([
      'The board did not answer the MCUmgr params read on this link although it gave 384 B × 4 before: packets of at most 256 B from here (the default), which is slower but safe.',
    ]);
  });

  it('no params known before: nothing logged by the session (the link line says "no MCUmgr params")', async () => {
    const logs: string[] = [];
    const board = paramsBoard('serial', null);
    await SmpSession.open(async () => board.transport, {
      timeoutMs: 1_000,
      paramsTimeoutMs: 100,
      log: (line) => logs.push(line),
    });
    expect(logs).toEqual([]);
  });
});
