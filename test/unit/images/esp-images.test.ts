// Generated ESP images (plain 0xE9, eboot layout, ESP32, v2 user1/user2, gzip): valid ones, truncated
// ones and corrupted checksums, so the inspectors are exercised without ../shared/testdata.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectImage } from '../../../electron/engine/images/index.ts';
import { buildEspAppImage } from '../../sim/esp-image.ts';
import { esp32App, esp8266App, esp8266EbootLayout, esp8266V2Image, filler, scratchDir } from './builders.ts';
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
    expect(info).toMatchObject({ format: 'esp-app', size: data.length, problem: null, pushableWith: ['arduino-esp8266', 'esphome-web'] });
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

  it('accepts the length/CRC words newer Arduino cores patch in at 0x1010', async () => {
    const irom = Buffer.concat([Buffer.alloc(8), filler(2040, 9)]);
    const data = esp8266EbootLayout(esp8266App(irom));
    data.writeUInt32LE(data.length, 0x1010);
    data.writeUInt32LE(0xdeadbeef, 0x1014);
    const info = await inspectImage(scratch.write('patched.bin', data));
    expect(info.problem).toBeNull();
    expect(factValue(info, 'Application checksum')).toMatch(/0x1010/);
  });

  it('reports a file cut inside a segment as truncated', async () => {
    const data = esp8266EbootLayout();
    const info = await inspectImage(scratch.write('cut.bin', data.subarray(0, 0x1000 + 500)));
    expect(info).toMatchObject({ format: 'esp-app', pushableWith: [] });
    expect(info.problem).toMatch(/truncated: segment 1 of 3 .*needs 2,048 bytes/);
  });

  it('reports a file cut before its checksum, and one cut inside the header', async () => {
    const app = esp8266App();
    expect((await inspectImage(scratch.write('no-checksum.bin', app.subarray(0, app.length - 1)))).problem).toMatch(/before the checksum/);
    expect((await inspectImage(scratch.write('tiny.bin', app.subarray(0, 5)))).problem).toMatch(/only 5 bytes.*truncated/);
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
    expect(info).toMatchObject({ format: 'esp-app', version: 'v1.7.0', problem: null, pushableWith: ['arduino-esp32', 'esphome-web'] });
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

  it('reports a corrupted checksum and a corrupted appended hash', async () => {
    const data = esp32App();
    const badData = corrupt(data, 24 + 8 + 300);
    expect((await inspectImage(scratch.write('bad-data.bin', badData))).problem).toMatch(/checksum does not match/);
    const badHash = corrupt(data, data.length - 1);
    expect((await inspectImage(scratch.write('bad-hash.bin', badHash))).problem).toMatch(/SHA-256 appended/);
  });

  it('refuses a merged flash image (partition table at 0x8000)', async () => {
    const app = esp32App({ chipId: 5 });
    const merged = Buffer.concat([app, Buffer.alloc(0x8000 - app.length, 0xff), Buffer.from([0xaa, 0x50]), Buffer.alloc(64, 0xff)]);
    const info = await inspectImage(scratch.write('merged.bin', merged));
    expect(info.problem).toMatch(/merged ESP32-C3 flash image/);
  });

  it('agrees with the simulators about versions (marker and app descriptor)', async () => {
    for (const chip of ['esp32', 'esp8266'] as const) {
      const info = await inspectImage(scratch.write(`sim-${chip}.bin`, buildEspAppImage({ chip, size: 40_000, version: '3.0.0-sim' })));
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

  it('reports truncation, a bad checksum and a bad CRC-32', async () => {
    const data = esp8266V2Image();
    expect((await inspectImage(scratch.write('v2-cut.bin', data.subarray(0, 3000)))).problem).toMatch(/truncated.*4,096 bytes of irom0/);
    expect((await inspectImage(scratch.write('v2-sum.bin', corrupt(data, 16 + 4096 + 16 + 10)))).problem).toMatch(/checksum does not match/);
    expect((await inspectImage(scratch.write('v2-crc.bin', corrupt(data, 100)))).problem).toMatch(/CRC-32 at the end/);
  });
});

describe('gzip', () => {
  it('accepts a gzipped ESP8266 image for Arduino-ESP8266 and warns about ESP32', async () => {
    const irom = Buffer.concat([Buffer.from('OTA_BENCH_VERSION=4.0.0\0'), filler(2024, 5)]);
    const image = esp8266EbootLayout(esp8266App(irom));
    const info = await inspectImage(scratch.write('firmware.bin.gz', gzipSync(image)));
    expect(info).toMatchObject({ format: 'gzip', version: '4.0.0', problem: null, pushableWith: ['arduino-esp8266'] });
    expect(factValue(info, 'Uncompressed size')).toBe(`${image.length.toLocaleString('en-US')} bytes`);
    expect(info.warnings.join(' ')).toMatch(/ESP32 boards do not accept gzip/);
  });

  it('refuses a gzipped ESP32 image, gzipped HTML and a truncated gzip', async () => {
    expect((await inspectImage(scratch.write('esp32.bin.gz', gzipSync(esp32App())))).problem).toMatch(/gzip-compressed ESP32 image/);
    const html = gzipSync(Buffer.from('<!DOCTYPE html><html><body>404</body></html>'));
    expect((await inspectImage(scratch.write('page.bin.gz', html))).problem).toMatch(/inside is an HTML page/);
    const cut = gzipSync(esp8266App()).subarray(0, 200);
    expect((await inspectImage(scratch.write('cut.bin.gz', cut))).problem).toMatch(/damaged or truncated/);
  });
});
