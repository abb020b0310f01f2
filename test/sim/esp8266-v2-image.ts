// ESP8266 NONOS SDK "v2" OTA images (user1.bin / user2.bin, first byte 0xEA) built in memory, as
// gen_appbin.py lays them out (lan-protocols.md §2.2). The irom code carries literal-pool words
// pointing into the irom window of the slot the image is "linked" for — which is how a real
// user1.bin differs from its user2.bin, and what both the inspector and the simulated board look at.
// Bytes are seeded: the same options always give the same file.
import { crc32 } from 'node:zlib';
import { VERSION_MARKER, seededBytes } from './esp-image.ts';

export type Esp8266Layout = '256+256' | '512+512' | '1024+1024';

export interface Esp8266V2ImageOptions {
  /** The slot the code is linked for: its irom references point into that slot's window. */
  slot: 1 | 2;
  /** Total file size in bytes (approximate: rounded to the format's alignment). At least 4096. */
  size?: number;
  /** Embedded in the irom code as `OTA_BENCH_VERSION=<version>\0`. */
  version?: string;
  /** Flash layout the build targets. Default 512+512. */
  layout?: Esp8266Layout;
  /** Inner header byte 3 (size map << 4 | frequency). Default: 4 MB for 512+512, 2 MB-c1 for 1024+1024, 512 KB for 256+256. */
  flashSizeFreq?: number;
  /** Outer header byte 3. Default: the slot number, as SDK ≥ 2.0 gen_appbin writes it. */
  headerByte3?: number;
  /** Outer header byte 2 (flash mode as esptool writes it; gen_appbin writes 0). */
  headerByte2?: number;
  entry?: number;
  /** Leave the CRC-32 trailer off (older SDK builds). */
  noCrcTrailer?: boolean;
  seed?: string;
}

const DEFAULT_FLASH_BYTE: Record<Esp8266Layout, number> = { '256+256': 0x00, '512+512': 0x40, '1024+1024': 0x50 };

/** Where the irom0 text of each slot is mapped (linker scripts eagle.app.v6.new.*.ld). */
export function iromBase(slot: 1 | 2, layout: Esp8266Layout = '512+512'): number {
  if (slot === 1 || layout === '1024+1024') return 0x40201010;
  return layout === '256+256' ? 0x40241010 : 0x40281010;
}

/** zlib CRC-32, then inverted when bit 31 is set, else plus one ("esp8266_crc32"). */
export function esp8266Crc32(data: Buffer): number {
  const crc = crc32(data);
  return (crc & 0x80000000 ? crc ^ 0xffffffff : crc + 1) >>> 0;
}

/** The 0xEF-seeded XOR checksum over segment data. */
function xorChecksum(buffers: Buffer[]): number {
  let sum = 0xef;
  for (const data of buffers) for (const byte of data) sum ^= byte;
  return sum;
}

export function buildEsp8266V2Image(options: Esp8266V2ImageOptions): Buffer {
  const layout = options.layout ?? '512+512';
  const size = Math.max(4096, options.size ?? 64 * 1024);
  const seed = `v2|${options.slot}|${layout}|${size}|${options.version ?? ''}|${options.seed ?? ''}`;

  // Inner image segments (.text in IRAM, .data and .rodata in DRAM), sizes padded to 4.
  const text = seededBytes(1024, `${seed}|text`);
  const data = seededBytes(256, `${seed}|data`);
  const rodata = seededBytes(128, `${seed}|rodata`);
  const innerFixed = 8 + 3 * 8 + text.length + data.length + rodata.length;
  // irom length is a multiple of 16; whatever is left after the headers, inner image and trailer.
  const iromLength = Math.max(1024, Math.floor((size - 16 - innerFixed - 16 - 4) / 16) * 16);

  const irom = seededBytes(iromLength, `${seed}|irom`);
  // Literal pools: one word in 16 refers to an address in this slot's irom window.
  const base = iromBase(options.slot, layout);
  for (let offset = 64; offset + 4 <= iromLength; offset += 64) {
    irom.writeUInt32LE((base + ((offset * 7) % iromLength)) >>> 0, offset);
  }
  if (options.version !== undefined) {
    Buffer.from(`${VERSION_MARKER}${options.version}\0`, 'latin1').copy(irom, 16);
  }

  const header = Buffer.alloc(16);
  header[0] = 0xea;
  header[1] = 4;
  header[2] = options.headerByte2 ?? 0;
  header[3] = options.headerByte3 ?? options.slot;
  header.writeUInt32LE(options.entry ?? 0x40100004, 4);
  header.writeUInt32LE(0, 8);
  header.writeUInt32LE(iromLength, 12);

  const innerHeader = Buffer.alloc(8);
  innerHeader[0] = 0xe9;
  innerHeader[1] = 3;
  innerHeader[2] = 0; // QIO
  innerHeader[3] = options.flashSizeFreq ?? DEFAULT_FLASH_BYTE[layout];
  innerHeader.writeUInt32LE(options.entry ?? 0x40100004, 4);
  const segment = (addr: number, bytes: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32LE(addr, 0);
    head.writeUInt32LE(bytes.length, 4);
    return [head, bytes];
  };
  const parts = [
    header,
    irom,
    innerHeader,
    ...segment(0x40100000, text),
    ...segment(0x3ffe8000, data),
    ...segment(0x3ffe8000 + data.length, rodata),
  ];
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  parts.push(Buffer.alloc(15 - (length % 16)), Buffer.from([xorChecksum([text, data, rodata])]));
  const body = Buffer.concat(parts);
  if (options.noCrcTrailer) return body;
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32LE(esp8266Crc32(body), 0);
  return Buffer.concat([body, trailer]);
}
