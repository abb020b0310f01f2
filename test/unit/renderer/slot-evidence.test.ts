import { describe, expect, it } from 'vitest';
import {
  headerByte3Text,
  iromCounts,
  nameEvidence,
  slotAddress,
  slotName,
  splitPairWarnings,
} from '../../../renderer/src/features/image/slot-evidence.ts';
import { anEvidence, anImage } from './support/builders.ts';

describe('slot evidence wording', () => {
  it('names the slot, or says it is unknown', () => {
    expect(slotName(1)).toBe('slot 1');
    expect(slotName(null)).toBe('slot unknown');
  });

  it('says what the file name tells, if anything', () => {
    expect(nameEvidence(anEvidence({ byFileName: 1 }))).toBe('slot 1');
    expect(nameEvidence(anEvidence({ byFileName: null }))).toBe('no slot in the name');
  });

  it('shows header byte 3 in hex, reading 1/2 only as a possible app number', () => {
    expect(headerByte3Text(anEvidence({ headerByte3: 2 }))).toBe('0x02 (app 2?)');
    expect(headerByte3Text(anEvidence({ headerByte3: 0 }))).toBe('0x00');
    expect(headerByte3Text(anEvidence({ headerByte3: 0x40 }))).toBe('0x40');
  });

  it('counts irom references slot 1 first, with thousands separators', () => {
    expect(iromCounts(anEvidence({ iromReferences: { slot1: 12, slot2: 4096 } }))).toBe('12 · 4,096');
  });

  it('places each slot in flash from the board’s flash map', () => {
    expect(slotAddress(1, null)).toBe('0x01000');
    expect(slotAddress(2, '4MB:512/512')).toBe('0x81000');
    expect(slotAddress(2, '2MB-c1:1024/1024')).toBe('0x101000');
    expect(slotAddress(2, '512KB:256/256')).toBe('0x41000');
    expect(slotAddress(2, null)).toBeNull();
    expect(slotAddress(2, 'weird')).toBeNull();
  });
});

describe('splitPairWarnings', () => {
  const magic = 'This is an esp-link user1/user2 image: Arduino updaters reject it.';
  it('says a warning both files share once, under the pair, and keeps one file’s own warning with it', () => {
    const pair = anImage({ warnings: [magic] });
    const members = [
      anImage({ warnings: [magic, 'user1.bin has no CRC-32 trailer.'] }),
      anImage({ warnings: [magic, magic] }),
    ];
    expect(splitPairWarnings(pair, members)).toEqual({
      shared: [magic],
      own: [['user1.bin has no CRC-32 trailer.'], []],
    });
  });

  it('lifts a warning every member carries even when the pair itself does not', () => {
    const members = [anImage({ warnings: [magic] }), anImage({ warnings: [magic] })];
    expect(splitPairWarnings(anImage(), members)).toEqual({ shared: [magic], own: [[], []] });
  });
});
