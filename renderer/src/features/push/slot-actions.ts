// The MCUboot slot panel's buttons (as in nRF Connect Device Manager): which actions a slot offers,
// and which of them need a second click because they cannot be undone. Pure, so it is unit-tested.
import type { ImageSlotActionKind, SmpImageSlot } from '../../../../shared/domain.ts';

export interface SlotAction {
  action: ImageSlotActionKind;
  slot?: 0 | 1;
  hash?: string;
  label: string;
  /** Irreversible: asks "are you sure" with this sentence first. */
  confirmText: string | null;
}

/** The buttons of one slot row: Confirm on a running unconfirmed image; Test, Confirm and Erase on slot 1. */
export function slotActions(slot: SmpImageSlot, slots: SmpImageSlot[]): SlotAction[] {
  if (slot.image !== 0) return [];
  const running = slots.find((s) => s.image === 0 && s.active);
  if (slot.active) {
    if (slot.confirmed || (slot.slot !== 0 && slot.slot !== 1)) return [];
    return [
      {
        action: 'confirm',
        slot: slot.slot,
        hash: slot.hash,
        label: 'Confirm',
        confirmText: `Confirm ${slot.version}? MCUboot then keeps it at every reset; going back needs another push.`,
      },
    ];
  }
  if (slot.slot !== 1) return [];
  const actions: SlotAction[] = [];
  if (!slot.pending) actions.push({ action: 'test', slot: 1, hash: slot.hash, label: 'Test', confirmText: null });
  if (!(slot.pending && slot.permanent)) {
    actions.push({
      action: 'confirm',
      slot: 1,
      hash: slot.hash,
      label: 'Confirm',
      confirmText: `Confirm ${slot.version} in slot 1 for good? The next reset swaps it in with no way back to ${running?.version ?? 'the running image'}.`,
    });
  }
  actions.push({
    action: 'erase',
    slot: 1,
    hash: slot.hash,
    label: 'Erase',
    confirmText: `Erase slot 1 (${slot.version})? The image is gone from the device; the device refuses while it is pending.`,
  });
  return actions;
}

export const RESET_ACTION: SlotAction = { action: 'reset', label: 'Reset device', confirmText: null };

/** The request for the IPC contract: reset carries no slot or hash. */
export function slotActionRequest(deviceId: string, action: SlotAction) {
  if (action.action === 'reset') return { deviceId, action: 'reset' as const };
  if (action.action === 'erase')
    return { deviceId, action: 'erase' as const, slot: 1 as const, ...(action.hash ? { hash: action.hash } : {}) };
  if (action.action === 'test') return { deviceId, action: 'test' as const, slot: 1 as const, hash: action.hash! };
  return { deviceId, action: 'confirm' as const, slot: (action.slot ?? 0) as 0 | 1, hash: action.hash! };
}
