// SMP request bodies and response parsing (ble-protocols.md §1.3–1.6): CBOR maps via cborg,
// definite-length and shortest-form, so upload-chunks.ts can predict their size to the byte.
import { decode, encode } from 'cborg';
import { UpdateError } from '../update-error.ts';
import { SMP_OP, encodeSmpPacket, type SmpOp, type SmpPacket, type SmpVersion } from './smp-frame.ts';
import { groupErrorWords, mgmtErrorWords, type SmpErrorWords } from './smp-errors.ts';

export const SMP_GROUP = { os: 0, image: 1 } as const;
export const SMP_COMMAND = {
  os: { echo: 0, reset: 5, mcumgrParams: 6 },
  image: { state: 0, upload: 1, erase: 5 },
} as const;

export type CborMap = Record<string, unknown>;

export interface SmpRequest {
  op: SmpOp;
  group: number;
  id: number;
  body: CborMap;
  /** For error sentences: "image upload", "MCUmgr params"… */
  what: string;
}

export function encodeCborBody(body: CborMap): Uint8Array {
  return encode(body);
}

/** The whole packet for a request: header (v2 unless told) and CBOR body. */
export function encodeSmpRequest(request: SmpRequest, sequence: number, version: SmpVersion = 2): Buffer {
  return encodeSmpPacket(
    { op: request.op, version, flags: 0, group: request.group, sequence, id: request.id },
    encodeCborBody(request.body),
  );
}

export function mcumgrParamsRequest(): SmpRequest {
  return { op: SMP_OP.read, group: SMP_GROUP.os, id: SMP_COMMAND.os.mcumgrParams, body: {}, what: 'MCUmgr params' };
}

export function resetRequest(force = false): SmpRequest {
  return {
    op: SMP_OP.write,
    group: SMP_GROUP.os,
    id: SMP_COMMAND.os.reset,
    body: force ? { force: true } : {},
    what: 'reset',
  };
}

export function imageStateReadRequest(): SmpRequest {
  return { op: SMP_OP.read, group: SMP_GROUP.image, id: SMP_COMMAND.image.state, body: {}, what: 'image state read' };
}

/**
 * Test (`confirm: false`, hash required) or confirm an image. `hash` is the image's SHA-256 TLV,
 * sent as a byte string (the doc says text; the server decodes bytes — §1.10). Without a hash,
 * `confirm: true` confirms the running image.
 */
export function imageStateWriteRequest(hash: Uint8Array | null, confirm: boolean): SmpRequest {
  if (!confirm && !hash) throw new RangeError('testing an image needs its hash');
  if (hash && hash.length !== 32) throw new RangeError(`an image hash is 32 bytes, not ${hash.length}`);
  const body: CborMap = { confirm };
  if (hash) body.hash = toBytes(hash);
  return {
    op: SMP_OP.write,
    group: SMP_GROUP.image,
    id: SMP_COMMAND.image.state,
    body,
    what: confirm ? 'image confirm' : 'image test',
  };
}

/** Erase an image slot (§1.4): the device refuses a slot in use (active, pending or the revert target). */
export function imageEraseRequest(slot: number): SmpRequest {
  return { op: SMP_OP.write, group: SMP_GROUP.image, id: SMP_COMMAND.image.erase, body: { slot }, what: 'image erase' };
}

export interface UploadChunk {
  off: number;
  data: Uint8Array;
  /** First chunk (off = 0) only: total image size, required there. */
  len?: number;
  /** First chunk only: SHA-256 of the whole file (not the TLV hash). */
  sha?: Uint8Array;
  /** First chunk only: image number; left out unless the caller sets it (the server defaults to 0). */
  image?: number;
  /** First chunk only: refuse if not newer than the running version. */
  upgrade?: boolean;
}

/** The map of one upload request; first-chunk fields are sent only with off = 0. */
export function uploadBody(chunk: UploadChunk): CborMap {
  const body: CborMap = { off: chunk.off, data: toBytes(chunk.data) };
  if (chunk.off === 0) {
    if (chunk.len === undefined) throw new RangeError('the first upload chunk needs len');
    body.len = chunk.len;
    if (chunk.sha) body.sha = toBytes(chunk.sha);
    if (chunk.image !== undefined) body.image = chunk.image;
    if (chunk.upgrade !== undefined) body.upgrade = chunk.upgrade;
  }
  return body;
}

export function imageUploadRequest(chunk: UploadChunk): SmpRequest {
  return {
    op: SMP_OP.write,
    group: SMP_GROUP.image,
    id: SMP_COMMAND.image.upload,
    body: uploadBody(chunk),
    what: 'image upload',
  };
}

/** cborg writes a Uint8Array as a byte string; copy Buffers so their pool offset is not an issue. */
function toBytes(data: Uint8Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function malformed(what: string, detail: string): UpdateError {
  return new UpdateError(
    'update-failed',
    `The board's answer to ${what} is not a valid SMP response: ${detail}. Its MCUmgr firmware may be incompatible, or the link corrupted the data.`,
  );
}

/** Decodes a response body: it must be one CBOR map with text keys. */
export function decodeResponseBody(body: Uint8Array, what = 'the request'): CborMap {
  let value: unknown;
  try {
    value = decode(body);
  } catch (error) {
    throw malformed(
      what,
      `its body is not CBOR (${error instanceof Error ? error.message.replace(/^CBOR decode error: /, '') : String(error)})`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
    throw malformed(
      what,
      `its body is CBOR but not a map (${Array.isArray(value) ? 'an array' : value === null ? 'null' : value instanceof Uint8Array ? 'a byte string' : typeof value})`,
    );
  }
  return value as CborMap;
}

export interface SmpError extends SmpErrorWords {
  /** 1: plain `rc` (v1, or a transport-level error); 2: `{err: {group, rc}}`. */
  shape: 1 | 2;
  group: number | null;
  rc: number;
  /** The board's `rsn`, when it sent one. */
  reason: string | null;
}

const isUint = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

/** The error a response carries, in either shape; null for success (no rc/err, or rc 0). */
export function responseError(map: CborMap, what = 'the request'): SmpError | null {
  if (map.err !== undefined) {
    const err = map.err as CborMap | null;
    if (err === null || typeof err !== 'object' || !isUint(err.group) || !isUint(err.rc)) {
      throw malformed(what, '`err` is not a map of unsigned `group` and `rc`');
    }
    if (err.rc === 0) return null;
    return { shape: 2, group: err.group, rc: err.rc, reason: null, ...groupErrorWords(err.group, err.rc) };
  }
  if (map.rc !== undefined) {
    if (typeof map.rc !== 'number' || !Number.isInteger(map.rc)) throw malformed(what, '`rc` is not an integer');
    if (map.rc === 0) return null;
    const reason = typeof map.rsn === 'string' ? map.rsn : null;
    return { shape: 1, group: null, rc: map.rc, reason, ...mgmtErrorWords(map.rc) };
  }
  return null;
}

/** A device's SMP error: an UpdateError (words, result code) that keeps the numbers for callers. */
export class SmpDeviceError extends UpdateError {
  readonly smp: SmpError;
  constructor(smp: SmpError, what: string) {
    const sentence = smp.sentence.charAt(0).toUpperCase() + smp.sentence.slice(1);
    super(smp.code, `${sentence} (${what}: ${smp.name}, rc ${smp.rc}).`, smp.reason);
    this.smp = smp;
  }
}

/** Decodes a response packet and throws SmpDeviceError with the board's error in words. */
export function checkResponse(packet: SmpPacket, request: SmpRequest): CborMap {
  const expectedOp = request.op + 1;
  if (packet.header.op !== expectedOp || packet.header.group !== request.group || packet.header.id !== request.id) {
    throw malformed(
      request.what,
      `expected op ${expectedOp} group ${request.group} id ${request.id}, got op ${packet.header.op} group ${packet.header.group} id ${packet.header.id}`,
    );
  }
  const map = decodeResponseBody(packet.body, request.what);
  const error = responseError(map, request.what);
  if (error) throw new SmpDeviceError(error, request.what);
  return map;
}

export interface McumgrParams {
  bufSize: number;
  bufCount: number;
}

/** `{buf_size, buf_count}`, or null when the board did not give both. */
export function parseMcumgrParams(map: CborMap): McumgrParams | null {
  return isUint(map.buf_size) && isUint(map.buf_count) && map.buf_size > 0
    ? { bufSize: map.buf_size, bufCount: map.buf_count }
    : null;
}

export interface ImageSlotState {
  image: number;
  slot: number;
  version: string | null;
  /** Hex of the SHA-256 TLV of the image in the slot. */
  hash: string | null;
  bootable: boolean;
  pending: boolean;
  confirmed: boolean;
  active: boolean;
  permanent: boolean;
}

/** The `images` list of a state read/write response; missing flags are false (FRUGAL_LIST). */
export function parseImageState(map: CborMap, what = 'image state read'): ImageSlotState[] {
  if (!Array.isArray(map.images)) throw malformed(what, 'it has no `images` list');
  return map.images.map((entry: unknown) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
      throw malformed(what, 'an `images` entry is not a map');
    const e = entry as CborMap;
    if (!isUint(e.slot)) throw malformed(what, 'an `images` entry has no slot');
    return {
      image: isUint(e.image) ? e.image : 0,
      slot: e.slot,
      version: typeof e.version === 'string' ? e.version : null,
      hash: e.hash instanceof Uint8Array ? Buffer.from(e.hash).toString('hex') : null,
      bootable: e.bootable === true,
      pending: e.pending === true,
      confirmed: e.confirmed === true,
      active: e.active === true,
      permanent: e.permanent === true,
    };
  });
}

export interface UploadProgress {
  /** Next byte the board expects. */
  off: number;
  /** Last chunk only: whether the stored image hashes to `sha`. */
  match: boolean | null;
}

export function parseUploadResponse(map: CborMap): UploadProgress {
  if (!isUint(map.off)) throw malformed('image upload', 'it has no `off`');
  return { off: map.off, match: typeof map.match === 'boolean' ? map.match : null };
}
