// Test firmware files, generated rather than checked in (a user's clone has no reference images):
// ESP8266/ESP32 app images and Mongoose OS fw.zip bundles, written to a temp directory. Bytes are
// seeded, so a given set of options always produces the same file and the same sha256.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildEspAppImage, sha256, type EspAppImageOptions } from './esp-image.ts';
import { buildMongooseFwZip, type MongooseFwZipOptions } from './fw-zip.ts';

export * from './esp-image.ts';
export { buildMongooseFwZip, type MongooseFwZipOptions } from './fw-zip.ts';

export interface FixtureFile {
  path: string;
  data: Buffer;
  size: number;
  sha256: string;
}

let defaultDir: string | null = null;
/** A temp directory for this process's fixtures (created on first use). */
export function fixtureDir(): string {
  defaultDir ??= mkdtempSync(path.join(tmpdir(), 'ota-bench-fixtures-'));
  return defaultDir;
}

export function writeFixture(fileName: string, data: Buffer, dir = fixtureDir()): FixtureFile {
  const file = path.join(dir, fileName);
  writeFileSync(file, data);
  return { path: file, data, size: data.length, sha256: sha256(data) };
}

/** Writes an app image (`.bin`, or `.bin.gz` with gzip) and returns its path and bytes. */
export function makeEspAppImage(
  options: EspAppImageOptions & { gzip?: boolean; fileName?: string; dir?: string },
): FixtureFile {
  const image = buildEspAppImage(options);
  const data = options.gzip ? gzipSync(image, { level: 9 }) : image;
  const name =
    options.fileName ??
    `${options.chip ?? 'esp32'}-${options.version ?? 'noversion'}-${data.length}${options.gzip ? '.bin.gz' : '.bin'}`;
  return writeFixture(name, data, options.dir);
}

/** Writes a Mongoose OS fw.zip (manifest.json first, stored entries, real CRC-32s). */
export function makeMongooseFwZip(options: MongooseFwZipOptions & { fileName?: string; dir?: string }): FixtureFile {
  const data = buildMongooseFwZip(options);
  const name =
    options.fileName ??
    `fw-${options.platform}-${options.version}${options.compressed ? '-deflated' : ''}${options.manifestFirst === false ? '-manifest-last' : ''}.zip`;
  return writeFixture(name, data, options.dir);
}
