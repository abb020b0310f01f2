// SMP over real UDP sockets (inside the private netns): the engine's UDP transport, SMP session and
// uploader against the simulated UDP board (test/sim/smp/udp-smp-board.ts), with lost datagrams, a port
// nobody listens on, a silent board, IPv6 and a host name.
import { createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { LinkLostError, SmpClient, SmpTimeoutError } from '../../../electron/engine/smp/smp-client.ts';
import { SmpSession } from '../../../electron/engine/smp/smp-session.ts';
import { uploadImage } from '../../../electron/engine/smp/smp-upload.ts';
import { openUdpSmpTransport } from '../../../electron/engine/smp/udp-transport.ts';
import { buildMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import { UdpSmpBoard, type UdpSmpBoardOptions } from '../../sim/smp/udp-smp-board.ts';

const v1 = buildMcubootImage({ version: { major: 1, minor: 0, revision: 0 }, payloadSize: 8000 });
const v2 = buildMcubootImage({ version: { major: 1, minor: 1, revision: 0 }, payloadSize: 90_000 });
const echo = (d: string) => ({ op: 2 as const, group: 0, id: 0, body: { d }, what: 'echo' });
const FAST = { firstMs: 1000, lastMs: 1000, otherMs: 250, triesPerOffset: 8 };

describe('SMP over UDP against the simulated board', () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function board(options: Partial<UdpSmpBoardOptions> = {}): Promise<UdpSmpBoard> {
    const started = await UdpSmpBoard.start({
      initialImage: v1,
      mode: 'zephyr-swap',
      bufSize: 2048,
      port: 0,
      ...options,
    });
    cleanups.push(() => started.close());
    return started;
  }

  function connector(target: UdpSmpBoard, host = target.host) {
    return (options: { timeoutMs: number; signal?: AbortSignal }) =>
      openUdpSmpTransport({ host, port: target.port, ...options });
  }

  it('pushes an image with every 5th request lost: upload, test, reset, swap, confirm', async () => {
    const target = await board();
    target.faults.dropEveryNth = 5;
    const session = await SmpSession.open(connector(target), { timeoutMs: 2000 });
    // buf_size 2048 (Zephyr's default with UDP), but one datagram stays within one Ethernet frame.
    expect(session.link).toMatchObject({
      transport: 'udp',
      label: `UDP 127.0.0.1:${target.port}`,
      bufSize: 2048,
      maxPacket: 1452,
    });
    const sha = createHash('sha256').update(v2).digest();
    const result = await uploadImage({
      client: session.client,
      file: v2,
      sha,
      maxPacket: session.maxPacket,
      window: session.window,
      timeouts: FAST,
    });
    expect(result.resent).toBeGreaterThan(0);
    expect(target.counters.droppedByFault).toBeGreaterThan(0);
    target.faults.dropEveryNth = 0;
    const slot1 = target.server.slots[1]!;
    expect(slot1.bytes.equals(v2)).toBe(true);
    await session.testImage(slot1.info.hash);
    await session.resetAndClose(500);
    await new Promise((resolve) => setTimeout(resolve, 1200)); // reset delay + swap
    const after = await SmpSession.open(connector(target), { timeoutMs: 2000 });
    cleanups.push(() => after.close());
    const state = await after.readImageState();
    expect(state.find((s) => s.slot === 0)).toMatchObject({ version: '1.1.0', confirmed: false, active: true });
    await after.confirmImage(slot1.info.hash);
    expect(target.server.revertOnNextBoot).toBe(false);
  });

  it('a port nobody listens on fails at once with a sentence, not after a timeout', async () => {
    const probe = createSocket('udp4');
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
    const unusedPort = probe.address().port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const transport = await openUdpSmpTransport({ host: '127.0.0.1', port: unusedPort, timeoutMs: 1000 });
    cleanups.push(() => transport.close());
    const client = new SmpClient(transport);
    const started = Date.now();
    const error = await client.send(echo('anyone?'), 5000).catch((e: Error) => e);
    expect(error).toBeInstanceOf(LinkLostError);
    expect((error as Error).message).toContain(
      `nothing answers SMP on 127.0.0.1 port ${unusedPort}: is CONFIG_MCUMGR_TRANSPORT_UDP enabled and the board on the network?`,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(transport.connected).toBe(false);
  });

  it('a silent board is a timeout (the port is open, nothing answers)', async () => {
    const target = await board();
    target.faults.silent = true;
    const transport = await openUdpSmpTransport({ host: target.host, port: target.port, timeoutMs: 1000 });
    cleanups.push(() => transport.close());
    const error = await new SmpClient(transport).send(echo('hello?'), 300).catch((e: Error) => e);
    expect(error).toBeInstanceOf(SmpTimeoutError);
    expect(transport.connected).toBe(true);
  });

  it('speaks IPv6 and resolves a host name once', async () => {
    const target = await board({ host: '::1' });
    const six = await openUdpSmpTransport({ host: '::1', port: target.port, timeoutMs: 1000 });
    cleanups.push(() => six.close());
    expect(six.label).toBe(`UDP [::1]:${target.port}`);
    expect(await new SmpClient(six).request(echo('v6'), 1000)).toEqual({ r: 'v6' });
    const named = await openUdpSmpTransport({
      host: 'board.test',
      port: target.port,
      timeoutMs: 1000,
      lookup: async () => ({ address: '::1', family: 6 }),
    });
    cleanups.push(() => named.close());
    expect(named.label).toBe(`UDP [::1]:${target.port}`);
    expect(await new SmpClient(named).request(echo('named'), 1000)).toEqual({ r: 'named' });
  });

  it('garbage, a cut packet and duplicates from the board are dropped or ignored; answers still arrive', async () => {
    const target = await board();
    const transport = await openUdpSmpTransport({ host: target.host, port: target.port, timeoutMs: 1000 });
    cleanups.push(() => transport.close());
    const client = new SmpClient(transport);
    expect(await client.request(echo('one'), 1000)).toEqual({ r: 'one' });
    target.sendToLastClient(Buffer.from('<inf> not an SMP packet'));
    target.sendToLastClient(Buffer.from([0x0b, 0, 0, 50, 0, 0, 1, 0, 0xa0])); // says 50 bytes, has 1
    target.faults.duplicateEveryNth = 1;
    expect(await client.request(echo('two'), 1000)).toEqual({ r: 'two' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(transport.stats).toMatchObject({ dropped: 2, received: 3 });
  });

  it('a board that reboots slowly answers again once it is up', async () => {
    const target = await board();
    const transport = await openUdpSmpTransport({ host: target.host, port: target.port, timeoutMs: 1000 });
    cleanups.push(() => transport.close());
    const client = new SmpClient(transport);
    target.reboot(800);
    await expect(client.send(echo('now?'), 300)).rejects.toBeInstanceOf(SmpTimeoutError);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await client.request(echo('back'), 1000)).toEqual({ r: 'back' });
    expect(target.counters.droppedPoweredOff).toBe(1);
  });
});
