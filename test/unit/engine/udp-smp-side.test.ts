// The UDP side with a fake opener and fake boards (no sockets): udp://host[:port] parsed (IPv6 in
// brackets, 1337 by default), a board that answers listed as an MCUmgr board on the LAN, one that does
// not refused in words, requests lost on the way survived, and online kept from the last echo.
import { afterEach, describe, expect, it } from 'vitest';
import { UdpSmpSide, parseUdpRef } from '../../../electron/engine/sides/udp-smp-side.ts';
import type { SmpBoardAccess, SmpOps } from '../../../electron/engine/sides/smp-ops.ts';
import { FakeSmpLink, fakeBoard, type FakeBoard } from './fake-smp-link.ts';

let sides: UdpSmpSide[] = [];
afterEach(async () => {
  await Promise.all(sides.map((s) => s.close()));
  sides = [];
});

function makeSide(board: FakeBoard | null, options: { pingEveryMs?: number; offlineAfterMs?: number } = {}) {
  let changes = 0;
  let access: SmpBoardAccess | null = null;
  const opened: Array<{ host: string; port?: number }> = [];
  const side = new UdpSmpSide(
    { activeJobFor: () => null, devicesChanged: () => changes++, statusChanged: () => {} },
    {
      open: async ({ host, port }) => {
        opened.push({ host, port });
        if (!board) throw new Error('nothing answers SMP on that port');
        return new FakeSmpLink(board, `UDP ${host}:${port}`);
      },
      smpOps: (a) => {
        access = a;
        return { pushSequence: () => ({}) } as unknown as SmpOps;
      },
      resolveTimeoutMs: 1500,
      ...options,
    },
  );
  sides.push(side);
  return { side, opened, changes: () => changes, access: () => access };
}

describe('parseUdpRef', () => {
  it('reads udp://host[:port], IPv6 in brackets, 1337 by default; other forms are not its own', () => {
    expect(parseUdpRef('udp://10.0.0.7')).toEqual({ host: '10.0.0.7', port: 1337 });
    expect(parseUdpRef('UDP://Board.local:1400')).toEqual({ host: 'board.local', port: 1400 });
    expect(parseUdpRef('udp://[fd00::7]:1337')).toEqual({ host: 'fd00::7', port: 1337 });
    expect(parseUdpRef('udp://[fd00::7]')).toEqual({ host: 'fd00::7', port: 1337 });
    expect(() => parseUdpRef('udp://10.0.0.7:99999')).toThrow(/not a UDP address/);
    expect(() => parseUdpRef('udp://fd00::7')).toThrow(/IPv6 in brackets/);
    expect(parseUdpRef('10.0.0.7:1337')).toBeNull();
    expect(parseUdpRef('serial:/dev/ttyACM0')).toBeNull();
  });
});

describe('the UDP side', () => {
  it('lists a board that answers, as MCUmgr on the LAN with its running version', async () => {
    const board = fakeBoard();
    const { side, opened } = makeSide(board);
    const device = await side.resolve('udp://10.0.0.7')!;
    expect(device).toMatchObject({
      id: 'udp:10.0.0.7:1337',
      transport: 'lan',
      protocol: 'mcumgr-smp',
      pushSupported: true,
      address: '10.0.0.7',
      port: 1337,
      services: ['MCUmgr SMP over UDP'],
      firmwareVersion: '0.0.0',
      online: true,
    });
    expect(opened[0]).toEqual({ host: '10.0.0.7', port: 1337 });
    expect(side.list()).toHaveLength(1);
    expect(side.resolve('192.168.1.20:80')).toBeNull();
  });

  it('survives lost requests while adding a board', async () => {
    const board = fakeBoard({ drop: 2 });
    const { side } = makeSide(board);
    await expect(side.resolve('udp://10.0.0.8:1400')!).resolves.toMatchObject({ id: 'udp:10.0.0.8:1400' });
  });

  it('refuses a board that does not answer, in words', async () => {
    const { side } = makeSide(fakeBoard({ answers: false }));
    await expect(side.resolve('udp://10.0.0.9')!).rejects.toThrow(
      /No MCUmgr board answers at udp:\/\/10\.0\.0\.9:1337: no answer to MCUmgr params or echo/,
    );
    const refused = makeSide(null).side;
    await expect(refused.resolve('udp://10.0.0.9')!).rejects.toThrow(/nothing answers SMP on that port/);
    expect(refused.list()).toEqual([]);
  });

  it('goes offline when the echo stops being answered, and back online when it answers', async () => {
    const board = fakeBoard();
    const { side } = makeSide(board, { pingEveryMs: 40, offlineAfterMs: 120 });
    const device = await side.resolve('udp://10.0.0.7')!;
    await side.start();
    board.answers = false;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(side.get(device.id)?.online).toBe(false);
    board.answers = true;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(side.get(device.id)?.online).toBe(true);
  });

  it('connector: waits for a board that is rebooting to answer, bounded', async () => {
    const board = fakeBoard();
    const made = makeSide(board);
    const device = await made.side.resolve('udp://10.0.0.7')!;
    made.side.pushSequence(device, { deviceId: device.id } as never);
    const connector = made.access()!.connector;
    board.answers = false;
    setTimeout(() => {
      board.answers = true;
    }, 500);
    const link = await connector({ timeoutMs: 3000 });
    expect(link.connected).toBe(true);
    board.answers = false;
    await expect(connector({ timeoutMs: 600 })).rejects.toThrow(/did not answer MCUmgr within/);
  });
});
