// How a Mongoose OS device judges an uploaded fw.zip. It reads the archive as a stream of local
// file headers (it never looks at the central directory), so the checks and their order follow
// the last open `ota-common src/mgos_updater_common.c`, messages included. Quirk kept on purpose:
// when the first entry is not manifest.json the device fails without setting a message, and the
// HTTP server answers "Unknown error".
import { crc32 } from 'node:zlib';

export interface FwManifest {
  name?: string;
  platform: string;
  version: string;
  build_id: string;
  parts: Record<string, unknown>;
  [key: string]: unknown;
}

export type FwZipVerdict = { ok: true; manifest: FwManifest; imageBytes: number } | { ok: false; message: string };

export interface DeviceLimits {
  /** The board's FW_ARCHITECTURE, compared case-insensitively with the manifest's platform prefix. */
  arch: string;
  /** Bytes available for the firmware parts. */
  freeSpace: number;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_DIRECTORY = 0x02014b50;
const MANIFEST_NAME = 'manifest.json';
// struct mgos_upd_file_info has a 50-byte name buffer.
const MAX_NAME = 50;

interface LocalEntry {
  name: string;
  data: Buffer;
  crc: number;
  next: number;
}

type HeaderResult = { entry: LocalEntry } | { message: string } | { incomplete: true };

function readLocalEntry(zip: Buffer, at: number): HeaderResult {
  if (zip.length - at < 30) return { incomplete: true };
  if (zip.readUInt32LE(at) !== LOCAL_HEADER) return { message: 'Malformed archive (invalid file header)' };
  const nameLength = zip.readUInt16LE(at + 26);
  const extraLength = zip.readUInt16LE(at + 28);
  if (zip.length - at < 30 + nameLength + extraLength) return { incomplete: true };
  if (zip.readUInt16LE(at + 8) !== 0) return { message: 'Cannot handle compressed .zip' };
  // Folders inside the archive are ignored: only the part after the first '/' counts.
  const fullName = zip.toString('latin1', at + 30, at + 30 + nameLength);
  const slash = fullName.indexOf('/');
  const name = slash >= 0 ? fullName.slice(slash + 1) : fullName;
  if (name.length >= MAX_NAME) return { message: 'Too long file name' };
  const size = zip.readUInt32LE(at + 18);
  if (size !== zip.readUInt32LE(at + 22)) return { message: 'Malformed archive' };
  const start = at + 30 + nameLength + extraLength;
  if (zip.length < start + size) return { incomplete: true };
  return {
    entry: { name, data: zip.subarray(start, start + size), crc: zip.readUInt32LE(at + 14), next: start + size },
  };
}

function crcMatches(entry: LocalEntry): boolean {
  // A zero CRC in the header means "not recorded"; the device skips the check then.
  return entry.crc === 0 || crc32(entry.data) === entry.crc;
}

function parseManifest(data: Buffer): { manifest: FwManifest } | { message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch {
    return { message: 'Failed to parse manifest' };
  }
  if (typeof parsed !== 'object' || parsed === null) return { message: 'Failed to parse manifest' };
  const manifest = parsed as Record<string, unknown>;
  const present = (key: string) => {
    const value = manifest[key];
    if (typeof value === 'string') return value.length > 0;
    return value !== undefined && value !== null;
  };
  if (!['platform', 'version', 'build_id', 'parts'].every(present))
    return { message: 'Required manifest field missing' };
  // json_scanf's %T takes any token: a numeric version is as good as a string one.
  const fields = {
    platform: String(manifest.platform),
    version: String(manifest.version),
    build_id: String(manifest.build_id),
  };
  return { manifest: { ...manifest, ...fields } as FwManifest };
}

/** Validates an uploaded fw.zip as the device would, in the device's order. */
export function checkFwZip(zip: Buffer, limits: DeviceLimits): FwZipVerdict {
  // Whatever stops the stream before the central directory ends as an aborted update.
  const aborted = { ok: false as const, message: 'Update aborted' };
  const first = readLocalEntry(zip, 0);
  if ('incomplete' in first) return aborted;
  if ('message' in first) return { ok: false, message: first.message };
  if (first.entry.name !== MANIFEST_NAME) return { ok: false, message: 'Unknown error' };
  if (!crcMatches(first.entry)) return { ok: false, message: 'Invalid CRC' };
  const parsed = parseManifest(first.entry.data);
  if ('message' in parsed) return { ok: false, message: parsed.message };
  const manifest = parsed.manifest;
  if (!manifest.platform.toLowerCase().startsWith(limits.arch.toLowerCase()))
    return { ok: false, message: 'Wrong platform' };

  let at = first.entry.next;
  let imageBytes = 0;
  for (;;) {
    if (zip.length - at < 4) return aborted;
    if (zip.readUInt32LE(at) === CENTRAL_DIRECTORY) break;
    const result = readLocalEntry(zip, at);
    if ('incomplete' in result) {
      // The header says how big the part is: the device refuses it before the data arrives.
      if (zip.length - at >= 30) {
        const declared = imageBytes + zip.readUInt32LE(at + 22);
        if (declared > limits.freeSpace) return { ok: false, message: notEnoughSpace(declared, limits.freeSpace) };
      }
      return aborted;
    }
    if ('message' in result) return { ok: false, message: result.message };
    imageBytes += result.entry.data.length;
    if (imageBytes > limits.freeSpace) return { ok: false, message: notEnoughSpace(imageBytes, limits.freeSpace) };
    if (!crcMatches(result.entry)) return { ok: false, message: 'Invalid CRC' };
    at = result.entry.next;
  }
  return { ok: true, manifest, imageBytes };
}

function notEnoughSpace(need: number, have: number): string {
  return `Not enough space: need ${need} bytes, have ${have}`;
}
