// The session's packet size per transport: over serial the board's buf_size also holds the console frame's
// 2-byte length and 2-byte CRC (measured on the real Zephyr builds under QEMU: the M0 with buf_size 384 drops
// a 381-byte packet without an answer and takes 380; the mps2 MCUboot with 2048 takes 2044, not 2045).
import { describe, expect, it } from 'vitest';
import { SmpSession } from '../../../electron/engine/smp/smp-session.ts';
import type { SmpTransport, SmpTransportKind } from '../../../electron/engine/smp/smp-transport.ts';
import { decodeSmpHeader, encodeSmpPacket } from '../../../electron/engine/smp/smp-frame.ts';
import { encodeCborBody } from '../../../electron/engine/smp/smp-messages.ts';

/** A transport whose board answers the MCUmgr params request with these buffers (and nothing else). */
function paramsBoard(kind: SmpTransportKind, bufSize: number, bufCount: number): SmpTransport {
  const listeners = new Set<(packet: Buffer) => void>();
  return {
    kind,
    label: `${kind} test board`,
    defaultMaxPacket: { serial: 256, ble: 244, udp: 1452 }[kind],
    attMtu: kind === 'ble' ? 247 : null,
    connected: true,
    async send(packet) {
      const header = decodeSmpHeader(packet);
      const body = encodeCborBody({ buf_size: bufSize, buf_count: bufCount });
      const answer = encodeSmpPacket({ ...header, op: (header.op + 1) as 1 | 3 }, body);
      queueMicrotask(() => listeners.forEach((listener) => listener(answer)));
    },
    onPacket(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onClose: () => () => undefined,
    close: async () => undefined,
  };
}

describe('SmpSession packet size', () => {
  it('serial: buf_size − 4 (the frame length and CRC share the board buffer); window buf_count − 1, at most 2', async () => {
    const m0 = await SmpSession.open(async () => paramsBoard('serial', 384, 4), { timeoutMs: 1000 });
    expect(m0.params).toEqual({ bufSize: 384, bufCount: 4 });
    expect(m0.maxPacket).toBe(380);
    expect(m0.window).toBe(2);
    const two = await SmpSession.open(async () => paramsBoard('serial', 384, 2), { timeoutMs: 1000 });
    expect(two.window).toBe(1);
    const mps2 = await SmpSession.open(async () => paramsBoard('serial', 2048, 4), { timeoutMs: 1000 });
    expect(mps2.maxPacket).toBe(2044);
  });

  it('BLE: buf_size as the board reports it; UDP: buf_size up to one datagram', async () => {
    const ble = await SmpSession.open(async () => paramsBoard('ble', 2475, 4), { timeoutMs: 1000 });
    expect(ble.maxPacket).toBe(2475);
    const udp = await SmpSession.open(async () => paramsBoard('udp', 1024, 2), { timeoutMs: 1000 });
    expect(udp.maxPacket).toBe(1024);
    const bigUdp = await SmpSession.open(async () => paramsBoard('udp', 2048, 4), { timeoutMs: 1000 });
    expect(bigUdp.maxPacket).toBe(1452);
  });
});
