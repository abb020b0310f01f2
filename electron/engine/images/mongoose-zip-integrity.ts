// The integrity checks a Mongoose OS device makes while it streams a fw.zip (ota-common
// mgos_updater_common.c, lan-protocols.md §3.3), made here before a byte is sent, because the
// device only says no after the whole upload: it walks the *local* file headers from the first byte
// (never the central directory yauzl reads), verifies each file's CRC-32 ("Invalid CRC"), and after
// writing a part compares its SHA-1 with the manifest's `cs_sha1`. We also hold each part's `size`
// against the file the zip holds for it.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { posix } from 'node:path';
import type yauzl from 'yauzl';
import { isIoError } from './image-file.ts';
import { hex } from './image-format.ts';
import type { MongoosePart } from './mongoose-part.ts';
import * as say from './mongoose-messages.ts';

const DATA_DESCRIPTOR_FLAG = 0x8;

export interface IntegrityResult {
  problems: string[];
  /** One line for the facts: what was verified. */
  summary: string;
}

const list = (items: string[]): string =>
  `${items.slice(0, 3).join('; ')}${items.length > 3 ? `; and ${items.length - 3} more` : ''}`;

/** Where the local headers (what the device parses) say something else than the central directory. */
async function localHeaderMismatches(zip: yauzl.ZipFile, entries: yauzl.Entry[]): Promise<string[]> {
  const found: string[] = [];
  let expectedOffset = 0;
  for (const entry of entries) {
    const name = entry.fileName;
    if (expectedOffset >= 0 && entry.relativeOffsetOfLocalHeader !== expectedOffset) {
      found.push(
        `${name} starts at byte ${entry.relativeOffsetOfLocalHeader}, but the entry before it ends at byte ${expectedOffset}`,
      );
    }
    let local: yauzl.LocalFileHeader;
    try {
      local = await zip.readLocalFileHeaderPromise(entry);
    } catch (error) {
      if (isIoError(error)) throw error;
      found.push(
        `${name}: no local file header where the central directory points (${error instanceof Error ? error.message : String(error)})`,
      );
      expectedOffset = -1;
      continue;
    }
    const differ: string[] = [];
    if (!local.fileName.equals(entry.fileNameRaw)) differ.push(`name "${local.fileName.toString('latin1')}"`);
    if (local.compressionMethod !== entry.compressionMethod)
      differ.push(`method ${local.compressionMethod} instead of ${entry.compressionMethod}`);
    if ((local.generalPurposeBitFlag & DATA_DESCRIPTOR_FLAG) === 0) {
      if (local.crc32 !== entry.crc32) differ.push(`CRC-32 ${hex(local.crc32)} instead of ${hex(entry.crc32)}`);
      if (local.compressedSize !== entry.compressedSize)
        differ.push(`size ${local.compressedSize} instead of ${entry.compressedSize}`);
      if (local.uncompressedSize !== entry.uncompressedSize)
        differ.push(`unpacked size ${local.uncompressedSize} instead of ${entry.uncompressedSize}`);
    }
    if (differ.length > 0) found.push(`${name}'s local header says ${differ.join(', ')}`);
    // A data descriptor (12 or 16 bytes) makes the next offset uncertain: skip that comparison.
    const described = (local.generalPurposeBitFlag & DATA_DESCRIPTOR_FLAG) !== 0;
    expectedOffset = described ? -1 : local.fileDataStart + entry.compressedSize;
  }
  return found;
}

/** Streams one entry (inflating it if need be) for its CRC-32 and SHA-1. */
async function digestEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<{ crc: number; sha1: string } | string> {
  try {
    const stream = await zip.openReadStreamPromise(entry);
    let crc = 0;
    const sha1 = createHash('sha1');
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      crc = crc32(chunk, crc);
      sha1.update(chunk);
    }
    return { crc: crc >>> 0, sha1: sha1.digest('hex') };
  } catch (error) {
    if (isIoError(error)) throw error;
    return `${entry.fileName} cannot be read (${error instanceof Error ? error.message : String(error)})`;
  }
}

/**
 * Checks every entry's CRC-32, the local headers against the central directory, and each part's
 * SHA-1 and size against the manifest. `entries` sorted by offset; `folder` is the manifest's.
 */
export async function checkZipIntegrity(
  zip: yauzl.ZipFile,
  entries: yauzl.Entry[],
  parts: MongoosePart[],
  folder: string,
): Promise<IntegrityResult> {
  const problems: string[] = [];
  const headers = await localHeaderMismatches(zip, entries);
  if (headers.length > 0) {
    problems.push(say.localHeadersDisagree(list(headers)));
  }
  const byName = new Map(entries.map((e) => [e.fileName, e]));
  const digests = new Map<string, { crc: number; sha1: string }>();
  const badCrc: string[] = [];
  const unreadable: string[] = [];
  for (const entry of entries) {
    if (entry.isEncrypted() || entry.fileName.endsWith('/')) continue;
    const digest = await digestEntry(zip, entry);
    if (typeof digest === 'string') {
      unreadable.push(digest);
      continue;
    }
    digests.set(entry.fileName, digest);
    if (digest.crc !== entry.crc32)
      badCrc.push(`${entry.fileName}: stored ${hex(entry.crc32)}, computed ${hex(digest.crc)}`);
  }
  if (unreadable.length > 0) problems.push(say.unreadableEntries(list(unreadable)));
  if (badCrc.length > 0) {
    problems.push(say.crcMismatch(badCrc.length, list(badCrc)));
  }
  const badSha: string[] = [];
  const badSize: string[] = [];
  let shaChecked = 0;
  for (const part of parts) {
    if (part.src === null) continue;
    const entry = byName.get(folder === '.' ? part.src : posix.join(folder, part.src));
    if (!entry) continue;
    if (part.size !== null && part.size !== entry.uncompressedSize)
      badSize.push(`${part.name}: manifest ${part.size} bytes, ${part.src} ${entry.uncompressedSize} bytes`);
    const digest = digests.get(entry.fileName);
    if (part.csSha1 === null || !digest) continue;
    shaChecked += 1;
    if (digest.sha1 !== part.csSha1.toLowerCase())
      badSha.push(`${part.name} (${part.src}): manifest ${part.csSha1}, content ${digest.sha1}`);
  }
  if (badSha.length > 0) {
    problems.push(say.sha1Mismatch(badSha.length, list(badSha)));
  }
  if (badSize.length > 0) {
    problems.push(say.sizeMismatch(badSize.length, list(badSize)));
  }
  const checked = `CRC-32 of ${digests.size} file${digests.size === 1 ? '' : 's'}, cs_sha1 of ${shaChecked} part${shaChecked === 1 ? '' : 's'}, part sizes, local headers`;
  const summary = problems.length === 0 ? `verified (${checked})` : `failed (${checked})`;
  return { problems, summary };
}
