// The 0xE9 Espressif application image, shared by the plain ESP8266/ESP32 inspector and by the
// ESP8266 v2 (user1/user2) inspector, whose second half is such an image. Layout, little-endian
// (esptool bin_image.py, ESP-IDF esp_app_format.h):
//   magic 0xE9, segment count, flash mode, flash size<<4 | frequency, entry u32
//   ESP32 family only: 16-byte extended header (wp pin, SPI drive, chip id u16, revisions, hash flag)
//   per segment: load address u32, length u32, data
//   zero padding up to the last byte of a 16-byte line, which holds the XOR checksum (seed 0xEF)
//   ESP32 with hash_appended: SHA-256 of everything from the magic to the checksum
import { createHash } from 'node:crypto';
import { byteCount, hex, hexByte } from './image-format.ts';
import { streamRange, type ImageFile } from './image-file.ts';
import { esp32FrequencyName } from './esp-chips.ts';
import * as say from './esp-messages.ts';

export const ESP_IMAGE_MAGIC = 0xe9;
export const ESP_HEADER_BYTES = 8;
export const ESP32_EXTENDED_HEADER_BYTES = 16;
const CHECKSUM_SEED = 0xef;
/** The ROM loaders accept at most 16 segments. */
const MAX_SEGMENTS = 16;
/** Bytes kept from the start of each segment: enough for the ESP-IDF app descriptor. */
const SEGMENT_HEAD_BYTES = 256;

export type EspChip = 'esp8266' | 'esp32';

export interface EspSegment {
  addr: number;
  length: number;
  /** File offset of the segment's first data byte. */
  dataOffset: number;
  /** Its first bytes (up to 256). */
  head: Buffer;
}

export interface EspImage {
  offset: number;
  chip: EspChip;
  segmentCount: number;
  flashMode: number;
  flashSizeFreq: number;
  entry: number;
  /** ESP32 family: chip id from the extended header. */
  chipId: number | null;
  /** ESP32 family: chip revisions the image accepts (major * 100 + minor; 0xffff = no maximum). */
  minRevFull: number | null;
  maxRevFull: number | null;
  segments: EspSegment[];
  checksumOffset: number;
  storedChecksum: number;
  computedChecksum: number;
  /** ESP32 `hash_appended`: whether the SHA-256 after the checksum matches. */
  appendedHashValid: boolean | null;
  /** First file offset after the image (after the checksum, and the appended hash if any). */
  end: number;
}

export type EspWalk = { ok: true; image: EspImage } | { ok: false; problem: string };

// Address windows from the chips' memory maps: where an application's segments can be loaded.
const ESP8266_WINDOWS: Array<[number, number]> = [
  [0x3ffe8000, 0x40000000], // DRAM
  [0x40100000, 0x40140000], // IRAM
  [0x40200000, 0x40300000], // flash-mapped irom0
];
/**
 * ESP32, -S2, -S3, -C2, -C3, -C5, -C6, -C61, -H2, -P4: DROM/DRAM 0x3C…–0x3F…, IRAM/IROM 0x40…–0x4F…,
 * RTC 0x50…; the newest (-S31, -E22) put DRAM at 0x2F…/0x31….
 */
const ESP32_FAMILY_WINDOW: [number, number] = [0x2e000000, 0x60000000];

const inWindows = (addr: number, windows: Array<[number, number]>): boolean =>
  windows.some(([from, to]) => addr >= from && addr < to);

/**
 * ESP8266 or ESP32 family, from the bytes at the image start. An ESP32 header is followed by the
 * extended header (zero reserved bytes, hash flag 0/1; any chip id, as Espressif keeps adding
 * chips) and its first segment loads in the 0x2E…–0x5F… range; an ESP8266 image has its first
 * segment header right at byte 8, loading into DRAM, IRAM or irom0. Null when neither reading holds (0xE9 followed by something else).
 */
export function guessEspChip(bytes: Buffer): EspChip | null {
  if (bytes.length < ESP_HEADER_BYTES + 8 || bytes[0] !== ESP_IMAGE_MAGIC) return null;
  const esp8266 = inWindows(bytes.readUInt32LE(8), ESP8266_WINDOWS);
  let esp32 = false;
  if (bytes.length >= ESP_HEADER_BYTES + ESP32_EXTENDED_HEADER_BYTES + 4) {
    const reservedZero = bytes.readUInt32LE(19) === 0;
    esp32 = reservedZero && bytes[23]! <= 1 && inWindows(bytes.readUInt32LE(24), [ESP32_FAMILY_WINDOW]);
  }
  if (esp32 && !esp8266) return 'esp32';
  if (esp8266 && !esp32) return 'esp8266';
  if (!esp8266 && !esp32) return null;
  // Both readings fit (practically never): the entry point decides, ESP8266 code runs from 0x4010….
  return bytes.readUInt32LE(4) >>> 20 === 0x401 ? 'esp8266' : 'esp32';
}

/**
 * XOR of every byte, folded into `seed`. Works on 32-bit words where the buffer allows it: images
 * reach tens of MiB and a byte loop made that the slowest part of inspecting them.
 */
export function xorBytes(data: Buffer, seed: number): number {
  let words = 0;
  let index = 0;
  if (data.byteOffset % 4 === 0) {
    const view = new Uint32Array(data.buffer, data.byteOffset, data.length >>> 2);
    for (let i = 0; i < view.length; i += 1) words ^= view[i]!;
    index = view.length * 4;
  }
  let result = seed ^ (words & 0xff) ^ ((words >>> 8) & 0xff) ^ ((words >>> 16) & 0xff) ^ (words >>> 24);
  for (; index < data.length; index += 1) result ^= data[index]!;
  return result & 0xff;
}

/** Parses the image at `offset`, walks its segments and verifies the checksum(s). */
export async function walkEspImage(file: ImageFile, offset: number, chip: EspChip): Promise<EspWalk> {
  const headerBytes = ESP_HEADER_BYTES + (chip === 'esp32' ? ESP32_EXTENDED_HEADER_BYTES : 0);
  const header = await file.readAt(offset, headerBytes);
  const where = offset === 0 ? 'The image' : `The image at ${hex(offset, 4)}`;
  if (header.length < headerBytes) {
    return { ok: false, problem: `${where} is truncated: the file ends inside its ${headerBytes}-byte header.` };
  }
  const segmentCount = header[1]!;
  if (segmentCount === 0 || segmentCount > MAX_SEGMENTS) {
    return {
      ok: false,
      problem: `${where} declares ${segmentCount} segments (valid: 1–${MAX_SEGMENTS}), so it is not a valid ESP image.`,
    };
  }
  const segments: EspSegment[] = [];
  let checksum = CHECKSUM_SEED;
  let position = offset + headerBytes;
  for (let index = 0; index < segmentCount; index += 1) {
    const segmentHeader = await file.readAt(position, 8);
    if (segmentHeader.length < 8) {
      return {
        ok: false,
        problem: `${where} is truncated: the file ends at segment ${index + 1} of ${segmentCount} (${byteCount(file.size)} in total).`,
      };
    }
    const addr = segmentHeader.readUInt32LE(0);
    const length = segmentHeader.readUInt32LE(4);
    const dataOffset = position + 8;
    if (dataOffset + length > file.size) {
      return {
        ok: false,
        problem: say.segmentTruncated(where, {
          index,
          count: segmentCount,
          address: addr,
          length,
          remaining: Math.max(0, file.size - dataOffset),
        }),
      };
    }
    const head = await file.readAt(dataOffset, Math.min(length, SEGMENT_HEAD_BYTES));
    await streamRange(file, dataOffset, dataOffset + length, (data) => {
      checksum = xorBytes(data, checksum);
    });
    segments.push({ addr, length, dataOffset, head });
    position = dataOffset + length;
  }
  // Padding runs to the last byte of the current 16-byte line (esptool align_file_position).
  const checksumOffset = position + (15 - (position % 16));
  const stored = await file.readAt(checksumOffset, 1);
  if (stored.length < 1) {
    return {
      ok: false,
      problem: `${where} is truncated: the file ends before the checksum byte at offset ${checksumOffset}.`,
    };
  }
  let end = checksumOffset + 1;
  let appendedHashValid: boolean | null = null;
  if (chip === 'esp32' && header[23] === 1) {
    const storedHash = await file.readAt(end, 32);
    if (storedHash.length < 32) {
      return { ok: false, problem: `${where} is truncated: the SHA-256 that should follow the checksum is missing.` };
    }
    const hash = createHash('sha256');
    await streamRange(file, offset, end, (data) => hash.update(data));
    appendedHashValid = hash.digest().equals(storedHash);
    end += 32;
  }
  return {
    ok: true,
    image: {
      offset,
      chip,
      segmentCount,
      flashMode: header[2]!,
      flashSizeFreq: header[3]!,
      entry: header.readUInt32LE(4),
      chipId: chip === 'esp32' ? header.readUInt16LE(12) : null,
      minRevFull: chip === 'esp32' ? header.readUInt16LE(15) : null,
      maxRevFull: chip === 'esp32' ? header.readUInt16LE(17) : null,
      segments,
      checksumOffset,
      storedChecksum: stored[0]!,
      computedChecksum: checksum,
      appendedHashValid,
      end,
    },
  };
}

const FLASH_MODES = ['QIO', 'QOUT', 'DIO', 'DOUT', 'FAST_READ', 'SLOW_READ'];
export function flashModeName(mode: number): string {
  return FLASH_MODES[mode] ?? `unknown (${hexByte(mode)})`;
}

// Size nibble tables from esptool's targets (esp8266.py FLASH_SIZES, esp32.py FLASH_SIZES).
const ESP8266_SIZES: Record<number, string> = {
  0: '512KB',
  1: '256KB',
  2: '1MB',
  3: '2MB',
  4: '4MB',
  5: '2MB-c1',
  6: '4MB-c1',
  8: '8MB',
  9: '16MB',
};
const ESP32_SIZES: Record<number, string> = {
  0: '1MB',
  1: '2MB',
  2: '4MB',
  3: '8MB',
  4: '16MB',
  5: '32MB',
  6: '64MB',
  7: '128MB',
};
const ESP8266_FREQUENCIES: Record<number, string> = { 0: '40m', 1: '26m', 2: '20m', 0xf: '80m' };

export function flashSizeName(chip: EspChip, sizeFreq: number): string {
  const nibble = sizeFreq >> 4;
  return (chip === 'esp8266' ? ESP8266_SIZES : ESP32_SIZES)[nibble] ?? `unknown (${hex(nibble, 1)})`;
}

/** The frequency as esptool names it for this chip; `code 0x3` when the code means nothing there. */
export function flashFrequencyName(chip: EspChip, sizeFreq: number, chipId: number | null): string {
  const nibble = sizeFreq & 0xf;
  const name =
    chip === 'esp8266' ? ESP8266_FREQUENCIES[nibble] : chipId === null ? null : esp32FrequencyName(chipId, nibble);
  return name ?? `code ${hex(nibble, 1)}`;
}

/**
 * Why the ROM could not use these flash settings (mode beyond DOUT, a size code the chip does not
 * have), or null. A bootloader image such as Mongoose OS's rboot.bin carries 0xff/0xf here: it is
 * written by a flasher at a fixed place, never sent as an application.
 */
export function flashParamsProblem(chip: EspChip, mode: number, sizeFreq: number): string | null {
  const bad: string[] = [];
  // The ESP8266 ROM knows QIO/QOUT/DIO/DOUT; ESP-IDF's header also defines FAST_READ and SLOW_READ.
  const lastMode = chip === 'esp8266' ? 3 : 5;
  if (mode > lastMode)
    bad.push(`flash mode ${hexByte(mode)} (valid: 0–${lastMode}, ${FLASH_MODES.slice(0, lastMode + 1).join('/')})`);
  if ((chip === 'esp8266' ? ESP8266_SIZES : ESP32_SIZES)[sizeFreq >> 4] === undefined) {
    bad.push(
      `flash size code ${hex(sizeFreq >> 4, 1)} (not a size the ${chip === 'esp8266' ? 'ESP8266' : 'ESP32'} knows)`,
    );
  }
  return bad.length === 0
    ? null
    : `The image header declares ${bad.join(' and ')}: the ROM bootloader could not start it.`;
}

export function segmentList(segments: EspSegment[]): string {
  return segments.map((s) => `${hex(s.addr)} (${s.length} B)`).join(', ');
}

export function checksumFact(image: EspImage): string {
  return image.storedChecksum === image.computedChecksum
    ? `valid (${hexByte(image.storedChecksum)})`
    : `mismatch: stored ${hexByte(image.storedChecksum)}, computed ${hexByte(image.computedChecksum)}`;
}
