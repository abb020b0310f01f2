// ESPHome's native OTA wire format (esphome/espota2.py, components/esphome/ota/ota_esphome.cpp), kept
// pure so each byte the board may say is tested without sockets. The exchange:
//   client: magic 6C 26 F7 5C 45           board: 00 <version 1|2>
//   client: feature byte                   board: 40 (plain) | 46 (gzip accepted) | 48 <flags> (extended)
//   board:  41 (no password) | 01 <32-hex nonce> (MD5) | 02 <64-hex nonce> (SHA-256)
//   client: cnonce (same length) + hex(hash(password ‖ nonce ‖ cnonce))   board: 41 | 82
//   client: size (4 bytes, big-endian)     board: 42
//   client: MD5 of the upload, 32 hex      board: 43
//   client: data in 8 KiB blocks           board (v2): 47 after each block and after the last
//   board:  44 (received), 45 (flashed)    client: 00, then the board reboots
// Any byte from 0x80 up is the board refusing; it closes the connection after it.
import { createHash } from 'node:crypto';

export const MAGIC = Buffer.from([0x6c, 0x26, 0xf7, 0x5c, 0x45]);

export const RESPONSE = {
  ok: 0x00,
  requestMd5Auth: 0x01,
  requestSha256Auth: 0x02,
  headerOk: 0x40,
  authOk: 0x41,
  updatePrepareOk: 0x42,
  binMd5Ok: 0x43,
  receiveOk: 0x44,
  updateEndOk: 0x45,
  supportsCompression: 0x46,
  chunkOk: 0x47,
  featureFlags: 0x48,
} as const;

export const ERROR = {
  magic: 0x80,
  updatePrepare: 0x81,
  authInvalid: 0x82,
  writingFlash: 0x83,
  updateEnd: 0x84,
  invalidBootstrapping: 0x85,
  wrongCurrentFlashConfig: 0x86,
  wrongNewFlashConfig: 0x87,
  esp8266NotEnoughSpace: 0x88,
  esp32NotEnoughSpace: 0x89,
  noUpdatePartition: 0x8a,
  md5Mismatch: 0x8b,
  rp2040NotEnoughSpace: 0x8c,
  signatureInvalid: 0x8d,
  unsupportedOtaType: 0x8e,
  partitionTableVerify: 0x8f,
  partitionTableUpdate: 0x90,
  unknown: 0xff,
} as const;

/** Client feature bits. We offer gzip and SHA-256 auth, never the extended protocol (its OTA types, its encryption). */
export const CLIENT_FEATURES = { compression: 0x01, sha256Auth: 0x02, extendedProtocol: 0x04 } as const;
export const OFFERED_FEATURES = CLIENT_FEATURES.compression | CLIENT_FEATURES.sha256Auth;
export const SERVER_FEATURES = { compression: 0x01, partitionAccess: 0x02 } as const;

export const SUPPORTED_VERSIONS = [1, 2] as const;
/** The board acknowledges every 8 KiB in protocol v2 (OTA_BLOCK_SIZE); espota2 sends in the same blocks. */
export const BLOCK_SIZE = 8192;

export type AuthKind = 'md5' | 'sha256';
export interface AuthScheme {
  kind: AuthKind;
  /** Length of the board's nonce and of our cnonce, in hex digits. */
  nonceLength: number;
}

/** The board's first byte after the feature answer: which challenge it sends, or none. */
export function authScheme(byte: number): AuthScheme | 'none' | null {
  if (byte === RESPONSE.authOk) return 'none';
  if (byte === RESPONSE.requestSha256Auth) return { kind: 'sha256', nonceLength: 64 };
  if (byte === RESPONSE.requestMd5Auth) return { kind: 'md5', nonceLength: 32 };
  return null;
}

/** hex(hash(password ‖ nonce ‖ cnonce)), the answer both schemes expect. */
export function authResponse(kind: AuthKind, password: string, nonce: string, cnonce: string): string {
  return createHash(kind).update(password, 'utf8').update(nonce).update(cnonce).digest('hex');
}

export type FeatureAnswer =
  | { kind: 'plain' }
  | { kind: 'compression' }
  /** The board answered in the extended protocol we did not ask for (flags as it sent them). */
  | { kind: 'extended' };

/** The feature answer's first byte; 'extended' needs one more byte (the flags) read and ignored. */
export function featureAnswer(byte: number): FeatureAnswer | null {
  if (byte === RESPONSE.headerOk) return { kind: 'plain' };
  if (byte === RESPONSE.supportsCompression) return { kind: 'compression' };
  if (byte === RESPONSE.featureFlags) return { kind: 'extended' };
  return null;
}

export const isErrorByte = (byte: number): boolean => byte >= 0x80;

export function sizeBytes(size: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(size);
  return bytes;
}

/** How many 0x47 acknowledgements a v2 board sends for an upload of this size (one per block, the last partial one too). */
export const chunkAcks = (size: number): number => Math.ceil(size / BLOCK_SIZE);
