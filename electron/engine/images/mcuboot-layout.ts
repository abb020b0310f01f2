// Reading an MCUboot image's structure (mcu-tools/mcuboot boot/bootutil/include/bootutil/image.h,
// scripts/imgtool/image.py; ble-protocols.md §1.9), little-endian:
//   header (32 bytes, padded to hdr_size): magic, load_addr, hdr_size u16, protect_tlv_size u16,
//   img_size, flags, version major u8 minor u8 revision u16 build u32
//   payload (img_size bytes from hdr_size)
//   optional protected TLV area (info 0x6908 + total u16, total = protect_tlv_size), then the TLV area
//   (info 0x6907 + total u16); each TLV is type u16 (imgtool: u8 + pad) + len u16 + value
//   optional slot trailer when imgtool --pad was used: flags, then the 16-byte boot magic at the end
// Parsing only: what the findings mean for a push is decided in mcuboot.ts.
import { byteCount, hex } from './image-format.ts';
import type { ImageFile } from './image-file.ts';
import * as say from './mcuboot-messages.ts';

export const MCUBOOT_MAGIC = 0x96f3b83d;
export const MCUBOOT_LEGACY_MAGIC = 0x96f3b83c;
export const HEADER_BYTES = 32;
export const TLV_INFO_MAGIC = 0x6907;
export const PROTECTED_TLV_INFO_MAGIC = 0x6908;
const TLV_INFO_BYTES = 4;
export const TLV_SHA256 = 0x10;
export const TLV_SIG_PURE = 0x25;
export const ENCRYPTED_FLAGS = 0x04 | 0x08;

const FLAG_NAMES: Array<[number, string]> = [
  [0x01, 'PIC'],
  [0x04, 'ENCRYPTED_AES128'],
  [0x08, 'ENCRYPTED_AES256'],
  [0x10, 'NON_BOOTABLE'],
  [0x20, 'RAM_LOAD'],
  [0x100, 'ROM_FIXED'],
  [0x200, 'COMPRESSED_LZMA1'],
  [0x400, 'COMPRESSED_LZMA2'],
  [0x800, 'COMPRESSED_ARM_THUMB'],
];

// image.h names (design.md lists the UUID TLVs at 0x80/0x81; image.h and imgtool use 0x74/0x75).
export const TLV_NAMES: Record<number, string> = {
  0x01: 'KEYHASH',
  0x02: 'PUBKEY',
  0x10: 'SHA256',
  0x11: 'SHA384',
  0x12: 'SHA512',
  0x20: 'RSA2048',
  0x22: 'ECDSASIG',
  0x23: 'RSA3072',
  0x24: 'ED25519',
  0x25: 'SIG_PURE',
  0x30: 'ENCRSA2048',
  0x31: 'ENCKW',
  0x32: 'ENCEC256',
  0x33: 'ENCX25519',
  0x34: 'ENCX25519_SHA512',
  0x40: 'DEPENDENCY',
  0x50: 'SEC_CNT',
  0x60: 'BOOT_RECORD',
  0x70: 'DECOMP_SIZE',
  0x71: 'DECOMP_SHA',
  0x72: 'DECOMP_SIGNATURE',
  0x74: 'UUID_VID',
  0x75: 'UUID_CID',
};
export const SIGNATURE_TLVS = new Set([0x20, 0x22, 0x23, 0x24]);

/** The boot magic that ends a padded slot (BOOT_MAX_ALIGN 8), and the tail of the variant for larger alignments. */
const BOOT_MAGIC = Buffer.from([
  0x77, 0xc2, 0x95, 0xf3, 0x60, 0xd2, 0xef, 0x7f, 0x35, 0x52, 0x50, 0x0f, 0x2c, 0xb6, 0x79, 0x80,
]);
const BOOT_MAGIC_ALIGNED_TAIL = Buffer.from([
  0x2d, 0xe1, 0x5d, 0x29, 0x41, 0x0b, 0x8d, 0x77, 0x67, 0x9c, 0x11, 0x0f, 0x1f, 0x8a,
]);

export interface McubootHeader {
  magic: number;
  loadAddr: number;
  hdrSize: number;
  protectTlvSize: number;
  imgSize: number;
  flags: number;
  /** `major.minor.revision+build`, as imgtool prints it. */
  version: string;
  /** As MCUmgr's image list reports it: `major.minor.revision`, plus `.build` only when build ≠ 0. */
  smpVersion: string;
}

export function parseMcubootHeader(bytes: Buffer): McubootHeader | null {
  if (bytes.length < HEADER_BYTES) return null;
  const magic = bytes.readUInt32LE(0);
  if (magic !== MCUBOOT_MAGIC && magic !== MCUBOOT_LEGACY_MAGIC) return null;
  const [major, minor, revision, build] = [bytes[20]!, bytes[21]!, bytes.readUInt16LE(22), bytes.readUInt32LE(24)];
  return {
    magic,
    loadAddr: bytes.readUInt32LE(4),
    hdrSize: bytes.readUInt16LE(8),
    protectTlvSize: bytes.readUInt16LE(10),
    imgSize: bytes.readUInt32LE(12),
    flags: bytes.readUInt32LE(16),
    version: `${major}.${minor}.${revision}+${build}`,
    smpVersion: `${major}.${minor}.${revision}${build === 0 ? '' : `.${build}`}`,
  };
}

export function mcubootFlagNames(flags: number): string[] {
  return FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
}

export function tlvName(type: number): string {
  return TLV_NAMES[type] ?? hex(type, 2);
}

export interface Tlv {
  type: number;
  length: number;
  protected: boolean;
  value: Buffer;
}
export type TlvRead = { ok: true; tlvs: Tlv[]; end: number } | { ok: false; problem: string };

/** Reads one TLV area (info header + entries) starting at `offset`. */
export async function readTlvArea(
  file: ImageFile,
  offset: number,
  magic: number,
  isProtected: boolean,
): Promise<TlvRead> {
  const which = isProtected ? 'protected TLV area' : 'TLV area (hash and signature)';
  const info = await file.readAt(offset, TLV_INFO_BYTES);
  if (info.length < TLV_INFO_BYTES) {
    return {
      ok: false,
      problem: `The MCUboot image is truncated: its header says the ${which} starts at offset ${offset}, but the file has only ${byteCount(file.size)}. ${say.REBUILD}`,
    };
  }
  if (info.readUInt16LE(0) !== magic) {
    return { ok: false, problem: say.tlvMagicMissing(which, offset, magic, info.readUInt16LE(0)) };
  }
  const total = info.readUInt16LE(2);
  const area = await file.readAt(offset, total);
  if (area.length < total) {
    return {
      ok: false,
      problem: `The MCUboot image is truncated: its header and TLV info say it is ${byteCount(offset + total)}, but the file has only ${byteCount(file.size)}. ${say.REBUILD}`,
    };
  }
  const tlvs: Tlv[] = [];
  let at = TLV_INFO_BYTES;
  while (at + 4 <= total) {
    // imgtool writes the type as one byte plus a pad byte; image.h reads a u16. Both agree here.
    const type = area.readUInt16LE(at);
    const length = area.readUInt16LE(at + 2);
    if (at + 4 + length > total) break;
    tlvs.push({ type, length, protected: isProtected, value: Buffer.from(area.subarray(at + 4, at + 4 + length)) });
    at += 4 + length;
  }
  if (at !== total) {
    return {
      ok: false,
      problem: `The MCUboot ${which} at offset ${offset} is malformed: its entries do not add up to the ${total} bytes its info header declares. ${say.REBUILD}`,
    };
  }
  return { ok: true, tlvs, end: offset + total };
}

export interface McubootTrailer {
  /** BOOT_MAX_ALIGN the magic was written for (8 for the classic magic). */
  maxAlign: number;
  imageOk: string;
  copyDone: string;
  swapInfo: string;
}

/** imgtool dumpinfo's words for a trailer flag byte. */
function flagWord(value: number): string {
  const word = value === 0x01 ? 'SET' : value === 0x03 ? 'UNSET' : value === 0xff ? 'INVALID' : 'BAD';
  return `${word} (0x${value.toString(16)})`;
}

/**
 * The slot trailer at the end of an `imgtool --pad` file: the 16-byte boot magic in the last bytes,
 * in an area of align_up(16, BOOT_MAX_ALIGN) bytes; before that area, one BOOT_MAX_ALIGN apart,
 * image_ok, copy_done and swap_info (bootutil_public.c boot_image_ok_off: ALIGN_DOWN(magic_off −
 * BOOT_MAX_ALIGN, BOOT_MAX_ALIGN); imgtool writes image_ok at −(align_up(16, A) + A)). Null when the
 * file does not end with a boot magic.
 */
export async function readTrailer(file: ImageFile, tlvEnd: number): Promise<McubootTrailer | null> {
  if (file.size - tlvEnd < BOOT_MAGIC.length) return null;
  const magic = await file.readAt(file.size - BOOT_MAGIC.length, BOOT_MAGIC.length);
  let maxAlign: number;
  if (magic.equals(BOOT_MAGIC)) maxAlign = 8;
  else if (magic.subarray(2).equals(BOOT_MAGIC_ALIGNED_TAIL)) maxAlign = magic.readUInt16LE(0);
  else return null;
  if (maxAlign < 8 || (maxAlign & (maxAlign - 1)) !== 0) return null;
  const magicArea = Math.ceil(BOOT_MAGIC.length / maxAlign) * maxAlign;
  const imageOk = file.size - magicArea - maxAlign;
  const start = imageOk - 2 * maxAlign;
  if (start < tlvEnd) return null;
  const flags = await file.readAt(start, 3 * maxAlign);
  return {
    maxAlign,
    swapInfo: flagWord(flags[0]!),
    copyDone: flagWord(flags[maxAlign]!),
    imageOk: flagWord(flags[2 * maxAlign]!),
  };
}
