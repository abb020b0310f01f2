import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ConsoleFrameDecoder,
  crc16Xmodem,
  encodeConsoleFrames,
  rawBytesPerLine,
} from '../../../electron/engine/smp/console-framing.ts';

const fixture = JSON.parse(
  readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/qemu-m0-console.json'), 'utf8'),
) as {
  bootConsole: string;
  exchanges: Record<string, { request: string; requestWire: string; responseWire: string; response: string }>;
};

/** A fake SMP packet: 8-byte header (body length filled in) and a patterned body. */
function smpPacket(size: number, seed = 1): Buffer {
  const packet = Buffer.alloc(Math.max(size, 8));
  for (let i = 8; i < packet.length; i++) packet[i] = (i * 31 + seed) & 0xff;
  packet.writeUInt16BE(packet.length - 8, 2);
  return packet;
}

function decodeAll(bytes: Buffer, decoder = new ConsoleFrameDecoder()): Buffer[] {
  return decoder.push(bytes);
}

describe('CRC-16/XMODEM', () => {
  it('matches the catalogue check value ("123456789" → 0x31C3)', () => {
    expect(crc16Xmodem(Buffer.from('123456789'))).toBe(0x31c3);
    expect(crc16Xmodem(Buffer.alloc(0))).toBe(0);
  });
});

describe('encodeConsoleFrames', () => {
  it('cuts 93 raw bytes per line at line length 128, each line base64 on its own, ≤ 127 bytes', () => {
    expect(rawBytesPerLine(128)).toBe(93);
    const packet = smpPacket(300);
    const wire = encodeConsoleFrames(packet);
    const lines = wire.toString('latin1').split('\n').slice(0, -1);
    expect(lines).toHaveLength(Math.ceil((300 + 4) / 93));
    expect(lines[0].charCodeAt(0)).toBe(0x06);
    expect(lines[0].charCodeAt(1)).toBe(0x09);
    for (const line of lines.slice(1)) expect([line.charCodeAt(0), line.charCodeAt(1)]).toEqual([0x04, 0x14]);
    for (const line of lines) expect(line.length + 1).toBeLessThanOrEqual(127);
    const raw = Buffer.concat(lines.map((line) => Buffer.from(line.slice(2), 'base64')));
    expect(raw.readUInt16BE(0)).toBe(302);
    expect(raw.subarray(2, 302)).toEqual(packet);
    expect(raw.readUInt16BE(302)).toBe(crc16Xmodem(packet));
  });

  it('produces exactly the bytes we sent the real board (which answered them)', () => {
    for (const exchange of Object.values(fixture.exchanges)) {
      expect(encodeConsoleFrames(Buffer.from(exchange.request, 'hex')).toString('hex')).toBe(exchange.requestWire);
    }
  });

  it('respects a smaller line length', () => {
    const wire = encodeConsoleFrames(smpPacket(200), 64);
    for (const line of wire.toString('latin1').split('\n').slice(0, -1))
      expect(line.length + 1).toBeLessThanOrEqual(64);
    expect(decodeAll(wire)).toEqual([smpPacket(200)]);
  });
});

describe('ConsoleFrameDecoder', () => {
  it('round-trips packets of every size from 8 to 3000 bytes (and 1..7 padded to a header)', () => {
    const decoder = new ConsoleFrameDecoder();
    for (let size = 1; size <= 3000; size += size < 200 ? 1 : 37) {
      const packet = smpPacket(size, size);
      expect(decoder.push(encodeConsoleFrames(packet))).toEqual([packet]);
    }
    expect(decoder.getStats().droppedFrames).toBe(0);
  });

  it('decodes the real board answers, boot log and all, and hands the log lines out', () => {
    const lines: string[] = [];
    const decoder = new ConsoleFrameDecoder({ onConsoleLine: (text) => lines.push(text) });
    expect(decoder.push(Buffer.from(fixture.bootConsole, 'hex'))).toEqual([]);
    expect(lines[0]).toBe('*** Booting Zephyr OS build 684c9e8f32e4 ***');
    expect(lines[1]).toContain('<inf> smp_sample: build time');
    for (const [name, exchange] of Object.entries(fixture.exchanges)) {
      const packets = decoder.push(Buffer.from(exchange.responseWire, 'hex'));
      expect(
        packets.map((packet) => packet.toString('hex')),
        name,
      ).toEqual([exchange.response]);
    }
    const params = Buffer.from(fixture.exchanges.params.response, 'hex');
    expect(params[0] & 0x07).toBe(1); // read response
    expect(decoder.getStats()).toMatchObject({ packets: 5, droppedFrames: 0 });
  });

  it('decodes the real multi-line answer split at every byte position into two chunks', () => {
    const wire = Buffer.from(fixture.exchanges['echo-long'].responseWire, 'hex');
    const expected = fixture.exchanges['echo-long'].response;
    for (let cut = 0; cut <= wire.length; cut++) {
      const decoder = new ConsoleFrameDecoder();
      const packets = [...decoder.push(wire.subarray(0, cut)), ...decoder.push(wire.subarray(cut))];
      expect(packets.map((packet) => packet.toString('hex'))).toEqual([expected]);
    }
  });

  it('decodes a frame fed in random chunk sizes, one byte at a time included', () => {
    const packets = [smpPacket(500, 3), smpPacket(20, 4), smpPacket(1200, 5)];
    const wire = Buffer.concat(packets.map((packet) => encodeConsoleFrames(packet)));
    let seed = 7;
    for (let round = 0; round < 50; round++) {
      const decoder = new ConsoleFrameDecoder();
      const out: Buffer[] = [];
      for (let offset = 0; offset < wire.length;) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const size = round === 0 ? 1 : 1 + (seed % 180);
        out.push(...decoder.push(wire.subarray(offset, offset + size)));
        offset += size;
      }
      expect(out).toEqual(packets);
    }
  });

  it('ignores a console line inserted between any two lines of a frame, and junk before a marker', () => {
    const packet = smpPacket(400, 9);
    const lines = encodeConsoleFrames(packet).toString('latin1').split('\n').slice(0, -1);
    const junk = '[00:00:05.513,587] \x1b[0m<inf> mcuboot_util: Image index: 0, Swap type: none\x1b[0m\r';
    for (let at = 0; at <= lines.length; at++) {
      const mixed = [...lines.slice(0, at), junk, ...lines.slice(at)].join('\n') + '\n';
      const seen: string[] = [];
      const decoder = new ConsoleFrameDecoder({ onConsoleLine: (text) => seen.push(text) });
      expect(decoder.push(Buffer.from(mixed, 'latin1'))).toEqual([packet]);
      expect(seen).toEqual([junk.replace('\r', '')]);
    }
    // A shell prompt without a newline right before the start marker.
    const prompted = Buffer.concat([Buffer.from('uart:~$ '), encodeConsoleFrames(packet)]);
    expect(decodeAll(prompted)).toEqual([packet]);
  });

  it('survives junk inserted at every byte position of the stream (loses at most the frame it cut)', () => {
    const first = smpPacket(150, 1);
    const second = smpPacket(60, 2);
    const wire = Buffer.concat([encodeConsoleFrames(first), encodeConsoleFrames(second)]);
    const firstLength = encodeConsoleFrames(first).length;
    const junk = Buffer.from('\x1b[1;31mE: oops\x1b[0m\r\n');
    for (let at = 0; at <= wire.length; at++) {
      const decoder = new ConsoleFrameDecoder();
      const packets = decoder.push(Buffer.concat([wire.subarray(0, at), junk, wire.subarray(at)]));
      // Junk inside a line breaks that line (so that frame is dropped, never mis-decoded); the other frame always arrives.
      expect(packets.every((packet) => packet.equals(first) || packet.equals(second))).toBe(true);
      expect(packets.some((packet) => packet.equals(at < firstLength ? second : first))).toBe(true);
      // (A frame whose marker the junk split is console text to the decoder: lost, but not counted as dropped.)
      expect(packets.length).toBeLessThanOrEqual(2);
    }
  });

  it('drops a frame with a bad CRC, and the next frame still decodes', () => {
    const bad = encodeConsoleFrames(smpPacket(40, 1)).toString('latin1').split('\n')[0];
    const raw = Buffer.from(bad.slice(2), 'base64');
    raw[raw.length - 1] ^= 0xff;
    const corrupted = Buffer.concat([
      Buffer.from([0x06, 0x09]),
      Buffer.from(raw.toString('base64')),
      Buffer.from('\n'),
    ]);
    const good = smpPacket(40, 2);
    const decoder = new ConsoleFrameDecoder();
    expect(decoder.push(Buffer.concat([corrupted, encodeConsoleFrames(good)]))).toEqual([good]);
    expect(decoder.getStats()).toMatchObject({ droppedFrames: 1, lastDropReason: 'a frame failed its CRC check' });
  });

  it('drops bad base64, orphan continuations, a too-short length, and an overlong frame', () => {
    const decoder = new ConsoleFrameDecoder();
    const good = smpPacket(30);
    const junk = Buffer.concat([
      Buffer.from('\x06\x09not*base64!\n'),
      Buffer.from('\x04\x14AAAA\n'),
      Buffer.from('\x06\x09AAE=\n'), // total 1: shorter than any SMP packet
    ]);
    expect(decoder.push(Buffer.concat([junk, encodeConsoleFrames(good)]))).toEqual([good]);
    expect(decoder.getStats().droppedFrames).toBe(3);
    // A first line whose length says 12 but which carries more.
    const raw = Buffer.alloc(20);
    raw.writeUInt16BE(12, 0);
    expect(decoder.push(Buffer.from(`\x06\x09${raw.toString('base64')}\n`, 'latin1'))).toEqual([]);
    expect(decoder.getStats().lastDropReason).toMatch(/carried 18 bytes where its length said 12/);
  });

  it('a length that never completes is dropped when the next frame starts, which decodes', () => {
    const big = encodeConsoleFrames(smpPacket(500, 1)).toString('latin1').split('\n');
    const good = smpPacket(100, 2);
    const decoder = new ConsoleFrameDecoder();
    const stream = Buffer.concat([Buffer.from(`${big[0]}\n${big[1]}\n`, 'latin1'), encodeConsoleFrames(good)]);
    expect(decoder.push(stream)).toEqual([good]);
    expect(decoder.getStats().lastDropReason).toBe('a new frame started before the previous one was complete');
  });

  it('keeps memory bounded under megabytes of junk without newlines, and still decodes afterwards', () => {
    const decoder = new ConsoleFrameDecoder();
    const junk = Buffer.alloc(64 * 1024, 'A');
    for (let i = 0; i < 64; i++) expect(decoder.push(junk)).toEqual([]);
    expect((decoder as unknown as { line: Buffer }).line.length).toBeLessThanOrEqual(8192);
    const good = smpPacket(70);
    // The junk line ends at the frame's start marker (no newline in between).
    expect(decoder.push(encodeConsoleFrames(good))).toEqual([good]);
    expect(decoder.getStats().consoleBytes).toBeGreaterThan(4 * 1024 * 1024 - 8192);
  });

  it('never throws on random bytes, nor when the console listener throws', () => {
    const decoder = new ConsoleFrameDecoder({
      onConsoleLine: () => {
        throw new Error('listener bug');
      },
    });
    let seed = 42;
    for (let round = 0; round < 200; round++) {
      const bytes = Buffer.alloc(1 + (round % 300));
      for (let i = 0; i < bytes.length; i++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        const pick = seed % 10;
        bytes[i] =
          pick === 0 ? 0x0a : pick === 1 ? 0x06 : pick === 2 ? 0x09 : pick === 3 ? 0x04 : pick === 4 ? 0x14 : seed >> 8;
      }
      expect(() => decoder.push(bytes)).not.toThrow();
    }
    const good = smpPacket(33);
    expect(decoder.push(Buffer.concat([Buffer.from('\n'), encodeConsoleFrames(good)]))).toEqual([good]);
  });

  it('reset forgets a half-received packet', () => {
    const decoder = new ConsoleFrameDecoder();
    const wire = encodeConsoleFrames(smpPacket(300));
    decoder.push(wire.subarray(0, 200));
    decoder.reset();
    expect(decoder.push(wire.subarray(200))).toEqual([]);
    expect(decoder.getStats().droppedFrames).toBeGreaterThanOrEqual(1);
  });
});
