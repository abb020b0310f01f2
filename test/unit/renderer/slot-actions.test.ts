// Which buttons a slot row of the MCUboot slot panel offers, which of them ask first, and the IPC
// request each one sends (renderer/src/features/push/slot-actions.ts).
import { describe, expect, it } from 'vitest';
import type { SmpImageSlot } from '../../../shared/domain.ts';
import { RESET_ACTION, slotActionRequest, slotActions } from '../../../renderer/src/features/push/slot-actions.ts';

const slot = (over: Partial<SmpImageSlot>): SmpImageSlot => ({
  image: 0,
  slot: 0,
  version: '1.0.0',
  hash: 'aa'.repeat(32),
  bootable: true,
  pending: false,
  confirmed: false,
  active: false,
  permanent: false,
  ...over,
});
const running = slot({ slot: 0, active: true, confirmed: true });
const labels = (s: SmpImageSlot, all: SmpImageSlot[]) =>
  slotActions(s, all).map((a) => `${a.label}${a.confirmText ? '?' : ''}`);

describe('slot actions offered per row', () => {
  it('a running confirmed image offers nothing; an unconfirmed one offers Confirm, asking first', () => {
    expect(labels(running, [running])).toEqual([]);
    const test = slot({ slot: 0, active: true, version: '1.1.0' });
    expect(labels(test, [test])).toEqual(['Confirm?']);
    expect(slotActions(test, [test])[0]!.confirmText).toMatch(/Confirm 1\.1\.0\? MCUboot then keeps it/);
  });

  it('slot 1: Test (no question), Confirm and Erase (asking); a pending test drops Test, a permanent one Confirm too', () => {
    const idle = slot({ slot: 1, version: '1.1.0', hash: 'bb'.repeat(32) });
    expect(labels(idle, [running, idle])).toEqual(['Test', 'Confirm?', 'Erase?']);
    expect(slotActions(idle, [running, idle])[1]!.confirmText).toMatch(/no way back to 1\.0\.0/);
    expect(labels({ ...idle, pending: true }, [running, idle])).toEqual(['Confirm?', 'Erase?']);
    expect(labels({ ...idle, pending: true, permanent: true }, [running, idle])).toEqual(['Erase?']);
  });

  it('sends the slot and the hash the row showed; reset sends neither', () => {
    const idle = slot({ slot: 1, hash: 'bb'.repeat(32) });
    const [test, confirm, erase] = slotActions(idle, [running, idle]);
    expect(slotActionRequest('ble:1', test!)).toEqual({
      deviceId: 'ble:1',
      action: 'test',
      slot: 1,
      hash: 'bb'.repeat(32),
    });
    expect(slotActionRequest('ble:1', confirm!)).toEqual({
      deviceId: 'ble:1',
      action: 'confirm',
      slot: 1,
      hash: 'bb'.repeat(32),
    });
    expect(slotActionRequest('ble:1', erase!)).toEqual({
      deviceId: 'ble:1',
      action: 'erase',
      slot: 1,
      hash: 'bb'.repeat(32),
    });
    expect(slotActionRequest('ble:1', RESET_ACTION)).toEqual({ deviceId: 'ble:1', action: 'reset' });
  });
});
