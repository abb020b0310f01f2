// Minimal MCUboot images for the simulated SMP peripheral (ble-protocols.md §1.9), made by the
// shared imgtool-like builder (../mcuboot-image.ts): a 32-byte header, a deterministic payload, and
// the SHA-256 TLV over header + payload. `parseMcubootImage` is the device's view (what MCUboot and
// img_mgmt read back from the slot).

import { createHash } from 'node:crypto';
import { buildMcubootImage as buildImgtoolImage, mcubootHashOf } from '../mcuboot-image.ts';

export const IMAGE_MAGIC = 0x96f3b83d;
export const FLAG_NON_BOOTABLE = 0x10;

export interface McubootVersion {
  major: number;
  minor: number;
  revision: number;
  build?: number;
}

export interface BuildImageOptions {
  version: McubootVersion;
  payloadSize?: number;
  /** Sets the NON_BOOTABLE header flag. */
  nonBootable?: boolean;
  /** Write a wrong SHA-256 TLV (MCUboot refuses to swap the image in). */
  corruptHash?: boolean;
  /** Seed for the payload bytes (default: derived from the version). */
  seed?: number;
}

export function buildMcubootImage(o: BuildImageOptions): Buffer {
  const v = o.version;
  const spec = {
    version: [v.major, v.minor, v.revision, v.build ?? 0] as [number, number, number, number],
    payloadSize: o.payloadSize ?? 4096,
    flags: o.nonBootable ? FLAG_NON_BOOTABLE : 0,
    seed: o.seed ?? v.major * 1_000_003 + v.minor * 1009 + v.revision * 31 + (v.build ?? 0),
  };
  if (!o.corruptHash) return buildImgtoolImage(spec);
  const hash = mcubootHashOf(buildImgtoolImage(spec));
  hash[0] = hash[0]! ^ 0xff;
  return buildImgtoolImage({ ...spec, hashOverride: hash });
}

export interface ParsedImage {
  version: string;
  /** SHA-256 TLV value (what the image list reports as `hash`). */
  hash: Buffer;
  bootable: boolean;
  /** The TLV hash matches the header + payload (+ protected TLVs). */
  hashValid: boolean;
}

/** Zephyr's version text: major.minor.revision, plus .build when build ≠ 0. */
export function versionText(v: McubootVersion): string {
  return `${v.major}.${v.minor}.${v.revision}${v.build ? `.${v.build}` : ''}`;
}

export function parseMcubootImage(bytes: Buffer): ParsedImage | null {
  if (bytes.length < 32 || bytes.readUInt32LE(0) !== IMAGE_MAGIC) return null;
  const hdrSize = bytes.readUInt16LE(8);
  const protSize = bytes.readUInt16LE(10);
  const imgSize = bytes.readUInt32LE(12);
  const flags = bytes.readUInt32LE(16);
  const version = versionText({
    major: bytes.readUInt8(20),
    minor: bytes.readUInt8(21),
    revision: bytes.readUInt16LE(22),
    build: bytes.readUInt32LE(24),
  });
  const hashed = hdrSize + imgSize + protSize;
  const tlvStart = hashed;
  if (bytes.length < tlvStart + 4 || bytes.readUInt16LE(tlvStart) !== 0x6907) return null;
  const tlvEnd = tlvStart + bytes.readUInt16LE(tlvStart + 2);
  let hash: Buffer | null = null;
  for (let at = tlvStart + 4; at + 4 <= Math.min(tlvEnd, bytes.length);) {
    const type = bytes.readUInt8(at);
    const len = bytes.readUInt16LE(at + 2);
    if (type === 0x10 && len === 32) {
      if (hash) return null; // multiple SHA-256 TLVs
      hash = Buffer.from(bytes.subarray(at + 4, at + 4 + 32));
    }
    at += 4 + len;
  }
  if (!hash || hash.length !== 32) return null;
  const actual = createHash('sha256').update(bytes.subarray(0, hashed)).digest();
  return { version, hash, bootable: (flags & FLAG_NON_BOOTABLE) === 0, hashValid: actual.equals(hash) };
}
