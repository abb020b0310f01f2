// imgtool-like MCUboot images for tests and simulated boards, deterministic for a given seed:
// header (padded to headerSize), a pseudo-random payload, optional protected TLVs, the TLV area with
// the SHA-256 over [0, hdr_size + img_size + protect_tlv_size) and an optional (fake) signature, and
// optionally padded to a slot with the trailer and boot magic (`imgtool sign --pad [--confirm]`).
// Layout: mcu-tools/mcuboot scripts/imgtool/image.py; ble-protocols.md §1.9.
import { createHash } from 'node:crypto';

export interface McubootTlvSpec {
  type: number;
  value: Buffer;
}

export interface McubootImageSpec {
  /** [major, minor, revision, build] or `1.2.3+4`. */
  version?: [number, number, number, number] | string;
  payloadSize?: number;
  /** hdr_size; imgtool pads the header with zeros (`--header-size 0x200 --pad-header`). Default 32. */
  headerSize?: number;
  flags?: number;
  loadAddr?: number;
  /** TLVs in the protected area (covered by the hash), e.g. SEC_CNT 0x50. */
  protectedTlvs?: McubootTlvSpec[];
  /** A fake signature TLV after the hash, e.g. `{ type: 0x22, value: 71 bytes }` for ECDSASIG. */
  signatureTlv?: McubootTlvSpec;
  /** Leave out the SHA-256 TLV (imgtool never does; a hand-made file might). */
  omitHash?: boolean;
  /** Write this instead of the real hash. */
  hashOverride?: Buffer;
  /** Pad the file to this slot size with 0xff and end it with the trailer and boot magic. */
  padToSlot?: number;
  /** With padToSlot: set image_ok (imgtool --confirm). */
  imageOk?: boolean;
  /** With padToSlot: `imgtool --max-align` (8, 16, 32): the magic's first 2 bytes then hold it. */
  maxAlign?: number;
  seed?: number;
}

export const BOOT_MAGIC = Buffer.from([
  0x77, 0xc2, 0x95, 0xf3, 0x60, 0xd2, 0xef, 0x7f, 0x35, 0x52, 0x50, 0x0f, 0x2c, 0xb6, 0x79, 0x80,
]);
/** imgtool's magic for --max-align other than 8: the alignment (u16 LE), then these 14 bytes. */
const BOOT_MAGIC_ALIGNED_TAIL = Buffer.from([
  0x2d, 0xe1, 0x5d, 0x29, 0x41, 0x0b, 0x8d, 0x77, 0x67, 0x9c, 0x11, 0x0f, 0x1f, 0x8a,
]);

/** xorshift32 bytes: same seed, same payload. */
export function seededBytes(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i += 1) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

function tlvArea(magic: number, tlvs: McubootTlvSpec[]): Buffer {
  const body = Buffer.concat(
    tlvs.map(({ type, value }) => {
      const head = Buffer.alloc(4);
      head.writeUInt16LE(type, 0);
      head.writeUInt16LE(value.length, 2);
      return Buffer.concat([head, value]);
    }),
  );
  const info = Buffer.alloc(4);
  info.writeUInt16LE(magic, 0);
  info.writeUInt16LE(4 + body.length, 2);
  return Buffer.concat([info, body]);
}

function versionParts(version: McubootImageSpec['version']): [number, number, number, number] {
  if (Array.isArray(version)) return version;
  const match = /^(\d+)\.(\d+)\.(\d+)(?:\+(\d+))?$/.exec(version ?? '1.0.0+0');
  if (!match) throw new Error(`bad version ${version}`);
  return [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4] ?? 0)];
}

export function buildMcubootImage(spec: McubootImageSpec = {}): Buffer {
  const headerSize = spec.headerSize ?? 32;
  const payload = seededBytes(spec.payloadSize ?? 4096, spec.seed ?? 1);
  const [major, minor, revision, build] = versionParts(spec.version);
  const protectedArea = spec.protectedTlvs?.length ? tlvArea(0x6908, spec.protectedTlvs) : Buffer.alloc(0);
  const header = Buffer.alloc(headerSize);
  header.writeUInt32LE(0x96f3b83d, 0);
  header.writeUInt32LE(spec.loadAddr ?? 0, 4);
  header.writeUInt16LE(headerSize, 8);
  header.writeUInt16LE(protectedArea.length, 10);
  header.writeUInt32LE(payload.length, 12);
  header.writeUInt32LE(spec.flags ?? 0, 16);
  header[20] = major;
  header[21] = minor;
  header.writeUInt16LE(revision, 22);
  header.writeUInt32LE(build, 24);
  const hashed = Buffer.concat([header, payload, protectedArea]);
  const hash = spec.hashOverride ?? createHash('sha256').update(hashed).digest();
  const tlvs: McubootTlvSpec[] = [];
  if (!spec.omitHash) tlvs.push({ type: 0x10, value: hash });
  if (spec.signatureTlv) tlvs.push(spec.signatureTlv);
  const image = Buffer.concat([hashed, tlvArea(0x6907, tlvs)]);
  if (spec.padToSlot === undefined) return image;
  if (spec.padToSlot < image.length + 64) throw new Error(`slot ${spec.padToSlot} too small for ${image.length} bytes`);
  const padded = Buffer.alloc(spec.padToSlot, 0xff);
  image.copy(padded, 0);
  const maxAlign = spec.maxAlign ?? 8;
  BOOT_MAGIC.copy(padded, padded.length - 16);
  if (maxAlign !== 8) {
    padded.writeUInt16LE(maxAlign, padded.length - 16);
    BOOT_MAGIC_ALIGNED_TAIL.copy(padded, padded.length - 14);
  }
  // imgtool: the magic fills an area of align_up(16, max_align) bytes; image_ok sits max_align
  // bytes before that area (8 bytes before the magic for the default 8), copy_done and swap_info
  // max_align further each.
  if (spec.imageOk) padded[padded.length - Math.ceil(16 / maxAlign) * maxAlign - maxAlign] = 0x01;
  return padded;
}

/** SHA-256 the hash TLV carries: over header, payload and protected TLVs. */
export function mcubootHashOf(image: Buffer): Buffer {
  const end = image.readUInt16LE(8) + image.readUInt32LE(12) + image.readUInt16LE(10);
  return createHash('sha256').update(image.subarray(0, end)).digest();
}
