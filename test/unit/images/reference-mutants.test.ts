// Real images from ../shared/testdata, damaged the ways that used to pass inspection: a fw.zip with a
// changed byte or a local header that disagrees with the central directory, a user1.bin cut by 1–4
// bytes, a plain image with invalid flash bytes. Skipped, under a name that says why, in a clone
// without ../shared (the generated-fixture tests cover the same checks).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findTestdata } from '../../support/testdata.ts';
import { inspectImage } from '../../../electron/engine/images/index.ts';
import { scratchDir } from './builders.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const firmwareDir = findTestdata('firmware') ?? path.resolve(repoRoot, '../shared/testdata/firmware');
const present = existsSync(firmwareDir);
const scratch = scratchDir();
afterAll(() => scratch.remove());

const real = (relative: string): Buffer => readFileSync(path.join(firmwareDir, relative));

describe.skipIf(!present)(
  present ? 'damaged reference images (../shared/testdata)' : 'skipped: ../shared/testdata absent',
  () => {
    it('refuses the real fw.zip with one byte of its firmware part changed', async () => {
      const zip = real('mongoose-os/TesslaRay-iOLED-esp8266-firmware-C/fw.zip');
      const at = zip.indexOf('demo-c-1.0/demo-c.bin', 0, 'latin1');
      zip[at + 'demo-c-1.0/demo-c.bin'.length + 5000]! ^= 0x01;
      const info = await inspectImage(scratch.write('fw-byte.zip', zip));
      expect(info.problem).toMatch(
        /CRC-32 of a file in this fw\.zip does not match its content \(demo-c-1\.0\/demo-c\.bin:.*SHA-1 of a part does not match the manifest's cs_sha1 \(fw \(demo-c\.bin\)/,
      );
      expect(info.pushableWith).toEqual([]);
    });

    it('refuses the real fw.zip when a local header disagrees with the central directory', async () => {
      const zip = real('mongoose-os/TesslaRay-iOLED-esp8266-firmware-C/fw.zip');
      const local = zip.indexOf('PK\x03\x04', zip.indexOf('PK\x03\x04', 0, 'latin1') + 1, 'latin1');
      zip.writeUInt32LE((zip.readUInt32LE(local + 22) + 16) >>> 0, local + 22);
      const info = await inspectImage(scratch.write('fw-local.zip', zip));
      expect(info.problem).toMatch(
        /local file headers.*disagree with its central directory: demo-c-1\.0\/demo-c\.bin's local header says unpacked size 748592 instead of 748576/,
      );
    });

    it('warns about a real user1.bin cut by 4 bytes and refuses it cut by 1, 2 or 3', async () => {
      const image = real('esp8266-ota/fairecasoimeme-ZiGate-WiFi/user1.bin');
      const cut4 = await inspectImage(scratch.write('user1-cut4.bin', image.subarray(0, image.length - 4)));
      expect(cut4).toMatchObject({ problem: null, pushableWith: ['esp-link'] });
      expect(cut4.warnings.join(' ')).toMatch(/cut short by 4 bytes/);
      for (const cut of [1, 2, 3]) {
        const info = await inspectImage(scratch.write(`user1-cut${cut}.bin`, image.subarray(0, image.length - cut)));
        expect(info.problem).toMatch(/into the 4-byte CRC-32 trailer/);
      }
    });

    it('refuses the real plain ESP8266 image with invalid flash mode and size bytes', async () => {
      const image = real('esp8266-plain/thingforward-microcoap-sender/firmware.bin');
      image[2] = 0xff;
      image[3] = 0xf0 | (image[3]! & 0x0f);
      const info = await inspectImage(scratch.write('bad-flash.bin', image));
      expect(info.problem).toMatch(/flash mode 0xff .*flash size code 0xf/);
      expect(info.pushableWith).toEqual([]);
    });
  },
);
