// The flash side of a simulated esp-link board: the two 512 KB app slots as NOR flash (erased to
// 0xFF a 4 KB sector at a time, writes can only clear bits), esp-link's header check
// (`cgiflash.c check_header`) and what the SDK bootloader makes of a slot when asked to boot it.
//
// The boot verdict is written here on purpose, independently of the engine's image inspector and of
// the test image builder (esp8266-v2-image.ts), so that a bug in either shows up as a board that
// does not boot. Rules (lan-protocols.md §2.2–2.3):
//  - the v2 image must parse: 0xEA header, irom segment, 0xE9 inner header and its segments,
//    the 0xEF-seeded XOR checksum at the 16-byte boundary, then the "esp8266" CRC-32 trailer
//    (zlib CRC-32, inverted when bit 31 is set, else plus one) over everything before it;
//  - code linked for the other slot crashes: count the 4-byte-aligned little-endian words that
//    point into the slot-1 irom window (0x40201010–0x4027FFFF) and the slot-2 window
//    (0x40281010–0x402FFFFF); if the other slot's window wins, the image is not bootable here;
//  - an image whose inner header says a 1024+1024 map (size nibble 5, 6, 8 or 9) does not boot
//    from 0x81000 (those maps put user2 at 0x101000).
import { crc32 } from 'node:zlib';

export const FLASH_SECTOR = 0x1000;
/** esp-link's FIRMWARE_SIZE (Makefile ESP_FLASH_MAX): the largest image /flash/upload takes. */
export const ESP_LINK_FIRMWARE_SIZE = 503_808;
/** Where each slot starts in flash (hard-coded to the 512+512 layout by cgiflash.c). */
export const SLOT_ADDRESS = { 1: 0x1000, 2: 0x81000 } as const;
const SLOT_BYTES = 0x80000;

export type Slot = 1 | 2;

export const otherSlot = (slot: Slot): Slot => (slot === 1 ? 2 : 1);

/** `check_header` on the first bytes of an image: null when it looks like a v2 app image. */
export function checkHeader(head: Buffer): string | null {
  if (head[0] !== 0xea) return 'IROM magic missing';
  if (head[1] !== 4 || (head[2] ?? 0) > 3 || (head[3] ?? 0) >> 4 > 6) return 'bad flash header';
  if (head.readUInt16LE(6) !== 0x4010) return 'Invalid entry addr';
  if (head.readUInt32LE(8) !== 0) return 'Invalid start offset';
  return null;
}

/** One app slot of NOR flash. */
export class FlashSlot {
  readonly address: number;
  readonly bytes: Buffer;
  /** Sector numbers (flash address / 4096) in the order they were erased. */
  readonly erasedSectors: number[] = [];

  constructor(address: number, size = SLOT_BYTES) {
    this.address = address;
    this.bytes = Buffer.alloc(size, 0xff);
  }

  /** spi_flash_erase_sector for the sector holding `offset` (relative to the slot). */
  eraseSectorAt(offset: number): void {
    const start = offset - (offset % FLASH_SECTOR);
    this.bytes.fill(0xff, start, Math.min(start + FLASH_SECTOR, this.bytes.length));
    this.erasedSectors.push((this.address + start) / FLASH_SECTOR);
  }

  /** spi_flash_write: NOR flash only clears bits, so unerased bytes come out ANDed. */
  write(offset: number, data: Buffer): void {
    const end = Math.min(offset + data.length, this.bytes.length);
    for (let index = offset; index < end; index++) this.bytes[index] = this.bytes[index]! & data[index - offset]!;
  }

  /** Puts a whole image in place, as a serial flash tool would (erase, then write). */
  program(image: Buffer): void {
    for (let offset = 0; offset < image.length; offset += FLASH_SECTOR) this.eraseSectorAt(offset);
    this.write(0, image);
  }
}

export interface BootVerdict {
  bootable: boolean;
  /** Why not, in a few words (null when it boots). */
  reason: string | null;
  /** The image as the bootloader delimited it (null when it could not even be parsed). */
  image: Buffer | null;
  /** Words found pointing into each slot's irom window. */
  windowWords: { 1: number; 2: number };
}

function esp8266Crc(data: Buffer): number {
  const crc = crc32(data);
  return (crc & 0x80000000 ? crc ^ 0xffffffff : crc + 1) >>> 0;
}

const IROM_WINDOWS = {
  1: [0x40201010, 0x4027ffff],
  2: [0x40281010, 0x402fffff],
} as const;
const MAPS_1024 = new Set([5, 6, 8, 9]);

/** Counts literal-pool-like words pointing into each slot's irom window. */
export function countWindowWords(image: Buffer): { 1: number; 2: number } {
  const counts = { 1: 0, 2: 0 };
  for (let offset = 0; offset + 4 <= image.length; offset += 4) {
    const word = image.readUInt32LE(offset);
    if (word >= IROM_WINDOWS[1][0] && word <= IROM_WINDOWS[1][1]) counts[1] += 1;
    else if (word >= IROM_WINDOWS[2][0] && word <= IROM_WINDOWS[2][1]) counts[2] += 1;
  }
  return counts;
}

/** Delimits the v2 image at the start of `flash`: its length without the CRC, or an error. */
function parseImage(flash: Buffer): { end: number; checksumOk: boolean; sizeMap: number } | string {
  if (checkHeader(flash.subarray(0, 16)) !== null) return 'no app image header';
  let pos = 16 + flash.readUInt32LE(12);
  if (pos + 8 > flash.length || flash[pos] !== 0xe9) return 'inner image header missing (truncated?)';
  const segments = flash[pos + 1]!;
  const sizeMap = flash[pos + 3]! >> 4;
  if (segments === 0 || segments > 16) return `inner header claims ${segments} segments`;
  pos += 8;
  let checksum = 0xef;
  for (let index = 0; index < segments; index++) {
    if (pos + 8 > flash.length) return 'segment table runs past the slot (truncated?)';
    const length = flash.readUInt32LE(pos + 4);
    if (pos + 8 + length > flash.length) return 'segment runs past the slot (truncated?)';
    for (let at = pos + 8; at < pos + 8 + length; at++) checksum ^= flash[at]!;
    pos += 8 + length;
  }
  const checksumAt = pos + (15 - (pos % 16));
  if (checksumAt + 5 > flash.length) return 'image runs past the slot (truncated?)';
  return { end: checksumAt + 1, checksumOk: flash[checksumAt] === checksum, sizeMap };
}

/** What the bootloader does with the image in `slot` (its flash content given). */
export function bootVerdict(flash: Buffer, slot: Slot): BootVerdict {
  const parsed = parseImage(flash);
  if (typeof parsed === 'string') return { bootable: false, reason: parsed, image: null, windowWords: { 1: 0, 2: 0 } };
  const image = flash.subarray(0, parsed.end + 4);
  const windowWords = countWindowWords(image.subarray(0, parsed.end));
  const fail = (reason: string): BootVerdict => ({ bootable: false, reason, image, windowWords });
  if (!parsed.checksumOk) return fail('segment checksum mismatch');
  if (flash.readUInt32LE(parsed.end) !== esp8266Crc(flash.subarray(0, parsed.end)))
    return fail('CRC-32 mismatch (corrupt or truncated image)');
  const other = otherSlot(slot);
  if (windowWords[other] > windowWords[slot])
    return fail(`code linked for user${other}.bin crashes at 0x${SLOT_ADDRESS[slot].toString(16)}`);
  if (slot === 2 && MAPS_1024.has(parsed.sizeMap))
    return fail(`1024+1024 image (size map ${parsed.sizeMap}) cannot run from 0x81000`);
  return { bootable: true, reason: null, image, windowWords };
}
