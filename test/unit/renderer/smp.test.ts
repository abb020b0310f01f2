import { describe, expect, it } from 'vitest';
import {
  isSmp,
  modeLabel,
  nextBootNote,
  shortImageHash,
  slotFlags,
  slotName,
  sortSlots,
} from '../../../renderer/src/features/push/smp.ts';
import type { SmpImageSlot } from '../../../shared/domain.ts';

const slot = (over: Partial<SmpImageSlot> = {}): SmpImageSlot => ({
  image: 0,
  slot: 0,
  version: '1.2.0',
  hash: 'ab'.repeat(32),
  bootable: false,
  pending: false,
  confirmed: false,
  active: false,
  permanent: false,
  ...over,
});

describe('slot flags', () => {
  it('lists the flags a slot has, most telling first', () => {
    expect(slotFlags(slot({ bootable: true, confirmed: true, active: true }))).toEqual([
      'active',
      'confirmed',
      'bootable',
    ]);
    expect(slotFlags(slot({ slot: 1, bootable: true, pending: true, permanent: true }))).toEqual([
      'pending',
      'permanent',
      'bootable',
    ]);
    expect(slotFlags(slot())).toEqual([]);
  });

  it('names slots under a "Slot" heading, with the image number only when there are several', () => {
    expect(slotName(slot(), false)).toBe('0 · primary');
    expect(slotName(slot({ slot: 1 }), false)).toBe('1 · secondary');
    expect(slotName(slot({ image: 1, slot: 1 }), true)).toBe('image 1 · 1 · secondary');
    expect(slotName(slot({ slot: 2 }), false)).toBe('2');
  });

  it('sorts by image, then slot', () => {
    const sorted = sortSlots([slot({ image: 1, slot: 0 }), slot({ slot: 1 }), slot({ slot: 0 })]);
    expect(sorted.map((entry) => `${entry.image}/${entry.slot}`)).toEqual(['0/0', '0/1', '1/0']);
  });

  it('shortens hashes to 8 hex digits', () => {
    expect(shortImageHash('3f9a1c02b43f9a1c')).toBe('3f9a1c02');
    expect(shortImageHash('abc')).toBe('abc');
  });
});

describe('nextBootNote', () => {
  const running = slot({ active: true, confirmed: true, bootable: true });
  it('says nothing when the next reset changes nothing', () => {
    expect(nextBootNote([running, slot({ slot: 1, version: '1.1.0', bootable: true })])).toBeNull();
  });

  it('says a pending test boots once, a pending permanent swap for good', () => {
    expect(nextBootNote([running, slot({ slot: 1, version: '1.3.0', pending: true, bootable: true })])).toBe(
      'The next reset boots 1.3.0 once as a test; unless it is confirmed, the reset after goes back.',
    );
    expect(nextBootNote([running, slot({ slot: 1, version: '1.3.0', pending: true, permanent: true })])).toBe(
      'The next reset swaps in 1.3.0 for good.',
    );
  });

  it('warns that an unconfirmed running image reverts at the next reset', () => {
    expect(nextBootNote([slot({ active: true, version: '1.3.0' }), slot({ slot: 1, confirmed: true })])).toBe(
      '1.3.0 runs unconfirmed: the next reset goes back to the other slot.',
    );
  });
});

describe('modes', () => {
  it('knows SMP and labels modes from the domain', () => {
    expect(isSmp('mcumgr-smp')).toBe(true);
    expect(isSmp('mongoose-os-ble')).toBe(false);
    expect(modeLabel('test-and-confirm')).toBe('Test, then confirm');
  });
});
