// MCUboot inspection and readMcubootImage on generated imgtool-like images: valid ones (plain,
// protected TLVs, signed, padded and confirmed), and every refusal a board would also make.
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectImage, readMcubootImage } from '../../../electron/engine/images/index.ts';
import { UpdateError } from '../../../electron/engine/update-error.ts';
import { buildMcubootImage, mcubootHashOf, seededBytes } from '../../sim/mcuboot-image.ts';
import { scratchDir } from './builders.ts';
import { factValue } from './fact-value.ts';

const scratch = scratchDir();
afterAll(() => scratch.remove());

async function refusal(path: string): Promise<UpdateError> {
  const error = await readMcubootImage(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpdateError);
  return error as UpdateError;
}

describe('buildMcubootImage', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    expect(buildMcubootImage({ seed: 7 })).toEqual(buildMcubootImage({ seed: 7 }));
    expect(buildMcubootImage({ seed: 7 })).not.toEqual(buildMcubootImage({ seed: 8 }));
  });
});

describe('valid MCUboot images', () => {
  it('reads header, TLVs and the verified hash; pushable with MCUmgr/SMP', async () => {
    const data = buildMcubootImage({ version: '1.4.2+9', payloadSize: 5000, headerSize: 0x200, seed: 3 });
    const file = scratch.write('plain.signed.bin', data);
    const info = await inspectImage(file);
    expect(info).toMatchObject({ format: 'mcuboot', version: '1.4.2+9', problem: null, pushableWith: ['mcumgr-smp'] });
    expect(factValue(info, 'Header size')).toBe('0x200 (512 bytes)');
    expect(factValue(info, 'TLVs')).toBe('SHA256');
    expect(factValue(info, 'SHA-256 TLV')).toBe(`${mcubootHashOf(data).toString('hex')} (verified)`);
    expect(info.warnings).toEqual([]);

    const image = await readMcubootImage(file);
    expect(image).toMatchObject({
      imageSize: data.length,
      fileSha256: createHash('sha256').update(data).digest('hex'),
      hashHex: mcubootHashOf(data).toString('hex'),
      version: '1.4.2+9',
      smpVersion: '1.4.2.9',
      hashVerified: true,
      encrypted: false,
      trailer: null,
    });
    expect(image.hash).toEqual(mcubootHashOf(data));
  });

  it('hashes the protected TLVs too and names the signature', async () => {
    const data = buildMcubootImage({
      version: [0, 3, 1, 0],
      protectedTlvs: [
        { type: 0x50, value: Buffer.from([1, 0, 0, 0]) },
        { type: 0x40, value: Buffer.alloc(12) },
      ],
      signatureTlv: { type: 0x22, value: seededBytes(71, 5) },
      seed: 4,
    });
    const file = scratch.write('tfm.signed.bin', data);
    const info = await inspectImage(file);
    expect(info.problem).toBeNull();
    expect(factValue(info, 'TLVs')).toBe('P:SEC_CNT, P:DEPENDENCY, SHA256, ECDSASIG');
    expect(factValue(info, 'Signature')).toBe('ECDSASIG');
    expect(factValue(info, 'Protected TLV size')).toBe('28 bytes');
    expect((await readMcubootImage(file)).smpVersion).toBe('0.3.1');
  });

  for (const [type, name] of [
    [0x20, 'RSA2048'],
    [0x23, 'RSA3072'],
    [0x24, 'ED25519'],
  ] as const) {
    it(`names signature TLV ${name}`, async () => {
      const info = await inspectImage(
        scratch.write(`sig-${type}.bin`, buildMcubootImage({ signatureTlv: { type, value: seededBytes(64, type) } })),
      );
      expect(factValue(info, 'Signature')).toBe(name);
    });
  }

  it('reads the padded trailer: image_ok set (confirmed) or erased', async () => {
    const confirmed = await inspectImage(
      scratch.write('confirmed.bin', buildMcubootImage({ padToSlot: 16384, imageOk: true })),
    );
    expect(confirmed.problem).toBeNull();
    expect(factValue(confirmed, 'Padded')).toMatch(/slot trailer/);
    expect(factValue(confirmed, 'Trailer')).toBe(
      'image_ok SET (0x1), copy_done INVALID (0xff), swap_info INVALID (0xff) (max align 8)',
    );
    const plain = await readMcubootImage(scratch.write('padded.bin', buildMcubootImage({ padToSlot: 16384 })));
    expect(plain.imageSize).toBe(16384);
    expect(plain.trailer?.imageOk).toBe('INVALID (0xff)');
  });

  it('reads the trailer of an image signed with --max-align 32 where imgtool wrote it', async () => {
    // imgtool pad_to: the 16-byte magic fills align_up(16, 32) = 32 bytes, image_ok sits 32 bytes
    // before that area (−64), copy_done and swap_info 32 bytes further each. Offsets written by hand
    // here, not by the builder, so the test does not share the inspector's arithmetic.
    const data = buildMcubootImage({ padToSlot: 16384, maxAlign: 32 });
    expect(data.readUInt16LE(data.length - 16)).toBe(32);
    data[data.length - 64] = 0x01;
    data[data.length - 96] = 0x03;
    const info = await inspectImage(scratch.write('align32.bin', data));
    expect(info.problem).toBeNull();
    expect(factValue(info, 'Trailer')).toBe(
      'image_ok SET (0x1), copy_done UNSET (0x3), swap_info INVALID (0xff) (max align 32)',
    );
    const confirmed = await readMcubootImage(
      scratch.write('align32-confirmed.bin', buildMcubootImage({ padToSlot: 16384, maxAlign: 32, imageOk: true })),
    );
    expect(confirmed.trailer).toMatchObject({ maxAlign: 32, imageOk: 'SET (0x1)' });
  });

  it('warns about bytes after the TLVs that are not a slot trailer', async () => {
    const data = Buffer.concat([buildMcubootImage(), Buffer.alloc(100)]);
    const info = await inspectImage(scratch.write('junk-after.bin', data));
    expect(info.problem).toBeNull();
    expect(info.warnings.join(' ')).toMatch(/does not end with the MCUboot boot magic/);
  });

  it('does not refuse an encrypted image whose hash it cannot check', async () => {
    const data = buildMcubootImage({ flags: 0x08, hashOverride: Buffer.alloc(32, 0xab) });
    const file = scratch.write('encrypted.bin', data);
    const info = await inspectImage(file);
    expect(info).toMatchObject({ problem: null, pushableWith: ['mcumgr-smp'] });
    expect(factValue(info, 'SHA-256 TLV')).toMatch(/not checked: the payload is encrypted/);
    expect(info.warnings[0]).toMatch(/ENCRYPTED_AES256.*cannot verify it without the decryption key/);
    expect(await readMcubootImage(file)).toMatchObject({
      encrypted: true,
      hashVerified: false,
      hashHex: 'ab'.repeat(32),
    });
  });
});

describe('refused MCUboot images', () => {
  it('a wrong SHA-256 TLV', async () => {
    const file = scratch.write('wrong-hash.bin', buildMcubootImage({ hashOverride: Buffer.alloc(32, 1) }));
    const info = await inspectImage(file);
    expect(info.pushableWith).toEqual([]);
    expect(info.problem).toMatch(/SHA-256 does not match its hash TLV.*MCUboot would refuse/);
    expect((await refusal(file)).code).toBe('integrity-failure');
  });

  it('a payload corrupted after signing', async () => {
    const data = buildMcubootImage({ payloadSize: 3000 });
    data[1500] ^= 0xff;
    expect((await inspectImage(scratch.write('corrupt.bin', data))).problem).toMatch(/does not match its hash TLV/);
  });

  it('no SHA-256 TLV', async () => {
    const file = scratch.write(
      'no-hash.bin',
      buildMcubootImage({ omitHash: true, signatureTlv: { type: 0x24, value: seededBytes(64) } }),
    );
    expect((await inspectImage(file)).problem).toMatch(/no SHA-256 TLV.*Sign it with imgtool \(or west sign\)/);
    expect((await refusal(file)).code).toBe('unsupported-package');
  });

  it('a truncated file, with both sizes', async () => {
    const data = buildMcubootImage({ payloadSize: 4000 });
    const cut = await inspectImage(scratch.write('cut-payload.bin', data.subarray(0, 2000)));
    expect(cut.problem).toMatch(/truncated: its header says .* take 4,032 bytes, but the file has only 2,000 bytes/);
    const cutTlv = await inspectImage(scratch.write('cut-tlv.bin', data.subarray(0, data.length - 5)));
    expect(cutTlv.problem).toMatch(
      new RegExp(
        `truncated: .* ${data.length.toLocaleString('en-US')} bytes, but the file has only ${(data.length - 5).toLocaleString('en-US')} bytes`,
      ),
    );
    expect((await refusal(scratch.write('cut-tlv2.bin', data.subarray(0, data.length - 5)))).code).toBe(
      'integrity-failure',
    );
  });

  it('a corrupted TLV area', async () => {
    const data = buildMcubootImage();
    data.writeUInt16LE(0x1234, 32 + 4096);
    expect((await inspectImage(scratch.write('bad-tlv-magic.bin', data))).problem).toMatch(
      /does not start with its magic \(0x6907; found 0x1234\)/,
    );
  });

  it('a bare zephyr.bin without the MCUboot header', async () => {
    const vectors = Buffer.alloc(64);
    vectors.writeUInt32LE(0x20008000, 0);
    for (let i = 1; i < 16; i += 1) vectors.writeUInt32LE(0x00001001 + 0x40 * i, 4 * i);
    const file = scratch.write('zephyr.bin', Buffer.concat([vectors, seededBytes(2000)]));
    const info = await inspectImage(file);
    expect(info).toMatchObject({ format: 'unknown', pushableWith: [] });
    expect(info.problem).toMatch(/without the MCUboot header.*imgtool.*west sign/);
    expect((await refusal(file)).message).toMatch(/west sign/);
  });

  it('readMcubootImage refuses other files with a sentence', async () => {
    expect((await refusal(scratch.write('text.bin', 'hello world, not firmware'))).message).toMatch(
      /not an MCUboot image.*imgtool/,
    );
  });
});
