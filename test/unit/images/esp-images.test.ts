// Generated ESP images (plain 0xE9, eboot layout, ESP32, v2 user1/user2, gzip): valid ones, truncated
// ones and corrupted checksums, so the inspectors are exercised without ../shared/testdata.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectImage } from '../../../electron/engine/images/index.ts';
import { buildEspAppImage } from '../../sim/esp-image.ts';
import {
  arduinoCrcPatch,
  esp32App,
  esp8266App,
  esp8266EbootLayout,
  esp8266V2Image,
  filler,
  scratchDir,
} from './builders.ts';
import { factValue } from './fact-value.ts';

const scratch = scratchDir();
afterAll(() => scratch.remove());

/** Flips one byte of `data` at `offset` (a copy). */
function corrupt(data: Buffer, offset: number): Buffer {
  const copy = Buffer.from(data);
  copy[offset]! ^= 0x5a;
  return copy;
}

describe('esp-app: ESP8266', () => {
  it('reads an eboot + application image (Arduino/PlatformIO layout)', async () => {
    const data = esp8266EbootLayout();
    const info = await inspectImage(scratch.write('firmware.bin', data));
    expect(info).toMatchObject({
      format: 'esp-app',
      size: data.length,
      problem: null,
      pushableWith: ['arduino-esp8266', 'esphome-web', 'esphome-native', 'arduino-ota'],
    });
    expect(info.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    expect(factValue(info, 'Chip')).toBe('ESP8266');
    expect(factValue(info, 'Flash mode')).toBe('DIO');
    expect(factValue(info, 'Flash size')).toBe('4MB');
    expect(factValue(info, 'Entry point')).toBe('0x4010f29c');
    expect(factValue(info, 'Application entry point')).toBe('0x40100004');
    expect(factValue(info, 'irom0 segment')).toBe('2,048 bytes at 0x40201010');
    expect(factValue(info, 'eboot checksum')).toMatch(/^valid/);
    expect(factValue(info, 'Application checksum')).toMatch(/^valid/);
    expect(info.warnings).toEqual([]);
  });

  it('warns about a single image without eboot', async () => {
    const info = await inspectImage(scratch.write('app-only.bin', esp8266App()));
    expect(info).toMatchObject({ format: 'esp-app', problem: null });
    expect(factValue(info, 'Layout')).toBe('single image');
    expect(info.warnings.join(' ')).toMatch(/no eboot/);
  });

  it('reports a corrupted application checksum as a problem', async () => {
    const data = esp8266EbootLayout();
    const info = await inspectImage(scratch.write('corrupt.bin', corrupt(data, 0x1000 + 16 + 100)));
    expect(info.problem).toMatch(/application checksum does not match.*corrupted/);
    expect(info.pushableWith).toEqual([]);
    expect(factValue(info, 'Application checksum')).toMatch(/^mismatch: stored 0x[0-9a-f]{2}, computed/);
  });

  /** An eboot + sketch build as Arduino ≥ 2.6 writes it: 8 zero bytes at 0x1010, then patched. */
  const arduinoBuild = () =>
    arduinoCrcPatch(esp8266EbootLayout(esp8266App(Buffer.concat([Buffer.alloc(8), filler(2040, 9)]))));

  it('verifies the length and CRC words newer Arduino cores patch in at 0x1010', async () => {
    const info = await inspectImage(scratch.write('patched.bin', arduinoBuild()));
    expect(info.problem).toBeNull();
    expect(factValue(info, 'Application checksum')).toMatch(/0x1010/);
    expect(factValue(info, 'Arduino CRC-32 (0x1014)')).toMatch(/^valid \(0x[0-9a-f]{8}\)$/);
  });

  it('refuses a build whose Arduino CRC-32 does not match: a flipped CRC word, or a byte no checksum covers', async () => {
    const flipped = arduinoBuild();
    flipped[0x1014]! ^= 0x01;
    const info = await inspectImage(scratch.write('crc-flipped.bin', flipped));
    expect(info.problem).toMatch(/CRC-32 the Arduino build wrote at 0x1014 does not match.*ESP\.checkFlashCRC/);
    expect(info.pushableWith).toEqual([]);
    // The 0xAA padding between eboot and 0x1000 is in no XOR checksum: only the CRC sees it.
    const padding = arduinoBuild();
    padding[0xf00]! ^= 0x10;
    expect((await inspectImage(scratch.write('crc-padding.bin', padding))).problem).toMatch(/0x1014 does not match/);
  });

  it('checks the Arduino CRC of a signed build over the bytes before the signature', async () => {
    // signing.py appends the signature, then its length as u32, after add_crc.
    const signature = filler(256, 44);
    const length = Buffer.alloc(4);
    length.writeUInt32LE(signature.length, 0);
    const info = await inspectImage(scratch.write('signed.bin', Buffer.concat([arduinoBuild(), signature, length])));
    expect(info.problem).toBeNull();
    expect(factValue(info, 'Arduino CRC-32 (0x1014)')).toMatch(
      /^valid \(0x[0-9a-f]{8}\) over the first \d+ bytes \(a signature follows\)$/,
    );
  });

  it('refuses an ESP8266 image whose flash mode and size bytes are invalid (an rboot.bin: 0xff / 0xf)', async () => {
    const info = await inspectImage(
      scratch.write('rboot.bin', esp8266App(filler(2048, 7), { flashMode: 0xff, flashSizeFreq: 0xff })),
    );
    expect(info.format).toBe('esp-app');
    expect(info.problem).toMatch(
      /flash mode 0xff .* and flash size code 0xf .*ROM bootloader could not start it.*rboot/,
    );
    expect(info.pushableWith).toEqual([]);
  });

  it('reports a file cut inside a segment as truncated', async () => {
    const data = esp8266EbootLayout();
    const info = await inspectImage(scratch.write('cut.bin', data.subarray(0, 0x1000 + 500)));
    expect(info).toMatchObject({ format: 'esp-app', pushableWith: [] });
    expect(info.problem).toMatch(/truncated: segment 1 of 3 .*needs 2,048 bytes/);
  });

  it('reports a file cut before its checksum, and one cut inside the header', async () => {
    const app = esp8266App();
    expect((await inspectImage(scratch.write('no-checksum.bin', app.subarray(0, app.length - 1)))).problem).toMatch(
      /before the checksum/,
    );
    expect((await inspectImage(scratch.write('tiny.bin', app.subarray(0, 5)))).problem).toMatch(
      /only 5 bytes.*truncated/,
    );
  });

  it('takes the version from an OTA_BENCH_VERSION marker', async () => {
    const irom = Buffer.concat([Buffer.from('xxOTA_BENCH_VERSION=2.3.1-rc1\0yy'), filler(2016, 3)]);
    const info = await inspectImage(scratch.write('marked.bin', esp8266EbootLayout(esp8266App(irom))));
    expect(info.version).toBe('2.3.1-rc1');
  });
});

describe('esp-app: ESP32 family', () => {
  it('reads chip, flash settings, checksum, appended SHA-256 and the app descriptor', async () => {
    const info = await inspectImage(scratch.write('esp32.bin', esp32App({ version: 'v1.7.0', chipId: 0 })));
    expect(info).toMatchObject({
      format: 'esp-app',
      version: 'v1.7.0',
      problem: null,
      pushableWith: ['arduino-esp32', 'esphome-web', 'esphome-native', 'arduino-ota', 'esp-ble-ota'],
    });
    expect(factValue(info, 'Chip')).toBe('ESP32 (chip id 0)');
    expect(factValue(info, 'Flash size')).toBe('4MB');
    expect(factValue(info, 'Flash frequency')).toBe('40m');
    expect(factValue(info, 'Checksum')).toMatch(/^valid/);
    expect(factValue(info, 'Appended SHA-256')).toBe('valid');
    expect(factValue(info, 'Project')).toBe('blink');
    expect(factValue(info, 'ESP-IDF')).toBe('v5.1.4');
    expect(info.warnings).toEqual([]);
  });

  it('names other chips from the extended header', async () => {
    const info = await inspectImage(scratch.write('s3.bin', esp32App({ chipId: 9 })));
    expect(factValue(info, 'Chip')).toBe('ESP32-S3 (chip id 9)');
    expect(info.formatLabel).toBe('ESP32-S3 application image');
    expect(info.version).toBeNull();
  });

  // esptool targets: IMAGE_CHIP_ID, and FLASH_FREQUENCY looked up as image_info does (first match).
  const chips: Array<[number, string, number, string]> = [
    [12, 'ESP32-C2', 0xf, '60m'],
    [13, 'ESP32-C6', 0x0, '80m'],
    [16, 'ESP32-H2', 0xf, '48m'],
    [18, 'ESP32-P4', 0xf, '80m'],
    [20, 'ESP32-C61', 0xf, '80m'],
    [23, 'ESP32-C5', 0xf, '80m'],
    [25, 'ESP32-H21', 0x1, '16m'],
    [28, 'ESP32-H4', 0x0, '48m'],
  ];
  for (const [chipId, name, code, frequency] of chips) {
    it(`names the ${name} (chip id ${chipId}) and its flash frequency code ${code}`, async () => {
      const info = await inspectImage(
        scratch.write(`chip-${chipId}.bin`, esp32App({ chipId, flashSizeFreq: 0x20 | code })),
      );
      expect(info).toMatchObject({ format: 'esp-app', problem: null, formatLabel: `${name} application image` });
      expect(factValue(info, 'Chip')).toBe(`${name} (chip id ${chipId})`);
      expect(factValue(info, 'Flash frequency')).toBe(frequency);
      expect(info.pushableWith).toEqual([
        'arduino-esp32',
        'esphome-web',
        'esphome-native',
        'arduino-ota',
        'esp-ble-ota',
      ]);
    });
  }

  it('takes a chip id esptool does not know as an ESP32-family image, saying so', async () => {
    const info = await inspectImage(scratch.write('chip-99.bin', esp32App({ chipId: 99 })));
    expect(info).toMatchObject({
      format: 'esp-app',
      problem: null,
      formatLabel: 'ESP32-family application image (chip id 99)',
    });
    expect(factValue(info, 'Chip')).toBe('ESP32 family, chip id 99');
  });

  it('reports the chip revisions the image runs on', async () => {
    const ranged = await inspectImage(
      scratch.write('rev.bin', esp32App({ chipId: 5, minRevFull: 3, maxRevFull: 199 })),
    );
    expect(factValue(ranged, 'Chip revision')).toBe('v0.3 – v1.99');
    const open = await inspectImage(scratch.write('rev-open.bin', esp32App({ minRevFull: 100, maxRevFull: 0xffff })));
    expect(factValue(open, 'Chip revision')).toBe('v1.0 or later (no maximum set)');
  });

  it('refuses an ESP32 image with an invalid flash mode, and warns about a frequency code the chip lacks', async () => {
    expect((await inspectImage(scratch.write('esp32-mode.bin', esp32App({ flashMode: 7 })))).problem).toMatch(
      /flash mode 0x07/,
    );
    // ESP-IDF's header defines FAST_READ (4) and SLOW_READ (5) too (esptool calls them invalid: a
    // warning); the ESP8266 ROM does not know them.
    const fastRead = await inspectImage(scratch.write('esp32-fast-read.bin', esp32App({ flashMode: 4 })));
    expect(fastRead.problem).toBeNull();
    expect(fastRead.warnings.join(' ')).toMatch(/flash mode FAST_READ: .*esptool calls it invalid/);
    expect(
      (await inspectImage(scratch.write('esp8266-fast-read.bin', esp8266App(filler(2048, 7), { flashMode: 4 }))))
        .problem,
    ).toMatch(/flash mode 0x04 \(valid: 0–3, QIO\/QOUT\/DIO\/DOUT\)/);
    const odd = await inspectImage(scratch.write('c2-freq.bin', esp32App({ chipId: 12, flashSizeFreq: 0x25 })));
    expect(factValue(odd, 'Flash frequency')).toBe('code 0x5');
    expect(odd.warnings.join(' ')).toMatch(/code 0x5 is not one esptool knows for the ESP32-C2/);
  });

  it('reports a corrupted checksum and a corrupted appended hash', async () => {
    const data = esp32App();
    const badData = corrupt(data, 24 + 8 + 300);
    expect((await inspectImage(scratch.write('bad-data.bin', badData))).problem).toMatch(/checksum does not match/);
    const badHash = corrupt(data, data.length - 1);
    expect((await inspectImage(scratch.write('bad-hash.bin', badHash))).problem).toMatch(/SHA-256 appended/);
  });

  it('refuses a merged flash image (partition table at 0x8000)', async () => {
    const app = esp32App({ chipId: 5 });
    const merged = Buffer.concat([
      app,
      Buffer.alloc(0x8000 - app.length, 0xff),
      Buffer.from([0xaa, 0x50]),
      Buffer.alloc(64, 0xff),
    ]);
    const info = await inspectImage(scratch.write('merged.bin', merged));
    expect(info.problem).toMatch(/merged ESP32-C3 flash image/);
  });

  it('agrees with the simulators about versions (marker and app descriptor)', async () => {
    for (const chip of ['esp32', 'esp8266'] as const) {
      const info = await inspectImage(
        scratch.write(`sim-${chip}.bin`, buildEspAppImage({ chip, size: 40_000, version: '3.0.0-sim' })),
      );
      expect(info).toMatchObject({ format: 'esp-app', version: '3.0.0-sim', problem: null });
      expect(info.pushableWith).toContain(chip === 'esp32' ? 'arduino-esp32' : 'arduino-esp8266');
    }
  });

  it('streams a 65 MiB image rather than loading it', async () => {
    const segment = Buffer.alloc(65 * 1024 * 1024);
    const data = esp32App({ extra: segment, hashAppended: false });
    const info = await inspectImage(scratch.write('big.bin', data));
    expect(info).toMatchObject({ size: data.length, problem: null });
    expect(info.sha256).toBe(createHash('sha256').update(data).digest('hex'));
  }, 30_000);
});

describe('esp8266-ota-v2', () => {
  it('gives header facts, checksum and CRC-32, and is pushable with esp-link only', async () => {
    const info = await inspectImage(scratch.write('user2.bin', esp8266V2Image({ appNumber: 2, flashSizeFreq: 0x30 })));
    expect(info).toMatchObject({ format: 'esp8266-ota-v2', problem: null, pushableWith: ['esp-link'], version: null });
    expect(factValue(info, 'Flash mode')).toBe('QIO');
    expect(factValue(info, 'Flash size')).toBe('2MB');
    expect(factValue(info, 'Size map')).toBe('3 (512+512)');
    expect(factValue(info, 'Entry point')).toBe('0x40100004');
    expect(factValue(info, 'irom0 length')).toBe('4,096 bytes');
    expect(factValue(info, 'Header byte 3')).toMatch(/^0x02 /);
    expect(factValue(info, 'Checksum')).toMatch(/^valid/);
    expect(factValue(info, 'CRC-32 trailer')).toMatch(/^valid/);
    expect(info.warnings.join(' ')).toMatch(/Magic byte is not 0xE9/);
  });

  it('reports the inner entry point, and warns when the outer header says otherwise', async () => {
    const same = await inspectImage(scratch.write('v2-entry.bin', esp8266V2Image()));
    expect(factValue(same, 'Inner entry point')).toBe('0x40100004');
    expect(same.warnings.join(' ')).not.toMatch(/entry point/);
    const other = await inspectImage(scratch.write('v2-outer.bin', esp8266V2Image({ outerEntry: 0x40100100 })));
    expect(factValue(other, 'Entry point')).toBe('0x40100100');
    expect(factValue(other, 'Inner entry point')).toBe('0x40100004');
    expect(other.warnings.join(' ')).toMatch(
      /outer header's entry point \(0x40100100\) differs from the inner image's \(0x40100004\)/,
    );
  });

  it('warns when the CRC-32 trailer is missing (cut by 4 bytes), refuses a partial one', async () => {
    const data = esp8266V2Image();
    const cut4 = await inspectImage(scratch.write('v2-cut4.bin', data.subarray(0, data.length - 4)));
    expect(cut4.problem).toBeNull();
    expect(factValue(cut4, 'CRC-32 trailer')).toBe('absent');
    expect(cut4.warnings.join(' ')).toMatch(/without the 4-byte CRC-32 .* cut short by 4 bytes/);
    for (const cut of [1, 2, 3]) {
      const info = await inspectImage(scratch.write(`v2-cut${cut}.bin`, data.subarray(0, data.length - cut)));
      expect(info.problem).toMatch(new RegExp(`ends ${4 - cut} bytes? into the 4-byte CRC-32 trailer`));
      expect(info.pushableWith).toEqual([]);
    }
    const extra = await inspectImage(scratch.write('v2-extra.bin', Buffer.concat([data, Buffer.from([1, 2])])));
    expect(extra.problem).toBeNull();
    expect(extra.warnings.join(' ')).toMatch(/2 bytes after its CRC-32 trailer/);
  });

  it('reports truncation, a bad checksum and a bad CRC-32', async () => {
    const data = esp8266V2Image();
    expect((await inspectImage(scratch.write('v2-cut.bin', data.subarray(0, 3000)))).problem).toMatch(
      /truncated.*4,096 bytes of irom0/,
    );
    expect((await inspectImage(scratch.write('v2-sum.bin', corrupt(data, 16 + 4096 + 16 + 10)))).problem).toMatch(
      /checksum does not match/,
    );
    expect((await inspectImage(scratch.write('v2-crc.bin', corrupt(data, 100)))).problem).toMatch(/CRC-32 at the end/);
  });
});

describe('gzip', () => {
  it('accepts a gzipped ESP8266 image for Arduino-ESP8266 and warns about ESP32', async () => {
    const irom = Buffer.concat([Buffer.from('OTA_BENCH_VERSION=4.0.0\0'), filler(2024, 5)]);
    const image = esp8266EbootLayout(esp8266App(irom));
    const info = await inspectImage(scratch.write('firmware.bin.gz', gzipSync(image)));
    expect(info).toMatchObject({
      format: 'gzip',
      version: '4.0.0',
      problem: null,
      pushableWith: ['arduino-esp8266', 'arduino-ota'],
    });
    expect(factValue(info, 'Uncompressed size')).toBe(`${image.length.toLocaleString('en-US')} bytes`);
    expect(info.warnings.join(' ')).toMatch(/ESP32 boards do not accept gzip/);
  });

  it('refuses a gzipped ESP32 image, gzipped HTML and a truncated gzip', async () => {
    expect((await inspectImage(scratch.write('esp32.bin.gz', gzipSync(esp32App())))).problem).toMatch(
      /gzip-compressed ESP32 image/,
    );
    const html = gzipSync(Buffer.from('<!DOCTYPE html><html><body>404</body></html>'));
    expect((await inspectImage(scratch.write('page.bin.gz', html))).problem).toMatch(/inside is an HTML page/);
    const cut = gzipSync(esp8266App()).subarray(0, 200);
    expect((await inspectImage(scratch.write('cut.bin.gz', cut))).problem).toMatch(/damaged or truncated/);
  });
});
