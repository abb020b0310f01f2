// SMP header and packet framing, ATT fragmentation and notification reassembly, and garbage input.
import { describe, expect, it } from 'vitest';
import {
  SMP_OP,
  SmpReassembler,
  decodeSmpHeader,
  decodeSmpPacket,
  encodeSmpHeader,
  encodeSmpPacket,
  fragmentSmpPacket,
} from '../../../electron/engine/smp/smp-frame.ts';
import { UpdateError } from '../../../electron/engine/update-error.ts';

function thrown(fn: () => unknown): UpdateError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UpdateError);
    return error as UpdateError;
  }
  throw new Error('did not throw');
}

describe('SMP header', () => {
  it('encodes the reference examples: v2 read 0x08, v2 write 0x0A, v1 write 0x02, big-endian fields', () => {
    const v2read = encodeSmpHeader({
      op: SMP_OP.read,
      version: 2,
      flags: 0,
      length: 0x0102,
      group: 0x0304,
      sequence: 0x05,
      id: 0x06,
    });
    expect(v2read.toString('hex')).toBe('0800010203040506');
    expect(
      encodeSmpHeader({ op: SMP_OP.write, version: 2, flags: 0, length: 0, group: 1, sequence: 0, id: 1 })[0],
    ).toBe(0x0a);
    expect(
      encodeSmpHeader({ op: SMP_OP.write, version: 1, flags: 0, length: 0, group: 1, sequence: 0, id: 1 })[0],
    ).toBe(0x02);
  });

  for (const version of [1, 2] as const) {
    it(`round-trips v${version} headers for every op`, () => {
      for (const op of [0, 1, 2, 3] as const) {
        const header = { op, version, flags: 0, length: 300 + op, group: 64 + op, sequence: 250 + op, id: 7 };
        expect(decodeSmpHeader(encodeSmpHeader(header))).toEqual(header);
      }
    });
  }

  it('accepts a v1 answer to a v2 request and ignores reserved bits 5–7 (Mynewt)', () => {
    expect(decodeSmpHeader(Buffer.from('e300000000010001', 'hex'))).toMatchObject({
      op: 3,
      version: 1,
      group: 1,
      id: 1,
    });
  });

  it('refuses a truncated header and a reserved version with a sentence', () => {
    expect(thrown(() => decodeSmpHeader(Buffer.from('0a0000', 'hex'))).message).toMatch(
      /malformed SMP packet: 3 bytes, fewer than the 8-byte header/,
    );
    expect(thrown(() => decodeSmpHeader(Buffer.from('1300000000010001', 'hex'))).message).toMatch(
      /version 2, which is reserved/,
    );
  });
});

describe('SMP packets', () => {
  it('round-trips a packet and refuses a wrong length either way', () => {
    const packet = encodeSmpPacket(
      { op: SMP_OP.write, version: 2, flags: 0, group: 1, sequence: 9, id: 1 },
      Buffer.from([0xa0]),
    );
    expect(decodeSmpPacket(packet)).toEqual({
      header: { op: 2, version: 2, flags: 0, length: 1, group: 1, sequence: 9, id: 1 },
      body: Buffer.from([0xa0]),
    });
    expect(thrown(() => decodeSmpPacket(packet.subarray(0, 8))).message).toMatch(
      /announces a 1-byte body but 0 bytes follow/,
    );
    expect(thrown(() => decodeSmpPacket(Buffer.concat([packet, Buffer.from([0])]))).message).toMatch(
      /announces a 1-byte body but 2 bytes follow/,
    );
  });

  it('splits a packet into ATT writes of MTU − 3 and reassembles notifications split the same way', () => {
    const body = Buffer.alloc(500, 7);
    const packet = encodeSmpPacket(
      { op: SMP_OP.writeResponse, version: 2, flags: 0, group: 1, sequence: 3, id: 1 },
      body,
    );
    const fragments = fragmentSmpPacket(packet, 23);
    expect(fragments.every((f) => f.length <= 20)).toBe(true);
    expect(Buffer.concat(fragments)).toEqual(packet);
    const reassembler = new SmpReassembler();
    const done = fragments.flatMap((f) => reassembler.push(f));
    expect(done).toHaveLength(1);
    expect(done[0]!.body).toEqual(body);
    expect(reassembler.buffered).toBe(0);
  });

  it('reassembles a header split across notifications and two packets in one notification', () => {
    const a = encodeSmpPacket({ op: 1, version: 2, flags: 0, group: 0, sequence: 1, id: 6 }, Buffer.from([0xa0]));
    const b = encodeSmpPacket(
      { op: 3, version: 2, flags: 0, group: 1, sequence: 2, id: 1 },
      Buffer.from([0xa1, 0x61, 0x72, 0x01]),
    );
    const r = new SmpReassembler();
    expect(r.push(a.subarray(0, 5))).toEqual([]);
    const out = r.push(Buffer.concat([a.subarray(5), b]));
    expect(out.map((p) => p.header.sequence)).toEqual([1, 2]);
  });

  it('drops a partial packet on reset and after garbage', () => {
    const r = new SmpReassembler();
    r.push(Buffer.from('0b00001000010001', 'hex'));
    expect(r.buffered).toBe(8);
    r.reset();
    expect(r.buffered).toBe(0);
    expect(thrown(() => r.push(Buffer.from('1b00000000010001', 'hex'))).message).toMatch(/reserved/);
    expect(r.buffered).toBe(0);
  });
});
