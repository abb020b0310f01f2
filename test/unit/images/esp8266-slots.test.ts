// ESP8266 user1/user2 images: esp-link's header checks, the slot evidence (file name, header byte 3,
// irom references), pairs and build folders — on generated images, so it all runs in a clone too.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  describePair,
  findPairInFolder,
  inspectImage,
  slotFromFileName,
} from '../../../electron/engine/images/index.ts';
import { buildEsp8266V2Image } from '../../sim/esp8266-v2-image.ts';
import { esp8266EbootLayout, scratchDir } from './builders.ts';
import { factValue } from './fact-value.ts';

const scratch = scratchDir();
afterAll(() => scratch.remove());
/** Writes a file under the scratch directory, creating its folder. */
const put = (name: string, data: Buffer): string => {
  mkdirSync(path.dirname(path.join(scratch.dir, name)), { recursive: true });
  return scratch.write(name, data);
};

const user1 = buildEsp8266V2Image({ slot: 1, size: 40_000, version: '2.1.0' });
const user2 = buildEsp8266V2Image({ slot: 2, size: 40_000, version: '2.1.0' });

/** A copy with some bytes of the header replaced. */
function withHeader(data: Buffer, offset: number, bytes: number[]): Buffer {
  const copy = Buffer.from(data);
  Buffer.from(bytes).copy(copy, offset);
  return copy;
}

describe('slot evidence', () => {
  it('finds the slot each file of a pair was linked for, from the code', async () => {
    const one = await inspectImage(scratch.write('user1.bin', user1));
    const two = await inspectImage(scratch.write('user2.bin', user2));
    expect(one.slotEvidence).toMatchObject({
      linkedSlot: 1,
      byFileName: 1,
      headerByte3: 1,
      iromDecisive: true,
      layout: '512+512',
      contradiction: null,
    });
    expect(two.slotEvidence).toMatchObject({
      linkedSlot: 2,
      byFileName: 2,
      headerByte3: 2,
      iromDecisive: true,
      contradiction: null,
    });
    expect(one.slotEvidence!.iromReferences.slot1).toBeGreaterThan(100);
    expect(two.slotEvidence!.iromReferences.slot2).toBeGreaterThan(10 * two.slotEvidence!.iromReferences.slot1);
    expect(factValue(two, 'Linked for')).toBe('slot 2 (user2.bin)');
    expect(two.slotEvidence!.summary).toMatch(
      /^Linked for slot 2 \(user2\.bin\): \d+ irom references point into slot 1, \d+ into slot 2; header byte 3 is 2/,
    );
    expect(two.pushableWith).toEqual(['esp-link']);
  });

  it('trusts the code over the name, and says the two disagree', async () => {
    const info = await inspectImage(scratch.write('user1-renamed.bin', user2));
    expect(info.slotEvidence).toMatchObject({ linkedSlot: 2, byFileName: 1, headerByte3: 2 });
    expect(info.slotEvidence!.contradiction).toMatch(/named like user1\.bin, but its code is linked for slot 2/);
    expect(info.warnings.join(' ')).toMatch(/renamed or mixed up with its twin/);
    expect(info.problem).toBeNull();
  });

  it('cannot tell slots apart from the code on a 1024+1024 map, and falls back to the name', async () => {
    const image = buildEsp8266V2Image({ slot: 2, layout: '1024+1024', size: 20_000 });
    const named = await inspectImage(scratch.write('user2.2048.new.5.bin', image));
    expect(named.slotEvidence).toMatchObject({ linkedSlot: 2, iromDecisive: false, layout: '1024+1024', sizeMap: 5 });
    expect(named.slotEvidence!.summary).toMatch(/both slots are linked at 0x40201010/);
    const anonymous = await inspectImage(scratch.write('app.bin', image));
    expect(anonymous.slotEvidence).toMatchObject({ linkedSlot: null, byFileName: null });
  });

  it('reads the slot from the names builds give files', () => {
    expect(slotFromFileName('user1.bin')).toBe(1);
    expect(slotFromFileName('user2.4096.new.6.bin')).toBe(2);
    expect(slotFromFileName('esp-link-user2.bin')).toBe(2);
    expect(slotFromFileName('app-0x01000.bin')).toBe(1);
    expect(slotFromFileName('app-0x81000.bin')).toBe(2);
    expect(slotFromFileName('user12.bin')).toBeNull();
    expect(slotFromFileName('superuser1x.bin')).toBeNull();
    expect(slotFromFileName('firmware.bin')).toBeNull();
  });
});

describe("esp-link's header checks", () => {
  const cases: Array<[string, number, number[], RegExp]> = [
    [
      'byte 1 is not 4',
      1,
      [3],
      /Byte 1 of the header is 0x03, not 4\. esp-link refuses such a file \("bad flash header"\)/,
    ],
    ['flash mode above 3', 2, [4], /flash mode\) is 0x04.*"bad flash header"/],
    ['size map above 6', 3, [0x80], /flash size map 8; esp-link accepts maps 0–6.*"bad flash header"/],
    [
      'entry point outside IRAM',
      4,
      [0x00, 0x00, 0x20, 0x40],
      /entry point 0x40200000 is not in IRAM.*"Invalid entry addr"/,
    ],
    ['irom offset not 0', 8, [0x10], /irom segment offset is 0x00000010, not 0.*"Invalid start offset"/],
  ];
  for (const [what, offset, bytes, message] of cases) {
    it(`refuses an image whose ${what}`, async () => {
      const info = await inspectImage(scratch.write(`bad-${offset}.bin`, withHeader(user2, offset, bytes)));
      expect(info.format).toBe('esp8266-ota-v2');
      expect(info.problem).toMatch(message);
      expect(info.pushableWith).toEqual([]);
    });
  }

  it('accepts images without the CRC-32 trailer (older SDKs), with a warning that it may be cut', async () => {
    const info = await inspectImage(
      scratch.write('old-sdk-user1.bin', buildEsp8266V2Image({ slot: 1, noCrcTrailer: true })),
    );
    expect(info.problem).toBeNull();
    expect(factValue(info, 'CRC-32 trailer')).toBe('absent');
    expect(info.warnings.join(' ')).toMatch(/cut short by 4 bytes/);
  });
});

describe('pairs', () => {
  it('puts the slot-1 file first, whatever order they were picked in', async () => {
    const one = await inspectImage(put('a/user1.bin', user1));
    const two = await inspectImage(put('a/user2.bin', user2));
    for (const [first, second, swapped] of [
      [one, two, false],
      [two, one, true],
    ] as const) {
      const result = describePair(first, second);
      expect(result.swapped).toBe(swapped);
      expect(result.pair).toMatchObject({
        format: 'esp8266-ota-pair',
        fileName: 'user1.bin + user2.bin',
        problem: null,
        pushableWith: ['esp-link'],
        version: '2.1.0',
      });
      expect(factValue(result.pair, 'Slot 2 (user2)')).toMatch(/^user2\.bin, /);
    }
  });

  it('refuses two files linked for the same slot', async () => {
    const one = await inspectImage(put('b/user1.bin', user1));
    const twin = await inspectImage(put('b/user2.bin', user1));
    const { pair } = describePair(one, twin);
    expect(pair.problem).toMatch(/Both files are linked for slot 1/);
    expect(pair.pushableWith).toEqual([]);
  });

  it('refuses a pair when one file is not a user1/user2 image', async () => {
    const one = await inspectImage(put('c/user1.bin', user1));
    const sketch = await inspectImage(put('c/sketch.bin', esp8266EbootLayout()));
    expect(() => describePair(one, sketch)).toThrow(
      /sketch\.bin is an ESP8266 application image .*, not an ESP8266 user1\/user2 image: two files make a pair only/,
    );
  });

  it('refuses two images that are not one build, naming what differs', async () => {
    const one = await inspectImage(put('e/user1.bin', user1));
    const bigger = await inspectImage(
      put('e/user2.bin', buildEsp8266V2Image({ slot: 2, size: 60_000, version: '2.1.0' })),
    );
    const { pair } = describePair(one, bigger);
    expect(pair.problem).toMatch(
      /user1\.bin and user2\.bin are not the two images of one build: they differ in irom0 length 3\d,\d{3} bytes vs 5\d,\d{3} bytes/,
    );
    expect(pair.pushableWith).toEqual([]);
    const newer = await inspectImage(
      put('f/user2.bin', buildEsp8266V2Image({ slot: 2, size: 40_000, version: '2.2.0' })),
    );
    expect(describePair(one, newer).pair.problem).toMatch(/differ in version 2\.1\.0 vs 2\.2\.0/);
  });

  it('refuses files from builds for different flash layouts', async () => {
    const one = await inspectImage(put('d/user1.bin', user1));
    const big = await inspectImage(put('d/user2.bin', buildEsp8266V2Image({ slot: 2, layout: '1024+1024' })));
    expect(describePair(one, big).pair.problem).toMatch(
      /different flash layouts \(user1\.bin: 512\+512, user2\.bin: 1024\+1024\)/,
    );
  });
});

describe('build folders', () => {
  function folder(files: Record<string, Buffer>): string {
    const root = path.join(scratch.dir, `folder-${Math.random().toString(36).slice(2)}`);
    for (const [name, data] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      writeFileSync(path.join(root, name), data);
    }
    return root;
  }

  it('finds the pair a few levels down, slot 1 first', async () => {
    const root = folder({ 'firmware/user2.bin': user2, 'firmware/user1.bin': user1, 'README.md': Buffer.from('hi') });
    expect(await findPairInFolder(root)).toEqual([
      path.join(root, 'firmware/user1.bin'),
      path.join(root, 'firmware/user2.bin'),
    ]);
  });

  it('matches SDK names by their common part', async () => {
    const root = folder({ 'bin/upgrade/user1.2048.new.3.bin': user1, 'bin/upgrade/user2.2048.new.3.bin': user2 });
    expect((await findPairInFolder(root)).map((f) => path.basename(f))).toEqual([
      'user1.2048.new.3.bin',
      'user2.2048.new.3.bin',
    ]);
  });

  it('asks which pair when a folder holds several at the same depth', async () => {
    const root = folder({ 'a/user1.bin': user1, 'a/user2.bin': user2, 'b/user1.bin': user1, 'b/user2.bin': user2 });
    await expect(findPairInFolder(root)).rejects.toThrow(
      /holds several user1\/user2 pairs \(a\/user1\.bin \+ a\/user2\.bin; b\/user1\.bin \+ b\/user2\.bin\)/,
    );
  });

  it('says what it found when there is no pair', async () => {
    const root = folder({ 'out/user1.bin': user1, 'out/firmware.bin': esp8266EbootLayout() });
    await expect(findPairInFolder(root)).rejects.toThrow(/No user1\/user2 pair in .* \(found only out\/user1\.bin\)/);
  });
});
