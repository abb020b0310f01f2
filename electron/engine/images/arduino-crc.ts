// The length and CRC words Arduino-ESP8266 (core ≥ 2.6, tools/elf2bin.py add_crc) patches into a
// sketch at 0x1010 and 0x1014, after the image checksum was computed. The CRC is eboot's crc8266 /
// the core's crc32(): CRC-32 poly 0x04C11DB7 fed MSB first, seed 0xFFFFFFFF, no final XOR, over the
// first `length` bytes of the file with the two words taken as zero. Neither the Updater nor eboot
// checks it; the sketch does, with ESP.checkFlashCRC(), which then reports its own flash as corrupt.
// A file whose CRC does not match is therefore not the file the build wrote.
import { hex } from './image-format.ts';
import { streamRange, type ImageFile } from './image-file.ts';

export const ARDUINO_LENGTH_OFFSET = 0x1010;
export const ARDUINO_CRC_OFFSET = 0x1014;

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte += 1) {
    let crc = byte << 24;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    table[byte] = crc >>> 0;
  }
  return table;
})();

/** CRC-32/MPEG-2 style (MSB first, no reflection), continuing from `crc`. */
export function crc8266(data: Uint8Array, crc = 0xffffffff): number {
  let value = crc >>> 0;
  for (let index = 0; index < data.length; index += 1) {
    value = ((value << 8) ^ TABLE[((value >>> 24) ^ data[index]!) & 0xff]!) >>> 0;
  }
  return value;
}

export interface ArduinoCrc {
  /** Bytes the CRC covers, as the build recorded at 0x1010. */
  length: number;
  stored: number;
  computed: number;
  /** A signed image (signing.py): signature and its u32 length follow the covered bytes. */
  signed: boolean;
}

/**
 * The Arduino CRC of an eboot + sketch file, or null when the file carries none (builds before
 * 2019 have code at 0x1010). The recorded length must be the file size, or the file size less a
 * signature block (signature bytes, then their count as u32), else the words are not a length.
 */
export async function readArduinoCrc(file: Pick<ImageFile, 'readAt' | 'size'>): Promise<ArduinoCrc | null> {
  const words = await file.readAt(ARDUINO_LENGTH_OFFSET, 8);
  if (words.length < 8) return null;
  const length = words.readUInt32LE(0);
  let signed = false;
  if (length !== file.size) {
    const tail = file.size >= 4 ? await file.readAt(file.size - 4, 4) : Buffer.alloc(0);
    signed = tail.length === 4 && length > ARDUINO_CRC_OFFSET + 4 && length + tail.readUInt32LE(0) + 4 === file.size;
    if (!signed) return null;
  }
  let crc = crc8266(await file.readAt(0, ARDUINO_LENGTH_OFFSET));
  crc = crc8266(Buffer.alloc(8), crc);
  await streamRange(file, ARDUINO_CRC_OFFSET + 4, length, (data) => {
    crc = crc8266(data, crc);
  });
  return { length, stored: words.readUInt32LE(4), computed: crc, signed };
}

export function arduinoCrcFact(crc: ArduinoCrc): string {
  const covers = crc.signed ? ` over the first ${crc.length} bytes (a signature follows)` : '';
  return crc.stored === crc.computed
    ? `valid (${hex(crc.stored)})${covers}`
    : `mismatch: stored ${hex(crc.stored)}, computed ${hex(crc.computed)}${covers}`;
}
