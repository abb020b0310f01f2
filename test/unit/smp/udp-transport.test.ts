// SMP over UDP without sockets: the transport over a fake socket wired to the simulated SMP server.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LinkLostError, SmpClient } from '../../../electron/engine/smp/smp-client.ts';
import { uploadImage } from '../../../electron/engine/smp/smp-upload.ts';
import {
  isWholeSmpPacket,
  openUdpSmpTransport,
  UDP_DEFAULT_MAX_PACKET,
  udpResendsOnTimeout,
} from '../../../electron/engine/smp/udp-transport.ts';
import { buildMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import { smpPacket } from '../../sim/smp/console-frames.ts';
import { FakeUdpNetwork, FakeUdpSocket } from './udp-fake-network.ts';

const v1 = buildMcubootImage({ version: { major: 1, minor: 0, revision: 0 }, payloadSize: 4000 });
const v2 = buildMcubootImage({ version: { major: 2, minor: 0, revision: 0 }, payloadSize: 60_000 });
const echo = (d: string) => ({ op: 2 as const, group: 0, id: 0, body: { d }, what: 'echo' });
const FAST = { firstMs: 400, lastMs: 400, otherMs: 150, triesPerOffset: 8 };

async function open(socket: FakeUdpSocket, host = '10.0.0.7', port?: number) {
  return openUdpSmpTransport({ host, port, timeoutMs: 1000, createSocket: () => socket });
}

describe('UDP SMP transport', () => {
  it('connects its socket to the board and names the address in its label (IPv4 and IPv6)', async () => {
    const four = new FakeUdpSocket();
    const t4 = await open(four);
    expect(four.connectedTo).toEqual({ address: '10.0.0.7', port: 1337 });
    expect(t4.label).toBe('UDP 10.0.0.7:1337');
    expect(t4.kind).toBe('udp');
    expect(t4.attMtu).toBeNull();
    expect(t4.defaultMaxPacket).toBe(UDP_DEFAULT_MAX_PACKET);
    // 1500-byte Ethernet MTU − IPv6 header − UDP header: one frame on either IP version.
    expect(UDP_DEFAULT_MAX_PACKET).toBeLessThanOrEqual(1500 - 40 - 8);
    const six = new FakeUdpSocket();
    const t6 = await open(six, '[fd00::7]', 5000);
    expect(six.connectedTo).toEqual({ address: 'fd00::7', port: 5000 });
    expect(t6.label).toBe('UDP [fd00::7]:5000');
  });

  it('resolves a host name once, at open, and says which address it uses', async () => {
    let lookups = 0;
    const socket = new FakeUdpSocket();
    const families: number[] = [];
    const transport = await openUdpSmpTransport({
      host: 'board.local',
      timeoutMs: 1000,
      createSocket: (family) => {
        families.push(family);
        return socket;
      },
      lookup: async () => {
        lookups += 1;
        return { address: 'fd00::42', family: 6 };
      },
    });
    await transport.send(smpPacket(2, 0, 0, 1, new Uint8Array()));
    await transport.send(smpPacket(2, 0, 0, 2, new Uint8Array()));
    expect(lookups).toBe(1);
    expect(families).toEqual([6]);
    expect(transport.label).toBe('UDP [fd00::42]:1337');
  });

  it('fails an unknown host name with a sentence, and a slow resolver within the timeout', async () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    await expect(
      openUdpSmpTransport({ host: 'nope.local', timeoutMs: 1000, lookup: () => Promise.reject(notFound) }),
    ).rejects.toThrow("the board's address nope.local could not be resolved (ENOTFOUND)");
    await expect(
      openUdpSmpTransport({ host: 'slow.local', timeoutMs: 50, lookup: () => new Promise(() => {}) }),
    ).rejects.toThrow('resolving slow.local took longer than 0.1 s');
  });

  it('drops (and counts) every datagram that is not exactly one SMP packet: garbage, cut, oversize, two glued', async () => {
    const socket = new FakeUdpSocket();
    const transport = await open(socket);
    const got: Buffer[] = [];
    transport.onPacket((packet) => got.push(packet));
    const whole = smpPacket(3, 0, 0, 9, Buffer.from([0xa1, 0x61, 0x72, 0x60]));
    socket.deliver(Buffer.from('hello, not SMP'));
    socket.deliver(Buffer.from([1, 2, 3]));
    socket.deliver(whole.subarray(0, whole.length - 1)); // cut short
    socket.deliver(Buffer.concat([whole, Buffer.alloc(100)])); // longer than its header says
    socket.deliver(Buffer.concat([whole, whole])); // two packets in one datagram
    socket.deliver(whole);
    expect(got).toEqual([whole]);
    expect(transport.stats).toMatchObject({ received: 1, dropped: 5 });
    expect(isWholeSmpPacket(whole)).toBe(true);
  });

  it('turns an ICMP port unreachable into a sentence for pending requests, not a silent timeout', async () => {
    const socket = new FakeUdpSocket();
    const transport = await open(socket);
    const closed: string[] = [];
    transport.onClose((reason) => closed.push(reason));
    const client = new SmpClient(transport);
    const pending = client.send(echo('hi'), 10_000);
    await new Promise((resolve) => setImmediate(resolve));
    socket.fail('ECONNREFUSED');
    const error = await pending.catch((e: Error) => e);
    expect(error).toBeInstanceOf(LinkLostError);
    expect((error as Error).message).toContain(
      'nothing answers SMP on 10.0.0.7 port 1337: is CONFIG_MCUMGR_TRANSPORT_UDP enabled and the board on the network?',
    );
    expect(closed).toHaveLength(1);
    expect(transport.connected).toBe(false);
    expect(socket.closed).toBe(true);
    await expect(transport.send(smpPacket(2, 0, 0, 1, new Uint8Array()))).rejects.toThrow('nothing answers SMP');
  });

  it('an ECONNREFUSED reported on the next send (how Linux delivers an earlier ICMP) also closes with the sentence', async () => {
    const socket = new FakeUdpSocket();
    const transport = await open(socket, '192.168.1.9', 1337);
    const closed: string[] = [];
    transport.onClose((reason) => closed.push(reason));
    socket.nextSendError = 'ECONNREFUSED';
    await expect(transport.send(smpPacket(2, 0, 0, 1, new Uint8Array()))).rejects.toThrow(
      'nothing answers SMP on 192.168.1.9 port 1337',
    );
    expect(closed).toEqual([expect.stringContaining('nothing answers SMP on 192.168.1.9 port 1337')]);
  });

  it('close() closes the socket without calling onClose; later sends reject', async () => {
    const socket = new FakeUdpSocket();
    const transport = await open(socket);
    const closed: string[] = [];
    transport.onClose((reason) => closed.push(reason));
    await transport.close();
    await transport.close();
    expect(socket.closed).toBe(true);
    expect(closed).toEqual([]);
    await expect(transport.send(smpPacket(2, 0, 0, 1, new Uint8Array()))).rejects.toThrow(
      'the UDP link to 10.0.0.7:1337 was closed',
    );
  });

  it('re-sends on timeout only what is idempotent: reads and echo, never state writes, reset or erase', () => {
    expect(udpResendsOnTimeout({ op: 0, group: 0, id: 6 })).toBe(2); // params
    expect(udpResendsOnTimeout({ op: 0, group: 1, id: 0 })).toBe(2); // image list
    expect(udpResendsOnTimeout({ op: 2, group: 0, id: 0 })).toBe(2); // echo
    expect(udpResendsOnTimeout({ op: 2, group: 1, id: 0 })).toBe(0); // test / confirm
    expect(udpResendsOnTimeout({ op: 2, group: 0, id: 5 })).toBe(0); // reset
    expect(udpResendsOnTimeout({ op: 2, group: 1, id: 5 })).toBe(0); // erase
    expect(udpResendsOnTimeout({ op: 2, group: 1, id: 1 })).toBe(0); // upload: the uploader re-sends by offset
  });

  it('SmpClient.request re-sends a lost read or echo, but not a lost state write', async () => {
    const net = new FakeUdpNetwork({ initialImage: v1, mode: 'zephyr-swap' });
    const transport = await open(net.socket);
    const client = new SmpClient(transport);
    net.faults.loseEveryNth = 1; // the next datagram is lost, then none
    net.socket.onSend = ((forward) => (data: Buffer) => {
      net.faults.loseEveryNth = net.datagrams === 0 ? 1 : 0;
      forward(data);
    })(net.socket.onSend);
    expect(await client.request(echo('again'), 150)).toEqual({ r: 'again' });
    expect(net.socket.sent).toHaveLength(2);
    expect(net.lost).toBe(1);
    net.board.faults.silent = true;
    const write = { op: 2 as const, group: 1, id: 0, body: { confirm: true }, what: 'image confirm' };
    await expect(client.request(write, 100)).rejects.toThrow('did not answer');
    expect(net.socket.sent).toHaveLength(3);
    await expect(client.request({ op: 0, group: 1, id: 0, body: {}, what: 'image list' }, 100)).rejects.toThrow(
      'did not answer',
    );
    expect(net.socket.sent).toHaveLength(6);
  });

  it('reads the answers a real Zephyr build sends (zcbor indefinite-length maps)', async () => {
    const net = new FakeUdpNetwork({ initialImage: v1, mode: 'zephyr-swap' });
    const transport = await open(net.socket);
    const client = new SmpClient(transport);
    expect(await client.request(echo('over udp'), 1000)).toEqual({ r: 'over udp' });
    const list = await client.request({ op: 0, group: 1, id: 0, body: {}, what: 'image list' }, 1000);
    expect((list.images as unknown[]).length).toBe(1);
  });
});

describe('an upload over a lossy UDP network', () => {
  async function upload(net: FakeUdpNetwork, window: number) {
    const transport = await open(net.socket);
    const client = new SmpClient(transport);
    const sha = createHash('sha256').update(v2).digest();
    const result = await uploadImage({ client, file: v2, sha, maxPacket: 1024, window, timeouts: FAST });
    expect(net.board.server.slots[1]?.bytes.equals(v2)).toBe(true);
    return { result, transport };
  }

  it('completes when every 7th datagram is lost, and reports what it re-sent', async () => {
    const net = new FakeUdpNetwork({ initialImage: v1, mode: 'zephyr-swap' });
    net.faults.loseEveryNth = 7;
    const { result } = await upload(net, 1);
    expect(net.lost).toBeGreaterThan(5);
    expect(result.resent).toBeGreaterThan(0);
    expect(result.resent).toBeLessThanOrEqual(net.lost);
  });

  it('completes with duplicated and reordered answers (matched by sequence number)', async () => {
    const net = new FakeUdpNetwork({ initialImage: v1, mode: 'zephyr-swap' });
    net.board.faults.duplicateEveryNth = 3;
    net.board.faults.reorderEveryNth = 4;
    const { result } = await upload(net, 3);
    expect(result.requests).toBeGreaterThan(60);
  });

  it('an oversize request gets no answer (the board drops it like the real builds) and the client times out', async () => {
    const net = new FakeUdpNetwork({ initialImage: v1, mode: 'zephyr-swap', bufSize: 384 });
    const transport = await open(net.socket);
    const client = new SmpClient(transport);
    await expect(client.send(echo('x'.repeat(400)), 200)).rejects.toThrow('did not answer');
    expect(net.board.counters.droppedOversize).toBe(1);
    expect(await client.send(echo('small'), 500)).toEqual({ r: 'small' });
  });
});
