// Damaged Mongoose OS bundles the device would refuse only after the whole upload: a wrong zip
// CRC-32, a wrong cs_sha1, a part size that is not the file's, local headers that disagree with the
// central directory (the device reads the local ones). Built with the simulators' mos-like writer.
import { afterAll, describe, expect, it } from 'vitest';
import { inspectImage, readMongooseManifest } from '../../../electron/engine/images/index.ts';
import { buildMongooseFwZip, type MongooseFwZipOptions } from '../../sim/fw-zip.ts';
import { scratchDir } from './builders.ts';
import { factValue } from './fact-value.ts';

const scratch = scratchDir();
afterAll(() => scratch.remove());

const bundle = (options: Partial<MongooseFwZipOptions> = {}) =>
  buildMongooseFwZip({ platform: 'esp32', version: '2.0.0', buildId: 'b1', size: 20_000, ...options });

/** File offset of the local header of the zip's `index`-th entry (0: manifest.json, 1: app.bin). */
function localHeaderAt(zip: Buffer, index: number): number {
  let at = -1;
  for (let n = 0; n <= index; n += 1) at = zip.indexOf('PK\x03\x04', at + 1, 'latin1');
  return at;
}

describe('fw.zip integrity, as the device checks it', () => {
  it('verifies CRC-32, cs_sha1, sizes and local headers of a good bundle', async () => {
    const info = await inspectImage(scratch.write('good.zip', bundle()));
    expect(info).toMatchObject({
      format: 'mongoose-fw-zip',
      problem: null,
      pushableWith: ['mongoose-os', 'mongoose-os-ble'],
    });
    expect(factValue(info, 'Integrity')).toBe(
      'verified (CRC-32 of 2 files, cs_sha1 of 1 part, part sizes, local headers)',
    );
  });

  it('refuses a wrong zip CRC-32', async () => {
    const info = await inspectImage(scratch.write('crc.zip', bundle({ corruptCrc: true })));
    expect(info.problem).toMatch(
      /CRC-32 of a file in this fw\.zip does not match its content \(app\.bin: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\).*"Invalid CRC"/,
    );
    expect(info.pushableWith).toEqual([]);
    expect(factValue(info, 'Integrity')).toMatch(/^failed/);
  });

  it('refuses a wrong cs_sha1', async () => {
    const info = await inspectImage(scratch.write('sha1.zip', bundle({ corruptSha1: true })));
    expect(info.problem).toMatch(
      /SHA-1 of a part does not match the manifest's cs_sha1 \(app \(app\.bin\): manifest [0-9a-f]{40}, content [0-9a-f]{40}\)/,
    );
    expect(info.problem).not.toMatch(/CRC-32/);
  });

  it('refuses a part size other than the file size', async () => {
    const info = await inspectImage(scratch.write('size.zip', bundle({ partSize: 4096 })));
    expect(info.problem).toMatch(/size other than the file's \(app: manifest 4096 bytes, app\.bin 20000 bytes\)/);
  });

  it('refuses a changed byte of a part (CRC-32 and SHA-1 both disagree)', async () => {
    const data = bundle();
    data[localHeaderAt(data, 1) + 30 + 'app.bin'.length + 500]! ^= 0x01;
    const info = await inspectImage(scratch.write('flipped.zip', data));
    expect(info.problem).toMatch(/Invalid CRC.*cs_sha1/);
  });

  it('refuses local headers that disagree with the central directory', async () => {
    const crc = bundle();
    crc.writeUInt32LE(0x12345678, localHeaderAt(crc, 1) + 14);
    const first = await inspectImage(scratch.write('local-crc.zip', crc));
    expect(first.problem).toMatch(
      /local file headers.*disagree with its central directory: app\.bin's local header says CRC-32 0x12345678 instead of 0x[0-9a-f]{8}/,
    );
    const name = bundle();
    name.write('x', localHeaderAt(name, 1) + 30 + 'app.bin'.length - 1, 'latin1');
    expect((await inspectImage(scratch.write('local-name.zip', name))).problem).toMatch(
      /app\.bin's local header says name "app\.bix"/,
    );
    const size = bundle();
    size.writeUInt32LE(19_000, localHeaderAt(size, 1) + 18);
    expect((await inspectImage(scratch.write('local-size.zip', size))).problem).toMatch(/size 19000 instead of 20000/);
  });

  it('reads the manifest for the platform check without re-verifying the bundle', async () => {
    expect(await readMongooseManifest(scratch.write('manifest-only.zip', bundle({ corruptCrc: true })))).toMatchObject({
      platform: 'esp32',
      version: '2.0.0',
    });
  });
});
