// Reading a Mongoose OS fw.zip the way the device does (mongoose-os ota-common mgos_updater_common.c,
// mos common/fwbundle): the manifest.json must be the first entry, every entry must be stored
// (the device answers "Cannot handle compressed .zip" otherwise), and platform, version and parts are
// required. yauzl reads the central directory with random access, so a big bundle is never loaded.
import type { FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { z } from 'zod';
import { isIoError, openForReading, toAccessError } from './image-file.ts';
import { checkZipIntegrity } from './mongoose-zip-integrity.ts';
import type { MongoosePart } from './mongoose-part.ts';

export type { MongoosePart } from './mongoose-part.ts';
import * as say from './mongoose-messages.ts';

const STORED = 0;
const DATA_DESCRIPTOR_FLAG = 0x8;
/** Real manifests are a few KiB; anything much bigger is not a manifest. */
const MAX_MANIFEST_BYTES = 1024 * 1024;

export interface MongooseManifest {
  name: string | null;
  /** Target arch as the device reports it (`esp32`, `esp8266`, `cc3220`…); the device rejects a mismatch. */
  platform: string;
  version: string;
  buildId: string | null;
  buildTimestamp: string | null;
  parts: MongoosePart[];
}

export interface ZipEntryInfo {
  name: string;
  method: number;
  size: number;
  offset: number;
  dataDescriptor: boolean;
}

export type BundleRead =
  /** Not readable as a zip at all. */
  | { kind: 'damaged-zip'; problem: string }
  /** A zip, but not a Mongoose OS bundle (no manifest.json, or someone else's manifest). */
  | { kind: 'not-mongoose'; kindLabel: string; problem: string }
  /** A Mongoose OS bundle; `problems` say why the device would refuse it. */
  | {
      kind: 'bundle';
      manifest: MongooseManifest | null;
      manifestPath: string;
      entries: ZipEntryInfo[];
      problems: string[];
      warnings: string[];
      integrity?: string;
    };

const optionalText = z.union([z.string(), z.number()]).transform(String).optional();
const manifestSchema = z.looseObject({
  name: optionalText,
  platform: z.string().min(1),
  version: z.union([z.string().min(1), z.number()]).transform(String),
  build_id: optionalText,
  build_timestamp: optionalText,
  parts: z.record(
    z.string(),
    z.looseObject({
      src: z.string().optional(),
      addr: z.number().optional(),
      size: z.number().optional(),
      type: z.string().optional(),
      cs_sha1: z.string().optional(),
    }),
  ),
});

/** An error message fit to sit inside a sentence's parentheses. */
const reasonOf = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).replace(/\.\s*$/, '');

const isManifestName = (name: string): boolean => posix.basename(name) === 'manifest.json';

async function readEntryText(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<string> {
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
  }
  return Buffer.concat(chunks, length).toString('utf8');
}

/**
 * Lets yauzl read through our FileHandle. yauzl's own fd reader closes the descriptor when it is
 * done, but the handle belongs to the caller (inspectImage keeps using it), so closing is a no-op.
 */
class FileHandleReader extends yauzl.RandomAccessReader {
  private readonly handle: FileHandle;
  constructor(handle: FileHandle) {
    super();
    this.handle = handle;
  }
  // Not handle.createReadStream: destroying such a stream closes the FileHandle whatever autoClose
  // says, and yauzl destroys its streams; the second entry read then failed with EBADF.
  override _readStreamForRange(start: number, end: number): Readable {
    const handle = this.handle;
    let position = start;
    return new Readable({
      highWaterMark: 256 * 1024,
      read(size) {
        const length = Math.min(size, end - position);
        if (length <= 0) {
          this.push(null);
          return;
        }
        handle.read(Buffer.allocUnsafe(length), 0, length, position).then(
          ({ bytesRead, buffer }) => {
            position += bytesRead;
            this.push(bytesRead === 0 ? null : buffer.subarray(0, bytesRead));
          },
          (error: Error) => this.destroy(error),
        );
      },
    });
  }
  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null) => void,
  ): void {
    this.handle.read(buffer, offset, length, position).then(
      ({ bytesRead }) => callback(bytesRead < length ? new Error('unexpected end of file') : null),
      (error: Error) => callback(error),
    );
  }
  override close(callback: (err: Error | null) => void): void {
    setImmediate(() => callback(null));
  }
}

/**
 * Reads a bundle from an open handle. `verify` also streams every entry for the checks the device
 * makes (CRC-32, cs_sha1, sizes, local headers); without it only the manifest is read. Throws only
 * for I/O errors.
 */
export async function readMongooseBundle(handle: FileHandle, verify = true): Promise<BundleRead> {
  let zip: yauzl.ZipFile;
  try {
    const { size } = await handle.stat();
    zip = await yauzl.fromRandomAccessReaderPromise(new FileHandleReader(handle), size, {
      lazyEntries: true,
      autoClose: false,
    });
  } catch (error) {
    if (isIoError(error)) throw error;
    return {
      kind: 'damaged-zip',
      problem: `The zip archive is damaged or truncated (${reasonOf(error)}). Download or build it again.`,
    };
  }
  try {
    const raw: yauzl.Entry[] = [];
    try {
      for await (const entry of zip.eachEntry()) raw.push(entry);
    } catch (error) {
      if (isIoError(error)) throw error;
      return {
        kind: 'damaged-zip',
        problem: `The zip archive is damaged or truncated (${reasonOf(error)}). Download or build it again.`,
      };
    }
    return await analyse(zip, raw, verify);
  } finally {
    zip.close();
  }
}

async function analyse(zip: yauzl.ZipFile, raw: yauzl.Entry[], verify: boolean): Promise<BundleRead> {
  // The device streams the file from its start, so "first" means the lowest local-header offset.
  raw.sort((a, b) => a.relativeOffsetOfLocalHeader - b.relativeOffsetOfLocalHeader);
  const entries: ZipEntryInfo[] = raw.map((e) => ({
    name: e.fileName,
    method: e.compressionMethod,
    size: e.uncompressedSize,
    offset: e.relativeOffsetOfLocalHeader,
    dataDescriptor: (e.generalPurposeBitFlag & DATA_DESCRIPTOR_FLAG) !== 0,
  }));
  const manifestEntry = raw
    .filter((e) => isManifestName(e.fileName))
    .sort((a, b) => a.fileName.split('/').length - b.fileName.split('/').length)[0];
  if (!manifestEntry) {
    const bins = entries.filter((e) => /\.(bin|gz)$/i.test(e.name)).map((e) => e.name);
    return { kind: 'not-mongoose', kindLabel: 'zip archive without manifest.json', problem: say.noManifest(bins) };
  }
  const manifestPath = manifestEntry.fileName;
  if (manifestEntry.isEncrypted() || manifestEntry.uncompressedSize > MAX_MANIFEST_BYTES) {
    const problem = say.manifestUnreadable(manifestPath, manifestEntry.isEncrypted());
    return { kind: 'bundle', manifest: null, manifestPath, entries, problems: [problem], warnings: [] };
  }
  let json: unknown;
  try {
    json = JSON.parse(await readEntryText(zip, manifestEntry));
  } catch (error) {
    if (isIoError(error)) throw error;
    const problem = say.manifestNotJson(manifestPath, reasonOf(error));
    return { kind: 'bundle', manifest: null, manifestPath, entries, problems: [problem], warnings: [] };
  }
  const object =
    typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  if (!('platform' in object) && !('parts' in object)) {
    const nordic = typeof object.manifest === 'object';
    return nordic
      ? { kind: 'not-mongoose', kindLabel: 'Nordic DFU package', problem: say.NORDIC_DFU_PACKAGE }
      : {
          kind: 'not-mongoose',
          kindLabel: 'zip archive (not Mongoose OS)',
          problem: say.notMongooseManifest(manifestPath),
        };
  }
  const parsed = manifestSchema.safeParse(object);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? 'manifest')))].join(', ');
    return {
      kind: 'bundle',
      manifest: null,
      manifestPath,
      entries,
      problems: [say.manifestFieldsInvalid(fields)],
      warnings: [],
    };
  }
  const m = parsed.data;
  const manifest: MongooseManifest = {
    name: m.name ?? null,
    platform: m.platform,
    version: m.version,
    buildId: m.build_id ?? null,
    buildTimestamp: m.build_timestamp ?? null,
    parts: Object.entries(m.parts).map(([name, p]) => ({
      name,
      src: p.src ?? null,
      addr: p.addr ?? null,
      size: p.size ?? null,
      type: p.type ?? null,
      csSha1: p.cs_sha1 ?? null,
    })),
  };
  const checks = deviceChecks(manifest, manifestPath, entries);
  if (!verify) return { kind: 'bundle', manifest, manifestPath, entries, ...checks };
  const integrity = await checkZipIntegrity(zip, raw, manifest.parts, posix.dirname(manifestPath));
  return {
    kind: 'bundle',
    manifest,
    manifestPath,
    entries,
    problems: [...checks.problems, ...integrity.problems],
    warnings: checks.warnings,
    integrity: integrity.summary,
  };
}

/** What the device's parser would refuse (problems) or silently mishandle (warnings). */
function deviceChecks(
  manifest: MongooseManifest,
  manifestPath: string,
  entries: ZipEntryInfo[],
): { problems: string[]; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (entries[0]?.name !== manifestPath) {
    problems.push(say.manifestNotFirst(entries[0]?.name));
  }
  const compressed = entries.filter((e) => e.method !== STORED).map((e) => e.name);
  if (compressed.length > 0) {
    problems.push(say.compressedEntries(compressed));
  }
  const folder = posix.dirname(manifestPath);
  const names = new Set(entries.map((e) => e.name));
  const missing = manifest.parts.filter(
    (p) => p.src !== null && !names.has(folder === '.' ? p.src : `${folder}/${p.src}`),
  );
  if (missing.length > 0) {
    problems.push(say.missingParts(missing.map((p) => p.src)));
  }
  const described = entries.filter((e) => e.dataDescriptor).map((e) => e.name);
  if (described.length > 0) {
    warnings.push(say.dataDescriptors(described));
  }
  return { problems, warnings };
}

/**
 * The manifest of a Mongoose OS fw.zip, for checking `platform` against the device's arch before a
 * push. Null when the file is not a Mongoose OS bundle or its manifest cannot be read (inspectImage
 * says why); throws ImageAccessError only for I/O errors.
 */
export async function readMongooseManifest(path: string): Promise<MongooseManifest | null> {
  const handle = await openForReading(path);
  try {
    // The platform check before a push needs the manifest only; inspectImage verified the rest.
    const bundle = await readMongooseBundle(handle, false);
    return bundle.kind === 'bundle' ? bundle.manifest : null;
  } catch (error) {
    throw toAccessError(path, error);
  } finally {
    await handle.close();
  }
}
