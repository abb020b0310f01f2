// Every real image in ../shared/testdata/firmware against its ground-truth sidecar. A user's clone has
// no ../shared, so then the whole block is skipped under a name that says why.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  describePair,
  findPairInFolder,
  inspectImage,
  readMcubootImage,
  readMongooseManifest,
  type InspectedImage as ImageInfo,
} from '../../../electron/engine/images/index.ts';
import { factValue } from './fact-value.ts';
import { findTestdata } from '../../support/testdata.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const firmwareDir = findTestdata('firmware') ?? path.resolve(repoRoot, '../shared/testdata/firmware');
const present = existsSync(firmwareDir);

/** Images are the files that have a `<name>.json` sidecar next to them. */
function findImages(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return findImages(full);
    return existsSync(`${full}.json`) ? [full] : [];
  });
}

// Sidecar format names → our ImageFormatId.
const FORMAT_IDS: Record<string, string> = {
  'esp8266-ota-v2': 'esp8266-ota-v2',
  'esp8266-plain': 'esp-app',
  mcuboot: 'mcuboot',
  'mongoose-os-fw-zip': 'mongoose-fw-zip',
};

/* eslint-disable @typescript-eslint/no-explicit-any -- sidecars are free-form JSON */
function checkEsp8266V2(info: ImageInfo, car: any): void {
  const h = car.header;
  expect(factValue(info, 'Entry point')).toBe(h.entry);
  expect(factValue(info, 'Inner entry point')).toBe(h.innerEntry);
  expect(factValue(info, 'irom0 length').replace(/\D/g, '')).toBe(String(h.iromSegmentLength));
  expect(factValue(info, 'Header byte 3')).toMatch(new RegExp(`^${h.byte3} `));
  expect(factValue(info, 'Inner header byte 3')).toBe(h.innerHeaderByte3);
  expect(factValue(info, 'Flash size')).toBe(h.innerFlashSize);
  for (const s of h.innerSegments) expect(factValue(info, 'Segments')).toContain(`${s.addr} (${s.len} B)`);
  const { checksum, crc32 } = car.integrity;
  expect(factValue(info, 'Checksum')).toBe(
    checksum.valid ? `valid (${checksum.stored})` : expect.stringMatching(/^mismatch/),
  );
  expect(factValue(info, 'CRC-32 trailer')).toBe(`valid (${crc32.stored})`);
  expect(info.pushableWith).toEqual(['esp-link']);
  expect(info.warnings.join(' ')).toMatch(/Magic byte/);
  // Slot evidence: the same word counts as the sidecar, the same verdict where the code decides.
  const evidence = car.slotEvidence;
  expect(info.slotEvidence).toMatchObject({
    iromReferences: { slot1: evidence.slot1Count, slot2: evidence.slot2Count },
    iromDecisive: evidence.determinable,
    layout: evidence.headerLayout,
    byFileName: car.intendedSlot,
    headerByte3: Number(h.byte3),
    linkedSlot: evidence.determinable ? evidence.winner : car.intendedSlot,
    contradiction: null,
  });
}

function checkEsp8266Plain(info: ImageInfo, car: any): void {
  const h = car.header;
  expect(factValue(info, 'Flash mode')).toBe(h.flashMode);
  expect(factValue(info, 'Flash size')).toBe(h.flashSize);
  expect(factValue(info, 'Flash frequency')).toBe(h.flashFreq);
  expect(factValue(info, 'Entry point')).toBe(h.entry);
  expect(factValue(info, 'Application entry point')).toBe(h.appEntry);
  expect(factValue(info, 'irom0 segment')).toBe(
    `${h.iromSegmentLength.toLocaleString('en-US')} bytes at ${h.iromSegmentAddr}`,
  );
  const app = h.images[1];
  expect(factValue(info, 'Application segments')).toBe(
    app.segmentTable.map((s: any) => `${s.addr} (${s.len} B)`).join(', '),
  );
  const [eboot, sketch] = car.integrity.checksum.perImage;
  expect(factValue(info, 'eboot checksum')).toBe(`valid (${eboot.stored})`);
  expect(factValue(info, 'Application checksum')).toBe(`valid (${sketch.stored})`);
  expect(info.pushableWith).toEqual(['arduino-esp8266', 'esphome-web', 'esphome-native', 'arduino-ota']);
}

function checkMcuboot(info: ImageInfo, car: any): void {
  const h = car.header;
  expect(info.version).toBe(h.version);
  expect(factValue(info, 'Version')).toBe(h.version);
  expect(factValue(info, 'Header size')).toBe(`0x${h.hdr_size.toString(16)} (${h.hdr_size} bytes)`);
  expect(factValue(info, 'Image size')).toMatch(new RegExp(`^0x${h.img_size.toString(16)} `));
  expect(factValue(info, 'Flags')).toMatch(new RegExp(`^0x${h.flags.toString(16)} `));
  for (const flag of h.flagNames) expect(factValue(info, 'Flags')).toContain(flag);
  expect(factValue(info, 'TLVs')).toBe(car.tlvs.map((t: any) => `${t.protected ? 'P:' : ''}${t.typeName}`).join(', '));
  expect(factValue(info, 'Signature')).toBe(car.signatureTlvName ?? 'none (hash only)');
  expect(factValue(info, 'Encrypted')).toBe(car.encrypted ? 'yes' : 'no');
  expect(info.facts.some((f) => f.label === 'Padded')).toBe(car.paddedTrailer);
  expect(info.pushableWith).toEqual(['mcumgr-smp']);
  expect(info.problem).toBeNull();
  // Only the encrypted image has something to warn about: its hash cannot be checked here.
  expect(info.warnings.some((w) => /encrypted/.test(w))).toBe(car.encrypted);
  // The SHA-256 TLV: checked against the content, except where the payload is encrypted.
  expect(factValue(info, 'SHA-256 TLV')).toBe(
    `${car.imageHash} (${car.encrypted ? 'not checked: the payload is encrypted' : 'verified'})`,
  );
  if (!car.encrypted) expect(car.hashVerified).toBe(true);
  if (car.trailer.bootMagicAtEnd) {
    const { imageOk, copyDone, swapInfo } = car.trailer;
    expect(factValue(info, 'Trailer')).toContain(`image_ok ${imageOk}, copy_done ${copyDone}, swap_info ${swapInfo} `);
  }
}

async function checkMcubootUpload(file: string, car: any): Promise<void> {
  const image = await readMcubootImage(file);
  expect(image).toMatchObject({
    imageSize: car.size,
    fileSha256: car.sha256,
    hashHex: car.imageHash,
    version: car.header.version,
    encrypted: car.encrypted,
    hashVerified: car.hashVerified,
  });
  expect(image.hash).toEqual(Buffer.from(car.imageHash, 'hex'));
}

async function checkMongoose(info: ImageInfo, car: any, file: string): Promise<void> {
  expect(info.version).toBe(car.version);
  expect(factValue(info, 'Platform')).toBe(car.platform);
  expect(factValue(info, 'Name')).toBe(car.manifest.name);
  expect(factValue(info, 'Build ID')).toBe(car.manifest.build_id);
  expect(factValue(info, 'Manifest')).toBe(car.firstEntry);
  expect(
    factValue(info, 'Parts')
      .split(', ')
      .map((p) => p.split(' ')[0]),
  ).toEqual(car.partNames);
  expect(factValue(info, 'Zip entries')).toBe(
    `${car.entries.length} (${car.allStored ? 'all stored' : 'some compressed'})`,
  );
  expect(info.pushableWith).toEqual(
    car.allStored && car.manifestIsFirstEntry ? ['mongoose-os', 'mongoose-os-ble'] : [],
  );
  // Every cs_sha1 the sidecar verified, and every entry's CRC-32, checked as the device does.
  const hashed = car.parts.filter((p: any) => p.cs_sha1 && p.csVerified).length;
  expect(factValue(info, 'Integrity')).toBe(
    `verified (CRC-32 of ${car.entries.length} files, cs_sha1 of ${hashed} parts, part sizes, local headers)`,
  );
  const manifest = await readMongooseManifest(file);
  expect(manifest).toMatchObject({
    platform: car.platform,
    version: car.version,
    name: car.manifest.name,
    buildId: car.manifest.build_id,
  });
  expect(manifest?.parts.map((p) => p.name)).toEqual(car.partNames);
}
/* eslint-enable @typescript-eslint/no-explicit-any */

describe.skipIf(!present)(
  present ? 'reference firmware images (../shared/testdata)' : 'skipped: ../shared/testdata absent',
  () => {
    const images = present ? findImages(firmwareDir) : [];

    it('finds the reference images', () => {
      expect(images.length).toBeGreaterThanOrEqual(12);
    });

    for (const file of images) {
      it(path.relative(firmwareDir, file), async () => {
        const sidecar = JSON.parse(readFileSync(`${file}.json`, 'utf8'));
        const info = await inspectImage(file);
        expect(info.fileName).toBe(path.basename(file));
        expect(info.size).toBe(sidecar.size);
        expect(info.sha256).toBe(sidecar.sha256);
        expect(info.format).toBe(FORMAT_IDS[sidecar.format]);
        expect(info.problem).toBeNull();
        if (sidecar.format === 'esp8266-ota-v2') checkEsp8266V2(info, sidecar);
        if (sidecar.format === 'esp8266-plain') checkEsp8266Plain(info, sidecar);
        if (sidecar.format === 'mcuboot') {
          checkMcuboot(info, sidecar);
          await checkMcubootUpload(file, sidecar);
        }
        if (sidecar.format === 'mongoose-os-fw-zip') await checkMongoose(info, sidecar, file);
      });
    }
  },
);

describe.skipIf(!present)(
  present ? 'reference user1/user2 pairs (../shared/testdata)' : 'skipped: ../shared/testdata absent',
  () => {
    const projects = present
      ? readdirSync(path.join(firmwareDir, 'esp8266-ota')).map((name) => path.join(firmwareDir, 'esp8266-ota', name))
      : [];

    for (const folder of projects) {
      it(`finds and pairs ${path.basename(folder)}, slot 1 first`, async () => {
        const [first, second] = await findPairInFolder(folder);
        expect(JSON.parse(readFileSync(`${first}.json`, 'utf8')).intendedSlot).toBe(1);
        expect(JSON.parse(readFileSync(`${second}.json`, 'utf8')).intendedSlot).toBe(2);
        // Picked in the wrong order, the pair still comes out slot 1 first.
        const { pair, swapped } = describePair(await inspectImage(second!), await inspectImage(first!));
        expect(swapped).toBe(true);
        expect(pair).toMatchObject({ format: 'esp8266-ota-pair', problem: null, pushableWith: ['esp-link'] });
        expect(pair.fileName).toBe(`${path.basename(first!)} + ${path.basename(second!)}`);
      });
    }
  },
);

describe.skipIf(!present)(
  present ? 'reference images of two different builds (../shared/testdata)' : 'skipped: ../shared/testdata absent',
  () => {
    it('refuses an OLIMEX user1 with a ZiGate user2 as one pair, with the evidence', async () => {
      const ota = path.join(firmwareDir, 'esp8266-ota');
      const olimex = await inspectImage(path.join(ota, 'OLIMEX-olimex-iot-firmware-esp8266/user1.2048.new.3.bin'));
      const zigate = await inspectImage(path.join(ota, 'fairecasoimeme-ZiGate-WiFi/user2.bin'));
      const { pair } = describePair(zigate, olimex);
      expect(pair.problem).toMatch(
        /user1\.2048\.new\.3\.bin and user2\.bin are not the two images of one build: they differ in flash size 2MB vs 4MB; flash frequency 40m vs 80m; irom0 length 293,840 bytes vs 301,680 bytes; segments /,
      );
      expect(pair.pushableWith).toEqual([]);
    });
  },
);
