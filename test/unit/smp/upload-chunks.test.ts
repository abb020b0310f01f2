// Chunk-size arithmetic of ble-protocols.md §1.7 checked against the real encoder (cborg via
// smp-messages.ts): every planned packet fits buf_size, and fills it whenever the data allows.
import { describe, expect, it } from 'vitest';
import { encodeSmpRequest, imageUploadRequest } from '../../../electron/engine/smp/smp-messages.ts';
import {
  cborHeadBytes,
  maxSmpPacket,
  minimumSmpPacket,
  planChunk,
  planFirstChunk,
  uploadOverhead,
  uploadWindow,
  type ChunkFields,
} from '../../../electron/engine/smp/upload-chunks.ts';

const SHA = Buffer.alloc(32, 0x11);

function encodedSize(fields: ChunkFields, dataBytes: number): number {
  const first = fields.off === 0;
  return encodeSmpRequest(
    imageUploadRequest({
      off: fields.off,
      data: Buffer.alloc(dataBytes),
      len: fields.len,
      sha: first && fields.shaBytes ? SHA.subarray(0, fields.shaBytes) : undefined,
      image: fields.image,
      upgrade: fields.upgrade,
    }),
    0,
  ).length;
}

describe('chunk-size arithmetic (§1.7)', () => {
  it('CBOR heads change width at 24, 256, 65536 and 2³²', () => {
    expect([0, 23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32].map(cborHeadBytes)).toEqual([
      1, 1, 2, 2, 3, 3, 5, 5, 9,
    ]);
  });

  it('matches the worked examples: 69 bytes for the first chunk of a ≥64 KiB image with sha, 26 for later chunks', () => {
    expect(uploadOverhead({ off: 0, len: 70000, shaBytes: 32 }, 300)).toBe(69);
    expect(uploadOverhead({ off: 70000 }, 300)).toBe(26);
  });

  it('uses buf_size when the board gave it, else ATT MTU − 3', () => {
    expect(maxSmpPacket({ bufSize: 2475, attMtu: 247 })).toBe(2475);
    expect(maxSmpPacket({ bufSize: null, attMtu: 247 })).toBe(244);
  });

  it('predicts the encoded size to the byte and never exceeds buf_size, across offset widths (property)', () => {
    const imageSizes = [100, 5000, 70000, 300000, 2 ** 32 + 10];
    const bufSizes = [128, 244, 255, 256, 257, 384, 498, 1024, 2475, 4096, 65535];
    const offsets = [0, 1, 23, 24, 255, 256, 1000, 65535, 65536, 99999, 2 ** 32 - 1, 2 ** 32];
    let checked = 0;
    for (const imageSize of imageSizes) {
      for (const bufSize of bufSizes) {
        for (const off of offsets) {
          if (off >= imageSize) continue;
          for (const variant of [{}, { image: 0 }, { image: 1, upgrade: true }] as ChunkFields[]) {
            const fields: ChunkFields = { ...variant, off, len: imageSize, shaBytes: 32 };
            const plan = planChunk(fields, imageSize, bufSize);
            const size = off < 2 ** 32 && plan.dataBytes < 1e6 ? encodedSize(fields, plan.dataBytes) : plan.packetBytes;
            expect(size).toBe(plan.packetBytes);
            expect(plan.packetBytes).toBeLessThanOrEqual(bufSize);
            // Maximal: one more byte would not fit (unless the image ran out).
            if (plan.dataBytes < imageSize - off)
              expect(uploadOverhead(fields, plan.dataBytes + 1) + plan.dataBytes + 1).toBeGreaterThan(bufSize);
            checked += 1;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(400);
  });

  it("first chunk overhead is larger than a later chunk's at the same packet size", () => {
    const first = planChunk({ off: 0, len: 100000, shaBytes: 32 }, 100000, 244);
    const later = planChunk({ off: 244, len: 100000 }, 100000, 244);
    // 176 data bytes need a 2-byte byte-string head, one less than the 69-byte example's 3.
    expect(first.dataBytes).toBe(244 - 68);
    // header, map head, "off" + 2-byte 244, "data" + 2-byte head.
    expect(later.dataBytes).toBe(244 - 8 - 1 - 4 - 2 - 5 - 2);
    expect(later.dataBytes).toBeGreaterThan(first.dataBytes);
  });

  it('caps at the remaining bytes, aligns non-final chunks, and refuses a packet too small for the header', () => {
    expect(planChunk({ off: 990 }, 1000, 2475).dataBytes).toBe(10);
    expect(planChunk({ off: 100 }, 100000, 244, 8).dataBytes % 8).toBe(0);
    expect(planChunk({ off: 99990 }, 100000, 244, 8).dataBytes).toBe(10);
    expect(() => planChunk({ off: 0, len: 100000, shaBytes: 32 }, 100000, 90)).toThrow(/first chunk needs at least 32/);
    expect(planChunk({ off: 0, len: 100000, shaBytes: 32 }, 100000, 100).dataBytes).toBe(32);
  });
});

describe('first chunk at small packets (no MCUmgr params: ATT MTU − 3)', () => {
  it('MTU 23 cannot carry the header at all; 65 only without sha; 100 with a trimmed sha; 103 and 104 with the whole sha', () => {
    expect(planFirstChunk(70000, 20)).toBeNull();
    expect(planFirstChunk(70000, 62)).toEqual({ shaBytes: 0, dataBytes: 32 });
    const trimmed = planFirstChunk(70000, 97)!;
    expect(trimmed.shaBytes).toBeGreaterThan(0);
    expect(trimmed.shaBytes).toBeLessThan(32);
    expect(trimmed.dataBytes).toBeGreaterThanOrEqual(32);
    expect(planFirstChunk(70000, 100)).toEqual({ shaBytes: 32, dataBytes: 32 });
    expect(planFirstChunk(70000, 101)).toEqual({ shaBytes: 32, dataBytes: 33 });
  });

  it('every planned first request encodes to at most the packet, and the minimum packet is the first that works', () => {
    for (const size of [100, 5000, 70000, 300000]) {
      const minimum = minimumSmpPacket(size);
      expect(planFirstChunk(size, minimum - 1)).toBeNull();
      for (let packet = minimum; packet < 140; packet++) {
        const first = planFirstChunk(size, packet)!;
        const fields: ChunkFields = { off: 0, len: size, shaBytes: first.shaBytes };
        expect(encodedSize(fields, first.dataBytes)).toBeLessThanOrEqual(packet);
        expect(() => planChunk(fields, size, packet)).not.toThrow();
      }
    }
  });
});

describe('pipelining window (§1.8)', () => {
  it('is buf_count − 1, at least 1, and 1 when unknown', () => {
    expect(uploadWindow(4)).toBe(3);
    expect(uploadWindow(2)).toBe(1);
    expect(uploadWindow(1)).toBe(1);
    expect(uploadWindow(0)).toBe(1);
    expect(uploadWindow(null)).toBe(1);
  });
});
