// SMP (MCUmgr Simple Management Protocol) framing: the 8-byte header, whole packets, splitting a
// packet into ATT writes and reassembling notifications (ble-protocols.md §1.1–1.2; zephyr
// doc/services/device_mgmt/smp_protocol.rst, smp_internal.h). Transport-agnostic: no BLE here.
//   byte 0: bits 0–2 op, bits 3–4 version (0 = SMP v1, 1 = SMP v2), bits 5–7 reserved
//   byte 1: flags (reserved, 0)   bytes 2–3: body length (BE)   bytes 4–5: group (BE)
//   byte 6: sequence              byte 7: command id
import { UpdateError } from '../update-error.ts';

export const SMP_HEADER_BYTES = 8;
/** The body length is a u16. */
export const SMP_MAX_BODY_BYTES = 0xffff;

export const SMP_OP = { read: 0, readResponse: 1, write: 2, writeResponse: 3 } as const;
export type SmpOp = (typeof SMP_OP)[keyof typeof SMP_OP];

/** 1 = legacy SMP (version bits 0), 2 = SMP v2 (version bits 1). */
export type SmpVersion = 1 | 2;

export interface SmpHeader {
  op: SmpOp;
  version: SmpVersion;
  flags: number;
  /** Body length in bytes (header excluded). */
  length: number;
  group: number;
  sequence: number;
  id: number;
}

export interface SmpPacket {
  header: SmpHeader;
  body: Buffer;
}

function garbage(what: string): UpdateError {
  return new UpdateError(
    'update-failed',
    `The board sent a malformed SMP packet: ${what}. Its MCUmgr firmware may be incompatible, or the link corrupted the data.`,
  );
}

export function encodeSmpHeader(header: SmpHeader): Buffer {
  if (!Number.isInteger(header.length) || header.length < 0 || header.length > SMP_MAX_BODY_BYTES) {
    throw new RangeError(`SMP body length ${header.length} does not fit the 16-bit length field`);
  }
  const out = Buffer.alloc(SMP_HEADER_BYTES);
  out[0] = (header.op & 0x07) | ((header.version === 2 ? 1 : 0) << 3);
  out[1] = header.flags & 0xff;
  out.writeUInt16BE(header.length, 2);
  out.writeUInt16BE(header.group & 0xffff, 4);
  out[6] = header.sequence & 0xff;
  out[7] = header.id & 0xff;
  return out;
}

/**
 * Reads the 8-byte header at the start of `bytes`. Throws UpdateError for fewer than 8 bytes or a
 * reserved version (2, 3). Reserved bits 5–7 are ignored: Mynewt treats bits 3–7 as reserved.
 */
export function decodeSmpHeader(bytes: Uint8Array): SmpHeader {
  if (bytes.length < SMP_HEADER_BYTES) throw garbage(`${bytes.length} bytes, fewer than the 8-byte header`);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const versionBits = (buffer[0]! >> 3) & 0x03;
  if (versionBits > 1) throw garbage(`header version ${versionBits}, which is reserved (only 0 = v1 and 1 = v2 exist)`);
  return {
    op: (buffer[0]! & 0x07) as SmpOp,
    version: versionBits === 1 ? 2 : 1,
    flags: buffer[1]!,
    length: buffer.readUInt16BE(2),
    group: buffer.readUInt16BE(4),
    sequence: buffer[6]!,
    id: buffer[7]!,
  };
}

/** Header (with the body's length filled in) followed by the body. */
export function encodeSmpPacket(header: Omit<SmpHeader, 'length'>, body: Uint8Array): Buffer {
  return Buffer.concat([encodeSmpHeader({ ...header, length: body.length }), body]);
}

/** One complete packet: the header's length must match the bytes that follow exactly. */
export function decodeSmpPacket(bytes: Uint8Array): SmpPacket {
  const header = decodeSmpHeader(bytes);
  const bodyBytes = bytes.length - SMP_HEADER_BYTES;
  if (bodyBytes !== header.length) {
    throw garbage(`the header announces a ${header.length}-byte body but ${bodyBytes} bytes follow`);
  }
  return { header, body: Buffer.from(bytes.subarray(SMP_HEADER_BYTES)) };
}

/**
 * Splits one SMP packet into ATT writes of at most ATT_MTU − 3 bytes. A write never carries bytes of
 * two packets (the server has one reassembly context; §1.1).
 */
export function fragmentSmpPacket(packet: Uint8Array, attMtu: number): Buffer[] {
  const max = attMtu - 3;
  if (!Number.isInteger(max) || max < SMP_HEADER_BYTES) {
    throw new RangeError(`ATT MTU ${attMtu} leaves fewer than ${SMP_HEADER_BYTES} bytes per write`);
  }
  const out: Buffer[] = [];
  for (let at = 0; at < packet.length; at += max)
    out.push(Buffer.from(packet.subarray(at, Math.min(packet.length, at + max))));
  return out;
}

/**
 * Rebuilds SMP packets from notifications split at ATT_MTU − 3 (smp_bt.c): the first fragment holds
 * the header, whose length says how many body bytes follow. Tolerates a notification that carries
 * the end of one packet and the start of the next. Throws UpdateError (and resets) on garbage.
 */
export class SmpReassembler {
  private pending: Buffer = Buffer.alloc(0);

  /** Bytes of an incomplete packet held back. */
  get buffered(): number {
    return this.pending.length;
  }

  /** Adds one notification; returns every packet it completed, in order. */
  push(fragment: Uint8Array): SmpPacket[] {
    this.pending = this.pending.length === 0 ? Buffer.from(fragment) : Buffer.concat([this.pending, fragment]);
    const packets: SmpPacket[] = [];
    while (this.pending.length >= SMP_HEADER_BYTES) {
      let header: SmpHeader;
      try {
        header = decodeSmpHeader(this.pending);
      } catch (error) {
        this.reset();
        throw error;
      }
      const total = SMP_HEADER_BYTES + header.length;
      if (this.pending.length < total) break;
      packets.push({ header, body: Buffer.from(this.pending.subarray(SMP_HEADER_BYTES, total)) });
      this.pending = this.pending.subarray(total);
    }
    return packets;
  }

  /** Drops a partial packet (after a disconnect or a timeout). */
  reset(): void {
    this.pending = Buffer.alloc(0);
  }
}
