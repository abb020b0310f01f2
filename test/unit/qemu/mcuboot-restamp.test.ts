// The re-versioned M0 image the QEMU tests push: same bytes but the version and the SHA-256 TLV, and our
// own MCUboot reader agrees the new hash is right. Needs the real build (skips like the QEMU tests).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMcubootImage } from '../../../electron/engine/images/mcuboot.ts';
import { mcubootHashHex, restampMcubootImage, versionOf, writeQemuFirmware } from '../../sim/qemu/mcuboot-restamp.ts';
import { findZephyrTestdata, testdataAbsentReason, ZEPHYR_PREFIX } from '../../sim/qemu/zephyr-testdata.ts';

const dir = findZephyrTestdata();

describe.skipIf(!dir)(dir ? 'mcuboot-restamp on the real Zephyr M0 image' : testdataAbsentReason(), () => {
  const m0 = () => readFileSync(path.join(dir!, `${ZEPHYR_PREFIX}qemu_cortex_m0_serial.signed.bin`));

  it('keeps the published hash when the version is unchanged', () => {
    expect(versionOf(m0())).toBe('0.0.0');
    expect(mcubootHashHex(m0())).toBe('1baa222074cc805faf4e09846d2377886b1e5ef7cfccd9eac1554d82d9aa9d5a');
  });

  it('changes only the version and the SHA-256 TLV, and the engine verifies the new hash', async () => {
    const files = writeQemuFirmware(dir!, ZEPHYR_PREFIX, '1.2.3');
    try {
      const original = m0();
      const restamped = readFileSync(files.m0Update);
      expect(restamped.length).toBe(original.length);
      const differing = [...restamped.keys()].filter((i) => restamped[i] !== original[i]);
      expect(differing.every((i) => (i >= 20 && i < 28) || i >= original.length - 32)).toBe(true);
      const image = await readMcubootImage(files.m0Update);
      expect(image.smpVersion).toBe('1.2.3');
      expect(image.hashVerified).toBe(true);
      expect(image.hashHex).toBe(files.m0UpdateHash);
    } finally {
      files.cleanup();
    }
  });

  it('refuses a signed image (a re-hash would not verify)', () => {
    const signed = Buffer.concat([m0()]);
    // Turn the TLV area into one with a fake ECDSA signature TLV after the hash: rebuild its length.
    const tlvAt = 512 + signed.readUInt32LE(12);
    const sig = Buffer.alloc(4 + 8);
    sig.writeUInt16LE(0x22, 0);
    sig.writeUInt16LE(8, 2);
    const withSig = Buffer.concat([signed, sig]);
    withSig.writeUInt16LE(withSig.readUInt16LE(tlvAt + 2) + sig.length, tlvAt + 2);
    expect(() => restampMcubootImage(withSig, '1.2.3')).toThrow(/signed/);
  });
});
