// How much image data fits one SMP upload request, and how many requests may be in flight
// (ble-protocols.md §1.7–1.8). The overhead is computed exactly as cborg encodes the map of
// smp-messages.ts `uploadBody` (definite lengths, shortest integers), per chunk: the first chunk
// carries len/sha/image/upgrade, and the width of `off` grows at 24, 256, 65536 and 2³².
import { SMP_HEADER_BYTES } from './smp-frame.ts';

/** Bytes of a CBOR head for an unsigned value / length: 1, 2, 3, 5 or 9. */
export function cborHeadBytes(value: number): number {
  if (value < 24) return 1;
  if (value < 0x100) return 2;
  if (value < 0x10000) return 3;
  if (value < 0x100000000) return 5;
  return 9;
}

const textKey = (key: string): number => cborHeadBytes(key.length) + key.length;

/** The fields of one upload request other than the data itself. */
export interface ChunkFields {
  off: number;
  /** First chunk only (off = 0): total image size. */
  len?: number;
  /** First chunk only: byte length of `sha` (32 for SHA-256); 0 or absent = not sent. */
  shaBytes?: number;
  image?: number;
  upgrade?: boolean;
}

/** Header + CBOR map of an upload request, without the data bytes but with their byte-string head. */
export function uploadOverhead(fields: ChunkFields, dataBytes: number): number {
  let entries = 2;
  let size = textKey('off') + cborHeadBytes(fields.off) + textKey('data') + cborHeadBytes(dataBytes);
  if (fields.off === 0) {
    if (fields.len !== undefined) {
      entries += 1;
      size += textKey('len') + cborHeadBytes(fields.len);
    }
    if (fields.shaBytes) {
      entries += 1;
      size += textKey('sha') + cborHeadBytes(fields.shaBytes) + fields.shaBytes;
    }
    if (fields.image !== undefined) {
      entries += 1;
      size += textKey('image') + cborHeadBytes(fields.image);
    }
    if (fields.upgrade !== undefined) {
      entries += 1;
      size += textKey('upgrade') + 1;
    }
  }
  return SMP_HEADER_BYTES + cborHeadBytes(entries) + size;
}

/**
 * Largest SMP packet the board takes (§1.7 step 1): its MCUmgr params `buf_size` when it answered
 * (assumes reassembly, as Nordic's and intercreate's clients do), else one ATT write (MTU − 3).
 */
export function maxSmpPacket(options: { bufSize?: number | null; attMtu: number }): number {
  return options.bufSize && options.bufSize > 0 ? options.bufSize : options.attMtu - 3;
}

export interface ChunkPlan {
  /** Data bytes in this request. */
  dataBytes: number;
  /** The whole SMP packet: header + CBOR map + data. */
  packetBytes: number;
}

/** Data bytes that fit one request at `fields.off` (before alignment and the remaining-bytes cap); may be ≤ 0. */
export function dataRoom(fields: ChunkFields, maxPacket: number): number {
  // The data's byte-string head depends on the data length: start from the widest guess and shrink.
  let dataBytes = maxPacket - uploadOverhead(fields, 0) + 1;
  while (dataBytes > 0 && uploadOverhead(fields, dataBytes) + dataBytes > maxPacket) dataBytes -= 1;
  return dataBytes;
}

/**
 * Data bytes for the chunk at `fields.off`, filling `maxPacket` exactly where possible, capped by
 * what remains of `imageSize`, and rounded down to `alignment` for non-final chunks (old NCS
 * firmware when pipelining, §1.7 step 4). Throws RangeError when the packet cannot carry a useful
 * chunk (the first must hold the 32-byte MCUboot header): callers check with planFirstChunk first.
 */
export function planChunk(fields: ChunkFields, imageSize: number, maxPacket: number, alignment = 1): ChunkPlan {
  const remaining = imageSize - fields.off;
  if (remaining <= 0) throw new RangeError(`offset ${fields.off} is not inside a ${imageSize}-byte image`);
  let dataBytes = dataRoom(fields, maxPacket);
  if (dataBytes < remaining && alignment > 1) dataBytes -= dataBytes % alignment;
  dataBytes = Math.min(dataBytes, remaining);
  const minimum = fields.off === 0 ? Math.min(MCUBOOT_HEADER_BYTES, imageSize) : 1;
  if (dataBytes < minimum) {
    const needs = fields.off === 0 ? 'first chunk needs at least 32 (the MCUboot header)' : 'upload needs at least 1';
    throw new RangeError(
      `an SMP packet of ${maxPacket} bytes leaves room for ${Math.max(0, dataBytes)} data bytes at offset ${fields.off}; the ${needs}`,
    );
  }
  return { dataBytes, packetBytes: uploadOverhead(fields, dataBytes) + dataBytes };
}

/** The first upload request must carry the whole 32-byte MCUboot header (Zephyr img_mgmt_upload_inspect). */
export const MCUBOOT_HEADER_BYTES = 32;
const FULL_SHA_BYTES = 32;

/** How the first request fits a packet: which `sha` it can carry beside the MCUboot header. */
export interface FirstChunkPlan {
  /**
   * Bytes of the file's SHA-256 sent as `sha`: 32 normally; fewer when the packet is too small
   * (Zephyr accepts a trimmed sha: resume still works, the end-of-upload `match` check is lost);
   * 0 when even 1 byte does not fit (no resume after a dropped link, no `match`).
   */
  shaBytes: number;
  dataBytes: number;
}

/**
 * The first request for an image of `imageSize` bytes in packets of `maxPacket` bytes, or null when
 * not even the MCUboot header fits (with no sha at all) or a later chunk could not carry a byte.
 */
export function planFirstChunk(imageSize: number, maxPacket: number): FirstChunkPlan | null {
  const need = Math.min(MCUBOOT_HEADER_BYTES, imageSize);
  // A later chunk at the last offset has the widest `off`: it must still carry one byte.
  if (imageSize > 1 && dataRoom({ off: imageSize - 1 }, maxPacket) < 1) return null;
  for (let shaBytes = FULL_SHA_BYTES; shaBytes >= 0; shaBytes--) {
    const room = Math.min(dataRoom({ off: 0, len: imageSize, shaBytes }, maxPacket), imageSize);
    if (room >= need) return { shaBytes, dataBytes: room };
  }
  return null;
}

/** The smallest SMP packet that carries an image of this size at all (for the refusal's words). */
export function minimumSmpPacket(imageSize: number): number {
  let packet = SMP_HEADER_BYTES + 1;
  while (!planFirstChunk(imageSize, packet)) packet++;
  return packet;
}

/** Requests in flight (§1.8): buf_count − 1, at least 1; 1 (stop-and-wait) when the board did not say. */
export function uploadWindow(bufCount?: number | null): number {
  return bufCount && bufCount > 1 ? bufCount - 1 : 1;
}
