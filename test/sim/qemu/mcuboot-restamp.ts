// Firmware for the QEMU tests, derived at test time from the real builds and written to a temp dir
// (derived firmware is never committed):
//  - the M0 build's .signed.bin re-versioned (header version changed, SHA-256 TLV recomputed). That image
//    carries only the SHA-256 TLV, no signature, so its MCUboot boots the copy: a real "new version".
//  - wrong images: the mps2 build's .signed.bin (another board's image: RAM-load flag, load address
//    0x20240000) and a file that is no MCUboot image at all.
// Layout: mcu-tools/mcuboot scripts/imgtool/image.py (header, payload, protected TLVs, TLV info 0x6907).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const IMAGE_MAGIC = 0x96f3b83d;
const TLV_INFO_MAGIC = 0x6907;
const TLV_PROTECTED_INFO_MAGIC = 0x6908;
const TLV_SHA256 = 0x10;
/** Signature and key TLVs: a re-hashed image with one of these would no longer verify. */
const SIGNATURE_TLVS = new Set([0x01, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25]);

export interface RestampedImage {
  image: Buffer;
  /** The new SHA-256 TLV (what the board's image list shows as the hash), hex. */
  hashHex: string;
}

/** A copy of an unsigned (SHA-256-only) MCUboot image with another version and its hash recomputed. */
export function restampMcubootImage(original: Buffer, version: string): RestampedImage {
  const match = /^(\d+)\.(\d+)\.(\d+)(?:\+(\d+))?$/.exec(version);
  if (!match) throw new Error(`version ${version} is not major.minor.revision[+build]`);
  if (original.readUInt32LE(0) !== IMAGE_MAGIC) throw new Error('not an MCUboot image (bad header magic)');
  const image = Buffer.from(original);
  const headerSize = image.readUInt16LE(8);
  const protectedSize = image.readUInt16LE(10);
  const imageSize = image.readUInt32LE(12);
  image[20] = Number(match[1]);
  image[21] = Number(match[2]);
  image.writeUInt16LE(Number(match[3]), 22);
  image.writeUInt32LE(Number(match[4] ?? 0), 24);
  const hashedEnd = headerSize + imageSize + protectedSize;
  if (protectedSize > 0 && image.readUInt16LE(headerSize + imageSize) !== TLV_PROTECTED_INFO_MAGIC) {
    throw new Error('the protected TLV area has a bad magic');
  }
  if (image.readUInt16LE(hashedEnd) !== TLV_INFO_MAGIC) throw new Error('no TLV area after the payload');
  const tlvEnd = hashedEnd + image.readUInt16LE(hashedEnd + 2);
  const hash = createHash('sha256').update(image.subarray(0, hashedEnd)).digest();
  let hashAt = -1;
  for (let at = hashedEnd + 4; at < tlvEnd;) {
    const type = image.readUInt16LE(at);
    const length = image.readUInt16LE(at + 2);
    if (SIGNATURE_TLVS.has(type))
      throw new Error(`the image is signed (TLV 0x${type.toString(16)}): a re-hash would not verify`);
    if (type === TLV_SHA256 && length === 32) hashAt = at + 4;
    at += 4 + length;
  }
  if (hashAt < 0) throw new Error('the image has no SHA-256 TLV');
  hash.copy(image, hashAt);
  return { image, hashHex: hash.toString('hex') };
}

/** The SHA-256 TLV of an image as it stands (what the board lists as its hash). */
export function mcubootHashHex(image: Buffer): string {
  return restampMcubootImage(image, versionOf(image)).hashHex;
}

/** The header version, "major.minor.revision" (+build when not 0). */
export function versionOf(image: Buffer): string {
  const build = image.readUInt32LE(24);
  return `${image[20]}.${image[21]}.${image.readUInt16LE(22)}${build ? `+${build}` : ''}`;
}

export interface QemuFirmwareFiles {
  dir: string;
  /** The M0 application re-versioned to `version` (default 1.2.3). */
  m0Update: string;
  m0UpdateHash: string;
  m0UpdateVersion: string;
  m0UpdateSize: number;
  /** The mps2 build's signed image: an MCUboot image of another board (RAM-load, load address 0x20240000). */
  mps2Image: string;
  /** The mps2 build's image re-versioned to `version` too (for the mps2 serial-recovery board). */
  mps2Update: string;
  mps2UpdateHash: string;
  /** A text file that is no firmware image. */
  notFirmware: string;
  cleanup(): void;
}

/** Writes the derived files of one test run to a fresh temp dir; `cleanup()` removes it. */
export function writeQemuFirmware(zephyrDir: string, prefix: string, version = '1.2.3'): QemuFirmwareFiles {
  const dir = mkdtempSync(path.join(tmpdir(), 'ota-bench-qemu-fw-'));
  const m0 = readFileSync(path.join(zephyrDir, `${prefix}qemu_cortex_m0_serial.signed.bin`));
  const restamped = restampMcubootImage(m0, version);
  const m0Update = path.join(dir, `smp_server_m0-${version}.signed.bin`);
  writeFileSync(m0Update, restamped.image);
  const mps2Image = path.join(dir, 'smp_server_mps2_an385.signed.bin');
  writeFileSync(
    mps2Image,
    readFileSync(path.join(zephyrDir, `${prefix}mps2_an385_serial_recovery_buf2048.signed.bin`)),
  );
  const mps2Restamped = restampMcubootImage(readFileSync(mps2Image), version);
  const mps2Update = path.join(dir, `smp_server_mps2_an385-${version}.signed.bin`);
  writeFileSync(mps2Update, mps2Restamped.image);
  const notFirmware = path.join(dir, 'release-notes.txt');
  writeFileSync(notFirmware, 'Release notes for 1.2.3\n\n- faster uploads\n- fewer bugs\n'.repeat(40));
  return {
    dir,
    m0Update,
    m0UpdateHash: restamped.hashHex,
    m0UpdateVersion: version,
    m0UpdateSize: restamped.image.length,
    mps2Image,
    mps2Update,
    mps2UpdateHash: mps2Restamped.hashHex,
    notFirmware,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
