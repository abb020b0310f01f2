// The generated fixtures are real enough for the engine's inspectors: valid app images (checksum,
// ESP32 digest), ZIPs other readers open, and bytes that never change between runs.
import { createHash } from 'node:crypto';
import yauzl from 'yauzl';
import { describe, expect, it } from 'vitest';
import {
  buildEspAppImage,
  buildMongooseFwZip,
  findVersionMarker,
  makeEspAppImage,
  makeMongooseFwZip,
} from '../../sim/firmware-fixtures.ts';

/** Walks an app image like esptool's image_info: segments, checksum, appended SHA-256. */
function verifyAppImage(
  image: Buffer,
  chip: 'esp8266' | 'esp32',
): { checksumOk: boolean; digestOk: boolean; end: number } {
  let offset = chip === 'esp32' ? 24 : 8;
  let checksum = 0xef;
  for (let segment = 0; segment < image[1]!; segment++) {
    const length = image.readUInt32LE(offset + 4);
    for (const byte of image.subarray(offset + 8, offset + 8 + length)) checksum ^= byte;
    offset += 8 + length;
  }
  while (offset % 16 !== 15) offset++;
  const checksumOk = image[offset] === checksum;
  offset += 1;
  let digestOk = true;
  if (chip === 'esp32') {
    digestOk = createHash('sha256')
      .update(image.subarray(0, offset))
      .digest()
      .equals(image.subarray(offset, offset + 32));
    offset += 32;
  }
  return { checksumOk, digestOk, end: offset };
}

function zipEntries(data: Buffer): Promise<Array<{ name: string; method: number }>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: false }, (error, zip) => {
      if (error || !zip) return reject(error);
      const entries: Array<{ name: string; method: number }> = [];
      zip.on('entry', (entry: yauzl.Entry) => entries.push({ name: entry.fileName, method: entry.compressionMethod }));
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
    });
  });
}

describe('firmware fixtures', () => {
  it.each(['esp8266', 'esp32'] as const)('builds valid %s app images of the requested size', (chip) => {
    for (const size of [1024, 65_536, 300_000]) {
      const image = buildEspAppImage({ chip, size, version: '1.2.3' });
      expect(image.length).toBe(size);
      expect(image[0]).toBe(0xe9);
      expect(verifyAppImage(image, chip)).toEqual({ checksumOk: true, digestOk: true, end: size });
      expect(findVersionMarker(image)).toBe('1.2.3');
    }
    expect(findVersionMarker(buildEspAppImage({ chip, size: 4096 }))).toBeNull();
  });

  it('is deterministic: same options, same sha256', () => {
    const first = makeEspAppImage({ size: 10_000, version: '1.0.0', fileName: 'a.bin' });
    const second = makeEspAppImage({ size: 10_000, version: '1.0.0', fileName: 'b.bin' });
    expect(first.sha256).toBe(second.sha256);
    expect(makeEspAppImage({ size: 10_000, version: '1.0.1' }).sha256).not.toBe(first.sha256);
    const zip = { platform: 'esp32', version: '1', buildId: 'b', size: 5000 };
    expect(buildMongooseFwZip(zip).equals(buildMongooseFwZip(zip))).toBe(true);
  });

  it('writes fw.zip files that standard readers open, manifest first and stored', async () => {
    const fw = makeMongooseFwZip({
      platform: 'esp8266',
      version: '3.1.0',
      buildId: '20240101/x',
      size: 20_000,
      dirPrefix: 'app-esp8266/',
    });
    expect(await zipEntries(fw.data)).toEqual([
      { name: 'app-esp8266/manifest.json', method: 0 },
      { name: 'app-esp8266/app.bin', method: 0 },
    ]);
    const deflated = makeMongooseFwZip({
      platform: 'esp32',
      version: '3.1.0',
      buildId: 'x',
      size: 20_000,
      compressed: true,
      manifestFirst: false,
    });
    expect(await zipEntries(deflated.data)).toEqual([
      { name: 'app.bin', method: 8 },
      { name: 'manifest.json', method: 8 },
    ]);
  });
});
