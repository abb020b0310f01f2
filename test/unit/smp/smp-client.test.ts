// SmpClient (ble-protocols.md §1.1–1.3) over the GATT transport (ble/smp-gatt-transport.ts) on a fake
// GATT link: the test plays the SMP server, reading whole request packets back out of the ATT writes
// and answering with notifications split however it likes. Fragmentation, reassembly, matching by
// sequence, timeouts, both error shapes, the v1 fallback and link loss (in the words of each
// transport kind). No radio, no sockets.
import { decode, encode } from 'cborg';
import { describe, expect, it } from 'vitest';
import type { GattConnection, NotifyChannel } from '../../../electron/engine/ble/ble-radio.ts';
import { SmpGattTransport } from '../../../electron/engine/ble/smp-gatt-transport.ts';
import { LinkLostError, SmpClient, SmpTimeoutError } from '../../../electron/engine/smp/smp-client.ts';
import type { SmpTransport } from '../../../electron/engine/smp/smp-transport.ts';
import {
  decodeSmpPacket,
  encodeSmpPacket,
  type SmpHeader,
  type SmpPacket,
} from '../../../electron/engine/smp/smp-frame.ts';
import {
  imageUploadRequest,
  mcumgrParamsRequest,
  resetRequest,
  SmpDeviceError,
  type CborMap,
  type SmpRequest,
} from '../../../electron/engine/smp/smp-messages.ts';
import { until } from '../support/until.ts';

const echoRequest = (d: string): SmpRequest => ({ op: 2, group: 0, id: 0, body: { d }, what: 'echo' });

/** One link that is both the connection and its SMP characteristic; the server side is the test. */
class FakeLink implements GattConnection, NotifyChannel {
  readonly peripheralId = 'fake-peripheral';
  readonly attMtu: number | null;
  connected = true;
  /** Every ATT write, as sent. */
  readonly writes: Buffer[] = [];
  /** Request packets reassembled from the writes (by the header length, independently of the client). */
  readonly requests: SmpPacket[] = [];
  writeError: Error | null = null;
  private rx = Buffer.alloc(0);
  private readonly notifyListeners = new Set<(data: Buffer) => void>();
  private readonly disconnectListeners = new Set<(reason: string) => void>();

  constructor(attMtu: number | null) {
    this.attMtu = attMtu;
  }

  write(data: Buffer): Promise<void> {
    if (this.writeError) return Promise.reject(this.writeError);
    this.writes.push(Buffer.from(data));
    this.rx = Buffer.concat([this.rx, data]);
    while (this.rx.length >= 8 && this.rx.length >= 8 + this.rx.readUInt16BE(2)) {
      const total = 8 + this.rx.readUInt16BE(2);
      this.requests.push(decodeSmpPacket(this.rx.subarray(0, total)));
      this.rx = this.rx.subarray(total);
    }
    // Settles later, like noble's queued writes: the client must not wait for it between fragments.
    return new Promise((resolve) => setImmediate(resolve));
  }

  onNotification(listener: (data: Buffer) => void): () => void {
    this.notifyListeners.add(listener);
    return () => this.notifyListeners.delete(listener);
  }

  openNotifyChannel(): Promise<NotifyChannel> {
    return Promise.resolve(this);
  }

  openService(): Promise<never> {
    return Promise.reject(new Error('the SMP client opens no other service'));
  }

  onDisconnect(listener: (reason: string) => void): () => void {
    this.disconnectListeners.add(listener);
    return () => this.disconnectListeners.delete(listener);
  }

  disconnect(): Promise<void> {
    this.drop('OTA Bench closed the connection');
    return Promise.resolve();
  }

  drop(reason: string): void {
    this.connected = false;
    for (const listener of this.disconnectListeners) listener(reason);
  }

  notify(data: Uint8Array): void {
    for (const listener of this.notifyListeners) listener(Buffer.from(data));
  }

  /** Notifies `bytes` in pieces of at most `size` (the server splits at MTU − 3). */
  notifySplit(bytes: Buffer, size: number): void {
    for (let at = 0; at < bytes.length; at += size) this.notify(bytes.subarray(at, at + size));
  }
}

/** The server's answer to `request`: same group/id/sequence, op + 1, the version it came with. */
function response(request: SmpPacket, body: CborMap, over: Partial<Omit<SmpHeader, 'length'>> = {}): Buffer {
  const h = request.header;
  return encodeSmpPacket(
    { op: (h.op + 1) as 1 | 3, version: h.version, flags: 0, group: h.group, sequence: h.sequence, id: h.id, ...over },
    encode(body),
  );
}

function setup(attMtu: number | null = 247) {
  const link = new FakeLink(attMtu);
  const transport = new SmpGattTransport(link, link);
  const client = new SmpClient(transport);
  return { link, client, transport };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('did not reject');
}

describe('SmpClient: writes', () => {
  for (const [mtu, perWrite] of [
    [null, 20],
    [23, 20],
    [185, 182],
  ] as const) {
    it(`fragments at MTU − 3 (${perWrite} bytes for MTU ${mtu ?? 'unknown'}), back to back, two requests in one tick never interleaved`, () => {
      const { link, client, transport } = setup(mtu);
      expect(transport.defaultMaxPacket).toBe(perWrite);
      // 8 + map 1 + "d" 2 + text head 3 + 395 = 409 bytes, and 8 + 1 + 2 + 2 + 255 = 268.
      void client.request(echoRequest('a'.repeat(395)), 1_000).catch(() => {});
      void client.request(echoRequest('b'.repeat(255)), 1_000).catch(() => {});
      const sizes = (total: number) => [
        ...Array(Math.floor(total / perWrite)).fill(perWrite),
        ...(total % perWrite ? [total % perWrite] : []),
      ];
      expect(link.writes.map((w) => w.length)).toEqual([...sizes(409), ...sizes(268)]);
      // The writes, in order, are exactly packet one then packet two.
      expect(link.requests).toHaveLength(2);
      const [one, two] = link.requests;
      expect(decode(one!.body)).toEqual({ d: 'a'.repeat(395) });
      expect(decode(two!.body)).toEqual({ d: 'b'.repeat(255) });
      const firstOfTwo = sizes(409).length;
      expect(Buffer.concat(link.writes.slice(0, firstOfTwo)).subarray(8).equals(one!.body)).toBe(true);
      expect(Buffer.concat(link.writes.slice(firstOfTwo)).subarray(8).equals(two!.body)).toBe(true);
      // v2 write request: byte 0 = 0x0A; sequences consecutive.
      expect(link.writes[0]![0]).toBe(0x0a);
      expect(two!.header.sequence).toBe((one!.header.sequence + 1) & 0xff);
      client.close();
    });
  }

  it('sequence numbers go up by one per request and wrap after 255', async () => {
    const { link, client } = setup();
    for (let i = 0; i < 300; i++) {
      const pending = client.request(mcumgrParamsRequest(), 1_000);
      link.notify(response(link.requests.at(-1)!, { buf_size: 384, buf_count: 4 }));
      await pending;
    }
    const seqs = link.requests.map((r) => r.header.sequence);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe((seqs[i - 1]! + 1) & 0xff);
    expect(new Set(seqs).size).toBe(256);
  });

  it("a write the radio refuses rejects its request with the radio's error", async () => {
    const { link, client } = setup();
    link.writeError = new Error('characteristic write failed');
    const error = await rejection(client.request(mcumgrParamsRequest(), 1_000));
    expect(error.message).toBe('characteristic write failed');
    expect(client.inFlight).toBe(0);
  });
});

describe('SmpClient: answers', () => {
  it('reassembles an answer split over notifications, and two answers in one notification', async () => {
    const { link, client } = setup(23);
    const params = client.request(mcumgrParamsRequest(), 1_000);
    const echo1 = client.request(echoRequest('one'), 1_000);
    const echo2 = client.request(echoRequest('two'), 1_000);
    const [p, e1, e2] = link.requests;
    // Split inside the header too: 3 bytes at a time.
    link.notifySplit(response(p!, { buf_size: 2475, buf_count: 4 }), 3);
    // Both echo answers in one notification.
    link.notify(Buffer.concat([response(e1!, { r: 'one' }), response(e2!, { r: 'two' })]));
    expect(await params).toEqual({ buf_size: 2475, buf_count: 4 });
    expect(await echo1).toEqual({ r: 'one' });
    expect(await echo2).toEqual({ r: 'two' });
    expect(client.inFlight).toBe(0);
  });

  it('an answer ending in the same notification as the start of the next one', async () => {
    const { link, client } = setup(23);
    const a = client.request(echoRequest('a'.repeat(40)), 1_000);
    const b = client.request(echoRequest('b'.repeat(40)), 1_000);
    const bytes = Buffer.concat([
      response(link.requests[0]!, { r: 'A'.repeat(40) }),
      response(link.requests[1]!, { r: 'B'.repeat(40) }),
    ]);
    link.notifySplit(bytes, 20); // 52 + 52 bytes: the third notification carries both
    expect(await a).toEqual({ r: 'A'.repeat(40) });
    expect(await b).toEqual({ r: 'B'.repeat(40) });
  });

  it('matches answers out of order by sequence number', async () => {
    const { link, client } = setup();
    const first = client.request(echoRequest('first'), 1_000);
    const second = client.request(echoRequest('second'), 1_000);
    const order: string[] = [];
    void first.then(() => order.push('first'));
    void second.then(() => order.push('second'));
    link.notify(response(link.requests[1]!, { r: 'second' }));
    await until(() => order.length === 1);
    expect(client.inFlight).toBe(1);
    link.notify(response(link.requests[0]!, { r: 'first' }));
    expect(await first).toEqual({ r: 'first' });
    expect(await second).toEqual({ r: 'second' });
    expect(order).toEqual(['second', 'first']);
  });

  it('ignores answers to unknown sequences and with the wrong group, id or op: the request times out', async () => {
    const { link, client } = setup();
    const request = mcumgrParamsRequest();
    const pending = client.request(request, 100);
    const sent = link.requests[0]!;
    const body = { buf_size: 384, buf_count: 4 };
    link.notify(response(sent, body, { sequence: (sent.header.sequence + 7) & 0xff }));
    link.notify(response(sent, body, { group: 1 }));
    link.notify(response(sent, body, { id: 7 }));
    link.notify(response(sent, body, { op: 0 })); // the request echoed back, not a read response
    const error = await rejection(pending);
    expect(error).toBeInstanceOf(SmpTimeoutError);
    expect(error.message).toBe('the device did not answer MCUmgr params within 0.1 s');
    expect((error as SmpTimeoutError).request).toBe(request);
    expect(client.inFlight).toBe(0);
    // The right answer arriving after the timeout is dropped; the client carries on.
    link.notify(response(sent, body));
    const next = client.request(mcumgrParamsRequest(), 1_000);
    link.notify(response(link.requests[1]!, { buf_size: 1024, buf_count: 2 }));
    expect(await next).toEqual({ buf_size: 1024, buf_count: 2 });
  });

  it('accepts a v1 (ver = 0) answer to a v2 request (Mynewt does not echo the version)', async () => {
    const { link, client } = setup();
    const pending = client.request(mcumgrParamsRequest(), 1_000);
    expect(link.writes[0]![0]).toBe(0x08);
    const answer = response(link.requests[0]!, { buf_size: 384, buf_count: 4 }, { version: 1 });
    expect(answer[0]).toBe(0x01);
    link.notify(answer);
    expect(await pending).toEqual({ buf_size: 384, buf_count: 4 });
    expect(client.lastResponseHeader?.version).toBe(1);
  });
});

describe('SmpClient: errors', () => {
  it('a v1 error {rc: 8} rejects with SmpDeviceError in words', async () => {
    const { link, client } = setup();
    const pending = client.request(mcumgrParamsRequest(), 1_000);
    link.notify(response(link.requests[0]!, { rc: 8 }));
    const error = await rejection(pending);
    expect(error).toBeInstanceOf(SmpDeviceError);
    expect(error.message).toBe(
      "The board's firmware does not support this command (MCUmgr params: MGMT_ERR_ENOTSUP, rc 8).",
    );
    expect((error as SmpDeviceError).code).toBe('unsupported-protocol');
    expect((error as SmpDeviceError).smp).toMatchObject({ shape: 1, rc: 8, group: null });
  });

  it('a v2 group error {err: {group: 1, rc: 9}} rejects with SmpDeviceError in words', async () => {
    const { link, client } = setup();
    const pending = client.request(imageUploadRequest({ off: 0, len: 100, data: Buffer.alloc(32) }), 1_000);
    link.notify(response(link.requests[0]!, { err: { group: 1, rc: 9 } }));
    const error = await rejection(pending);
    expect(error).toBeInstanceOf(SmpDeviceError);
    expect(error.message).toBe(
      'The secondary slot holds a pending or confirmed image; reset the board (or erase the slot) first (image upload: IMG_MGMT_ERR_NO_FREE_SLOT, rc 9).',
    );
    expect((error as SmpDeviceError).code).toBe('not-enough-space');
    expect((error as SmpDeviceError).smp).toMatchObject({ shape: 2, group: 1, rc: 9 });
  });

  it("the board's reason (rsn) travels with a v1 error", async () => {
    const { link, client } = setup();
    const pending = client.request(resetRequest(), 1_000);
    link.notify(response(link.requests[0]!, { rc: 10, rsn: 'upload in progress' }));
    const error = (await rejection(pending)) as SmpDeviceError;
    expect(error.message).toContain('MGMT_ERR_EBUSY, rc 10');
    expect(error.deviceMessage).toBe('upload in progress');
  });

  it('garbage notifications do not crash; the pending request is still answered', async () => {
    const { link, client } = setup(23);
    const pending = client.request(mcumgrParamsRequest(), 1_000);
    link.notify(Buffer.alloc(0));
    link.notify(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])); // reserved version 3
    link.notify(Buffer.from([0x11, 0, 0, 2, 0, 0, 0, 6, 0xa0, 0xa0])); // reserved version 2
    expect(client.inFlight).toBe(1);
    link.notifySplit(response(link.requests[0]!, { buf_size: 384, buf_count: 4 }), 20);
    expect(await pending).toEqual({ buf_size: 384, buf_count: 4 });
  });

  it('a notification announcing more than it carries costs the waiting request a timeout, not the session', async () => {
    const { link, client } = setup();
    const pending = client.request(mcumgrParamsRequest(), 50);
    const sent = link.requests[0]!;
    // A header announcing a 1000-byte body, then nothing more of it: the real answer is swallowed.
    link.notify(Buffer.from([0x09, 0, 0x03, 0xe8, 0, 0, sent.header.sequence, 6, 0xbf]));
    link.notify(response(sent, { buf_size: 384, buf_count: 4 }));
    expect(await rejection(pending)).toBeInstanceOf(SmpTimeoutError);
    // The partial packet is dropped with the timeout: the next answer is heard.
    const next = client.request(mcumgrParamsRequest(), 200);
    link.notify(response(link.requests[1]!, { buf_size: 2475, buf_count: 4 }));
    expect(await next).toEqual({ buf_size: 2475, buf_count: 4 });
  });

  it('a v1-only server answering rc 13 gets the request again with a v1 header, and v1 from then on', async () => {
    const { link, client } = setup();
    const pending = client.request(mcumgrParamsRequest(), 1_000);
    expect(link.writes[0]![0]).toBe(0x08); // v2 read
    link.notify(response(link.requests[0]!, { rc: 13 }, { version: 1 }));
    await until(() => link.requests.length === 2);
    const retry = link.requests[1]!;
    expect(link.writes[1]![0]).toBe(0x00); // v1 read
    expect(retry.header).toMatchObject({ version: 1, op: 0, group: 0, id: 6 });
    expect(retry.header.sequence).not.toBe(link.requests[0]!.header.sequence);
    link.notify(response(retry, { buf_size: 384, buf_count: 4 }));
    expect(await pending).toEqual({ buf_size: 384, buf_count: 4 });
    // Later requests speak v1 at once.
    const reset = client.request(resetRequest(), 1_000);
    expect(link.writes[2]![0]).toBe(0x02); // v1 write
    link.notify(response(link.requests[2]!, {}));
    expect(await reset).toEqual({});
    expect(link.requests).toHaveLength(3);
  });

  it('rc 13 to the v1 retry is an error, not a loop', async () => {
    const { link, client } = setup();
    const pending = client.request(mcumgrParamsRequest(), 1_000);
    link.notify(response(link.requests[0]!, { rc: 13 }, { version: 1 }));
    await until(() => link.requests.length === 2);
    link.notify(response(link.requests[1]!, { rc: 13 }, { version: 1 }));
    const error = await rejection(pending);
    expect(error).toBeInstanceOf(SmpDeviceError);
    expect(error.message).toContain('MGMT_ERR_UNSUPPORTED_TOO_NEW, rc 13');
    expect(link.requests).toHaveLength(2);
  });
});

describe('SmpClient: link loss', () => {
  it('a dropped link rejects every pending request with LinkLostError; later requests reject at once', async () => {
    const { link, client } = setup();
    const a = client.request(mcumgrParamsRequest(), 1_000);
    const b = client.request(echoRequest('b'), 1_000);
    const partial = response(link.requests[0]!, { buf_size: 384, buf_count: 4 });
    link.notify(partial.subarray(0, 5));
    expect(client.inFlight).toBe(2);
    link.drop('the device went out of range (supervision timeout)');
    for (const pending of [a, b]) {
      const error = await rejection(pending);
      expect(error).toBeInstanceOf(LinkLostError);
      expect(error.message).toBe('the Bluetooth link dropped: the device went out of range (supervision timeout)');
    }
    expect(client.inFlight).toBe(0);
    const writes = link.writes.length;
    const later = await rejection(client.request(resetRequest(), 1_000));
    expect(later).toBeInstanceOf(LinkLostError);
    expect(later.message).toContain('supervision timeout');
    expect(link.writes).toHaveLength(writes);
  });

  it('close() rejects pending requests and refuses new ones', async () => {
    const { link, client } = setup();
    const pending = client.request(mcumgrParamsRequest(), 1_000);
    client.close();
    expect((await rejection(pending)).message).toBe('the Bluetooth link dropped: the session was closed');
    // An answer arriving after close goes nowhere.
    link.notify(response(link.requests[0]!, { buf_size: 384, buf_count: 4 }));
    expect(await rejection(client.request(mcumgrParamsRequest(), 1_000))).toBeInstanceOf(LinkLostError);
    expect(link.requests).toHaveLength(1);
  });
});

describe('SmpClient: link loss over other transports', () => {
  /** A whole-packet transport of the given kind: sends go nowhere, the test closes it. */
  function fakeTransport(kind: SmpTransport['kind']) {
    const closeListeners = new Set<(reason: string) => void>();
    const transport: SmpTransport = {
      kind,
      label: kind === 'serial' ? 'serial /dev/ttyACM0, 115200 baud' : 'UDP 127.0.0.1:1337',
      defaultMaxPacket: 128,
      attMtu: null,
      connected: true,
      send: () => Promise.resolve(),
      onPacket: () => () => {},
      onClose: (listener) => {
        closeListeners.add(listener);
        return () => closeListeners.delete(listener);
      },
      close: () => Promise.resolve(),
    };
    return { transport, drop: (reason: string) => closeListeners.forEach((l) => l(reason)) };
  }

  for (const [kind, words] of [
    ['serial', 'the serial port closed: the cable was pulled'],
    ['udp', 'the UDP link was lost: the cable was pulled'],
  ] as const) {
    it(`a ${kind} link that goes down says so in its own words, not Bluetooth's`, async () => {
      const { transport, drop } = fakeTransport(kind);
      const client = new SmpClient(transport);
      const pending = client.request(mcumgrParamsRequest(), 1_000);
      drop('the cable was pulled');
      const error = await rejection(pending);
      expect(error).toBeInstanceOf(LinkLostError);
      expect(error.message).toBe(words);
    });
  }
});
