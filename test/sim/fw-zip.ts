// Mongoose OS fw.zip bundles, written the way `mos build` does: manifest.json first, stored
// (uncompressed) entries with sizes and CRC-32 in the local headers, then a central directory.
// Options produce the broken variants the device rejects (deflated, manifest last, bad CRC, …).
import { createHash } from 'node:crypto';
import { crc32, deflateRawSync } from 'node:zlib';
import { buildEspAppImage } from './esp-image.ts';

export interface MongooseFwZipOptions {
  /** Manifest `platform`, e.g. `esp32` or `esp8266` (also picks the app image flavour). */
  platform: string;
  version: string;
  buildId: string;
  /** Size of the app part (the firmware image inside the zip), rounded up to 16. */
  size: number;
  /** Deflate the entries: the device answers "Cannot handle compressed .zip". */
  compressed?: boolean;
  /** False puts app.bin before manifest.json. Default true. */
  manifestFirst?: boolean;
  /** Manifest `name` (default `ota-bench-sim`). */
  name?: string;
  /** Merged over the generated manifest; a key set to undefined is removed ("Required manifest field missing"). */
  manifest?: Record<string, unknown>;
  /** Folder in front of every entry name, as some mos versions write it; the device strips it. */
  dirPrefix?: string;
  /** Store a wrong CRC-32 for the app part ("Invalid CRC"). */
  corruptCrc?: boolean;
  /** Write a wrong cs_sha1 for the app part (the device rejects it after writing the part). */
  corruptSha1?: boolean;
  /** The app part's `size` in the manifest, when it should not be the file's. */
  partSize?: number;
}

export interface ZipEntryInput {
  name: string;
  data: Buffer;
  compressed?: boolean;
  /** Overrides the stored CRC-32 (to build corrupt archives). */
  crc?: number;
}

// 2024-01-01 00:00:00 in MS-DOS format: fixed, so archives are byte-for-byte reproducible.
const DOS_TIME = 0;
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1;

/** A minimal ZIP writer (no data descriptors, no zip64, no extra fields). */
export function buildZip(entries: ZipEntryInput[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const stored = entry.compressed ? deflateRawSync(entry.data) : entry.data;
    const method = entry.compressed ? 8 : 0;
    const crc = entry.crc ?? crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(entry.compressed ? 20 : 10, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    local.copy(central, 6, 4, 30); // version needed … extra length: same layout as the local header
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, stored);
    centrals.push(central, name);
    offset += local.length + name.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export function buildMongooseFwZip(options: MongooseFwZipOptions): Buffer {
  const app = buildEspAppImage({
    chip: options.platform === 'esp8266' ? 'esp8266' : 'esp32',
    size: options.size,
    version: options.version,
  });
  const manifest: Record<string, unknown> = {
    name: options.name ?? 'ota-bench-sim',
    platform: options.platform,
    version: options.version,
    build_id: options.buildId,
    build_timestamp: '2024-01-01T00:00:00Z',
    parts: {
      app: {
        type: 'app',
        src: 'app.bin',
        addr: 0x10000,
        size: options.partSize ?? app.length,
        cs_sha1: createHash('sha1')
          .update(options.corruptSha1 ? Buffer.concat([app, Buffer.from([0])]) : app)
          .digest('hex'),
        cs_sha256: createHash('sha256').update(app).digest('hex'),
        ptn: 'app_0',
      },
    },
  };
  for (const [key, value] of Object.entries(options.manifest ?? {})) {
    if (value === undefined) delete manifest[key];
    else manifest[key] = value;
  }
  const prefix = options.dirPrefix ?? '';
  const manifestEntry: ZipEntryInput = {
    name: `${prefix}manifest.json`,
    data: Buffer.from(JSON.stringify(manifest, null, 2)),
    compressed: options.compressed,
  };
  const appEntry: ZipEntryInput = {
    name: `${prefix}app.bin`,
    data: app,
    compressed: options.compressed,
    crc: options.corruptCrc ? (crc32(app) ^ 0xffffffff) >>> 0 : undefined,
  };
  return buildZip(options.manifestFirst === false ? [appEntry, manifestEntry] : [manifestEntry, appEntry]);
}
