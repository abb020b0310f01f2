// MCUboot images (Zephyr, Mynewt, nRF Connect SDK, TF-M), pushed with MCUmgr/SMP, which arrives in a
// later issue. Here: recognise them, show the header, list the TLVs and catch truncation. Layout
// (mcu-tools/mcuboot boot/bootutil/include/bootutil/image.h), little-endian:
//   header (32 bytes, padded to hdr_size): magic, load_addr, hdr_size u16, protect_tlv_size u16,
//   img_size, flags, version major u8 minor u8 revision u16 build u32
//   payload (img_size bytes from hdr_size)
//   optional protected TLV area (info 0x6908 + total u16), then TLV area (info 0x6907 + total u16)
//   optional slot trailer when imgtool --pad was used
import type { ImageFact } from '../../../shared/domain.ts';
import { byteCount, fact, hex, type FormatReport, type ImageFormat } from './image-format.ts';
import type { ImageFile } from './image-file.ts';

const LABEL = 'MCUboot image';
const MCUBOOT_MAGIC = 0x96f3b83d;
const MCUBOOT_LEGACY_MAGIC = 0x96f3b83c;
const HEADER_BYTES = 32;
const TLV_INFO_MAGIC = 0x6907;
const PROTECTED_TLV_INFO_MAGIC = 0x6908;
const TLV_INFO_BYTES = 4;

const FLAG_NAMES: Array<[number, string]> = [
  [0x01, 'PIC'], [0x04, 'ENCRYPTED_AES128'], [0x08, 'ENCRYPTED_AES256'], [0x10, 'NON_BOOTABLE'],
  [0x20, 'RAM_LOAD'], [0x100, 'ROM_FIXED'], [0x200, 'COMPRESSED_LZMA1'], [0x400, 'COMPRESSED_LZMA2'],
  [0x800, 'COMPRESSED_ARM_THUMB'],
];

const TLV_NAMES: Record<number, string> = {
  0x01: 'KEYHASH', 0x02: 'PUBKEY', 0x10: 'SHA256', 0x11: 'SHA384', 0x12: 'SHA512', 0x20: 'RSA2048',
  0x22: 'ECDSASIG', 0x23: 'RSA3072', 0x24: 'ED25519', 0x25: 'SIG_PURE', 0x30: 'ENCRSA2048',
  0x31: 'ENCKW', 0x32: 'ENCEC256', 0x33: 'ENCX25519', 0x34: 'ENCX25519_SHA512', 0x40: 'DEPENDENCY',
  0x50: 'SEC_CNT', 0x60: 'BOOT_RECORD', 0x70: 'DECOMP_SIZE', 0x71: 'DECOMP_SHA', 0x72: 'DECOMP_SIGNATURE',
  0x74: 'UUID_VID', 0x75: 'UUID_CID',
};
const SIGNATURE_TLVS = new Set([0x20, 0x22, 0x23, 0x24]);

export interface McubootHeader {
  magic: number;
  loadAddr: number;
  hdrSize: number;
  protectTlvSize: number;
  imgSize: number;
  flags: number;
  /** `major.minor.revision+build`, as imgtool prints it. */
  version: string;
}

export function parseMcubootHeader(bytes: Buffer): McubootHeader | null {
  if (bytes.length < HEADER_BYTES) return null;
  const magic = bytes.readUInt32LE(0);
  if (magic !== MCUBOOT_MAGIC && magic !== MCUBOOT_LEGACY_MAGIC) return null;
  return {
    magic,
    loadAddr: bytes.readUInt32LE(4),
    hdrSize: bytes.readUInt16LE(8),
    protectTlvSize: bytes.readUInt16LE(10),
    imgSize: bytes.readUInt32LE(12),
    flags: bytes.readUInt32LE(16),
    version: `${bytes[20]}.${bytes[21]}.${bytes.readUInt16LE(22)}+${bytes.readUInt32LE(24)}`,
  };
}

export function mcubootFlagNames(flags: number): string[] {
  return FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
}

interface Tlv { type: number; length: number; protected: boolean }
type TlvRead = { ok: true; tlvs: Tlv[]; end: number } | { ok: false; problem: string };

/** Reads one TLV area (info header + entries) starting at `offset`. */
async function readTlvArea(file: ImageFile, offset: number, magic: number, isProtected: boolean): Promise<TlvRead> {
  const info = await file.readAt(offset, TLV_INFO_BYTES);
  if (info.length < TLV_INFO_BYTES) {
    return { ok: false, problem: `The MCUboot image is truncated: the file ends at ${byteCount(file.size)}, before the TLV area at offset ${offset} (the header promises a larger image). Rebuild it or download it again.` };
  }
  if (info.readUInt16LE(0) !== magic) {
    return { ok: false, problem: `The MCUboot TLV area at offset ${offset} does not start with its magic (${hex(magic, 4)}; found ${hex(info.readUInt16LE(0), 4)}): the file is corrupted or was not produced by imgtool. Rebuild it or download it again.` };
  }
  const total = info.readUInt16LE(2);
  const area = await file.readAt(offset, total);
  if (area.length < total) {
    return { ok: false, problem: `The MCUboot image is truncated: its TLV area (signature and hash) needs ${byteCount(total)} at offset ${offset}, but the file ends after ${byteCount(area.length)}. Rebuild it or download it again.` };
  }
  const tlvs: Tlv[] = [];
  for (let at = TLV_INFO_BYTES; at + 4 <= total;) {
    // imgtool writes the type as one byte plus a pad byte; image.h reads a u16. Both agree here.
    const type = area.readUInt16LE(at);
    const length = area.readUInt16LE(at + 2);
    tlvs.push({ type, length, protected: isProtected });
    at += 4 + length;
  }
  return { ok: true, tlvs, end: offset + total };
}

export const mcubootFormat: ImageFormat = {
  id: 'mcuboot',
  label: LABEL,
  detect: (head) => head.length >= 4 && [MCUBOOT_MAGIC, MCUBOOT_LEGACY_MAGIC].includes(head.readUInt32LE(0)),

  async inspect(file) {
    const header = parseMcubootHeader(file.head);
    const fail = (problem: string, facts: ImageFact[] = []): FormatReport =>
      ({ formatLabel: LABEL, facts, version: header?.version ?? null, pushableWith: [], warnings: [], problem });
    if (!header) return fail(`The file is only ${byteCount(file.size)}: it starts like an MCUboot image but is truncated inside its 32-byte header. Rebuild it or download it again.`);
    const flagNames = mcubootFlagNames(header.flags);
    const facts: ImageFact[] = [
      fact('Version', header.version),
      fact('Header size', `${hex(header.hdrSize, 1)} (${header.hdrSize} bytes)`),
      fact('Image size', `${hex(header.imgSize, 1)} (${byteCount(header.imgSize)})`),
      fact('Flags', header.flags === 0 ? '0x0 (none)' : `${hex(header.flags, 1)} (${flagNames.join(', ')})`),
      fact('Load address', hex(header.loadAddr)),
    ];
    if (header.protectTlvSize > 0) facts.push(fact('Protected TLV size', `${header.protectTlvSize} bytes`));
    if (header.hdrSize < HEADER_BYTES) {
      return fail(`The MCUboot header declares a header size of ${header.hdrSize} bytes, less than the 32-byte header itself: the file is corrupted.`, facts);
    }
    if (header.magic === MCUBOOT_LEGACY_MAGIC) {
      return fail('This is a legacy MCUboot v1 image (header magic 0x96f3b83c), which current MCUboot bootloaders reject. Rebuild it with a current imgtool.', facts);
    }
    const payloadEnd = header.hdrSize + header.imgSize;
    let tlvs: Tlv[] = [];
    let offset = payloadEnd;
    if (header.protectTlvSize > 0) {
      const protectedArea = await readTlvArea(file, offset, PROTECTED_TLV_INFO_MAGIC, true);
      if (!protectedArea.ok) return fail(protectedArea.problem, facts);
      tlvs = protectedArea.tlvs;
      offset = payloadEnd + header.protectTlvSize;
    }
    const area = await readTlvArea(file, offset, TLV_INFO_MAGIC, false);
    if (!area.ok) return fail(area.problem, facts);
    tlvs = [...tlvs, ...area.tlvs];
    const signature = tlvs.find((t) => SIGNATURE_TLVS.has(t.type));
    facts.push(
      fact('TLVs', tlvs.map((t) => `${t.protected ? 'P:' : ''}${TLV_NAMES[t.type] ?? hex(t.type, 2)}`).join(', ')),
      fact('Signature', signature ? TLV_NAMES[signature.type]! : 'none (hash only)'),
      fact('Encrypted', header.flags & 0x0c ? 'yes' : 'no'),
    );
    if (area.end < file.size) facts.push(fact('Padded', `${byteCount(file.size - area.end)} after the TLV area (slot trailer)`));
    return {
      formatLabel: LABEL,
      facts,
      version: header.version,
      pushableWith: [],
      warnings: [],
      problem: 'This is an MCUboot image (Zephyr, Mynewt or nRF Connect SDK firmware). It is pushed with MCUmgr/SMP over BLE, which arrives in a later version of OTA Bench; it cannot be pushed over the LAN.',
    };
  },
};
