// Generated MCUboot images, Mongoose OS bundles (good and broken), files that are not firmware, and
// the I/O failures that are the only thing inspectImage throws for.
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ImageAccessError, inspectImage, readMongooseManifest } from '../../../electron/engine/images/index.ts';
import { esp32App, filler, mcubootImage, mongooseBundle, mongooseManifest, scratchDir, zip } from './builders.ts';
import { factValue } from './fact-value.ts';

const scratch = scratchDir();
afterAll(() => scratch.remove());

describe('mcuboot', () => {
  it('reads the header and TLVs, and warns that an encrypted hash cannot be checked', async () => {
    const info = await inspectImage(
      scratch.write('app.signed.bin', mcubootImage({ version: [2, 1, 300, 7], flags: 0x4 })),
    );
    expect(info).toMatchObject({
      format: 'mcuboot',
      version: '2.1.300+7',
      pushableWith: ['mcumgr-smp'],
      problem: null,
    });
    expect(factValue(info, 'Header size')).toBe('0x20 (32 bytes)');
    expect(factValue(info, 'Image size')).toBe('0x3e8 (1,000 bytes)');
    expect(factValue(info, 'Flags')).toBe('0x4 (ENCRYPTED_AES128)');
    expect(factValue(info, 'TLVs')).toBe('SHA256');
    expect(factValue(info, 'Signature')).toBe('none (hash only)');
    expect(info.warnings.join(' ')).toMatch(/encrypted \(ENCRYPTED_AES128\).*cannot verify/);
  });

  it('reports a truncated image', async () => {
    const data = mcubootImage();
    const info = await inspectImage(scratch.write('cut.signed.bin', data.subarray(0, data.length - 10)));
    expect(info.format).toBe('mcuboot');
    expect(info.problem).toMatch(/truncated/);
    expect((await inspectImage(scratch.write('hdr.signed.bin', data.subarray(0, 20)))).problem).toMatch(
      /inside its 32-byte header/,
    );
  });
});

describe('mongoose-fw-zip', () => {
  it('reads the manifest of a good bundle', async () => {
    const file = scratch.write('fw.zip', mongooseBundle());
    const info = await inspectImage(file);
    expect(info).toMatchObject({
      format: 'mongoose-fw-zip',
      version: '1.4.2',
      problem: null,
      pushableWith: ['mongoose-os', 'mongoose-os-ble'],
    });
    expect(factValue(info, 'Platform')).toBe('esp32');
    expect(factValue(info, 'Name')).toBe('blink');
    expect(factValue(info, 'Build ID')).toBe('20250101-120000/main@abc');
    expect(factValue(info, 'Parts')).toBe('boot (bootloader.bin @ 0x1000 1024 B), app (blink.bin @ 0x10000 2048 B)');
    expect(await readMongooseManifest(file)).toMatchObject({
      platform: 'esp32',
      version: '1.4.2',
      parts: [{ name: 'boot' }, { name: 'app' }],
    });
  });

  it('refuses a compressed bundle', async () => {
    const info = await inspectImage(scratch.write('deflated.zip', mongooseBundle({ deflate: true })));
    expect(info).toMatchObject({ format: 'mongoose-fw-zip', version: '1.4.2', pushableWith: [] });
    expect(info.problem).toMatch(/compressed entries.*Cannot handle compressed \.zip/);
  });

  it('refuses a bundle whose manifest is not the first entry', async () => {
    const info = await inspectImage(scratch.write('manifest-last.zip', mongooseBundle({ manifestLast: true })));
    expect(info.problem).toMatch(/manifest\.json is not the first entry.*bootloader\.bin/);
  });

  it('reports a manifest that is not JSON, or lacks required fields', async () => {
    const broken = await inspectImage(
      scratch.write('bad-json.zip', mongooseBundle({ manifest: Buffer.from('{"platform": "esp32",') })),
    );
    expect(broken).toMatchObject({ format: 'mongoose-fw-zip', pushableWith: [] });
    expect(broken.problem).toMatch(/cannot be parsed/);
    const noVersion = await inspectImage(
      scratch.write('no-version.zip', mongooseBundle({ manifest: mongooseManifest({ version: undefined }) })),
    );
    expect(noVersion.problem).toMatch(/required fields \(version\)/);
  });

  it('reports parts missing from the zip', async () => {
    const data = zip([
      { name: 'manifest.json', data: mongooseManifest() },
      { name: 'blink.bin', data: filler(10) },
    ]);
    expect((await inspectImage(scratch.write('missing-part.zip', data))).problem).toMatch(
      /not in the zip \(bootloader\.bin\)/,
    );
  });

  it('calls zips that are not Mongoose bundles unknown, and says what they are', async () => {
    const plain = await inspectImage(scratch.write('build.zip', zip([{ name: 'out/firmware.bin', data: esp32App() }])));
    expect(plain).toMatchObject({ format: 'unknown', pushableWith: [] });
    expect(plain.problem).toMatch(/no manifest\.json.*out\/firmware\.bin/);
    const nordic = zip([
      { name: 'manifest.json', data: Buffer.from('{"manifest":{"application":{"bin_file":"app.bin"}}}') },
    ]);
    expect((await inspectImage(scratch.write('dfu.zip', nordic))).problem).toMatch(/Nordic DFU package/);
    const other = zip([{ name: 'manifest.json', data: Buffer.from('{"icons":[]}') }]);
    expect((await inspectImage(scratch.write('webapp.zip', other))).problem).toMatch(/not a Mongoose OS manifest/);
    const damaged = mongooseBundle().subarray(0, 500);
    expect((await inspectImage(scratch.write('damaged.zip', damaged))).problem).toMatch(/damaged or truncated/);
    expect(
      await readMongooseManifest(scratch.write('plain.zip', zip([{ name: 'a.txt', data: Buffer.from('hi') }]))),
    ).toBeNull();
  });
});

describe('files that are not firmware', () => {
  const cases: Array<[string, Buffer | string, RegExp]> = [
    ['empty.bin', Buffer.alloc(0), /empty \(0 bytes\)/],
    [
      'page.bin',
      '<!DOCTYPE html>\n<html lang="en"><head><title>firmware.bin · GitHub</title>',
      /HTML web page.*Download raw file/,
    ],
    ['index.bin', '\n  <html><body>Not found</body></html>', /HTML web page/],
    [
      'firmware.elf',
      Buffer.concat([
        Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0]),
        Buffer.alloc(10),
        Buffer.from([94, 0]),
        filler(100),
      ]),
      /ELF executable for Xtensa.*\.bin built next to it/,
    ],
    ['firmware.hex', ':100000000C9434000C9446000C9446000C9446006A\n:00000001FF\n', /Intel HEX/],
    [
      'firmware.uf2',
      Buffer.concat([Buffer.from([0x55, 0x46, 0x32, 0x0a, 0x57, 0x51, 0x5d, 0x9e]), filler(504)]),
      /UF2 file/,
    ],
    ['notes.bin', 'Build finished. Upload with: pio run -t upload\n', /text file \("Build finished/],
    [
      'random.bin',
      Buffer.concat([Buffer.from([0x12, 0x34, 0x56, 0x78]), filler(400, 77)]),
      /Unrecognised file content \(first bytes 12 34 56 78/,
    ],
    [
      'x86.bin',
      Buffer.concat([Buffer.from([0xe9, 0x12, 0x34, 0x00]), Buffer.alloc(4), Buffer.from([1, 2, 3, 4]), filler(100)]),
      /0xE9 but what follows is not an ESP8266 or ESP32 image/,
    ],
    ['erased.bin', Buffer.alloc(8192, 0xff), /nothing but 0xFF bytes \(erased flash/],
    ['dump.bin', Buffer.concat([Buffer.from('boot ok\n'), Buffer.alloc(4000, 0xff)]), /Unrecognised file content/],
    ['merged-classic.bin', Buffer.concat([Buffer.alloc(0x1000, 0xff), esp32App()]), /merged ESP32 flash image/],
  ];
  for (const [name, content, problem] of cases) {
    it(`explains ${name}`, async () => {
      const info = await inspectImage(scratch.write(name, content));
      expect(info).toMatchObject({ format: 'unknown', pushableWith: [], version: null });
      expect(info.problem).toMatch(problem);
    });
  }
});

describe('I/O errors', () => {
  it('throws for a missing file', async () => {
    const missing = path.join(scratch.dir, 'nope.bin');
    await expect(inspectImage(missing)).rejects.toThrow(`Cannot open ${missing}: no such file`);
    await expect(inspectImage(missing)).rejects.toBeInstanceOf(ImageAccessError);
    await expect(readMongooseManifest(missing)).rejects.toThrow(/no such file/);
  });

  it('throws for a directory', async () => {
    await expect(inspectImage(scratch.dir)).rejects.toThrow(
      `Cannot open ${scratch.dir}: it is a directory, not a file`,
    );
  });

  it.skipIf(process.getuid?.() === 0)('throws for a file it may not read', async () => {
    const locked = scratch.write('locked.bin', esp32App());
    chmodSync(locked, 0o000);
    await expect(inspectImage(locked)).rejects.toThrow(`Cannot open ${locked}: permission denied`);
  });
});
