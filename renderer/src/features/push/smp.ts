// MCUmgr/SMP devices (MCUboot over BLE, serial or UDP): the slot flags as chips, slot names, the commit modes.
// Pure, so what a slot row says is unit-tested.
import type { ProtocolId, PushPlan, SmpCommitMode, SmpImageSlot } from '../../../../shared/domain.ts';
import { SMP_COMMIT_MODES } from '../../../../shared/domain.ts';

export const DEFAULT_SMP_MODE: SmpCommitMode = 'test-and-confirm';

export const SMP_MODE_ORDER: readonly SmpCommitMode[] = ['test-and-confirm', 'test-only', 'confirm-only'];

export function isSmp(protocol: ProtocolId): boolean {
  return protocol === 'mcumgr-smp';
}

export type SlotFlag = 'active' | 'confirmed' | 'pending' | 'permanent' | 'bootable';

/** What each flag means, for the chip's tooltip (ble-protocols.md §1.5, §1.10). */
export const SLOT_FLAG_MEANINGS: Record<SlotFlag, string> = {
  active: 'Running now.',
  confirmed: 'Marked good: MCUboot keeps booting it.',
  pending: 'Marked to be swapped in at the next reset.',
  permanent: 'The swap at the next reset is for good (no revert).',
  bootable: 'A valid image MCUboot can boot.',
};

/** The flags a slot has, most telling first (a slot without a valid image lists none). */
export function slotFlags(slot: SmpImageSlot): SlotFlag[] {
  const order: SlotFlag[] = ['active', 'confirmed', 'pending', 'permanent', 'bootable'];
  return order.filter((flag) => slot[flag]);
}

/** "0 · primary", "1 · secondary" (under a "Slot" heading); with several images, "image 1 · 0 · primary". */
export function slotName(slot: SmpImageSlot, multiImage: boolean): string {
  const role = slot.slot === 0 ? 'primary' : slot.slot === 1 ? 'secondary' : null;
  const base = multiImage ? `image ${slot.image} · ${slot.slot}` : String(slot.slot);
  return role ? `${base} · ${role}` : base;
}

/** The first 8 hex digits of an image hash: the table is narrow; the full hash is on hover and copy. */
export function shortImageHash(hash: string): string {
  return hash.length > 8 ? hash.slice(0, 8) : hash;
}

export function sortSlots(slots: SmpImageSlot[]): SmpImageSlot[] {
  return [...slots].sort((a, b) => a.image - b.image || a.slot - b.slot);
}

/** One short sentence about what happens at the next reset, from the flags; null when nothing changes. */
export function nextBootNote(slots: SmpImageSlot[]): string | null {
  const pending = slots.find((slot) => slot.pending && !slot.active);
  if (pending) {
    return pending.permanent
      ? `The next reset swaps in ${pending.version} for good.`
      : `The next reset boots ${pending.version} once as a test; unless it is confirmed, the reset after goes back.`;
  }
  const unconfirmed = slots.find((slot) => slot.active && !slot.confirmed);
  if (unconfirmed) return `${unconfirmed.version} runs unconfirmed: the next reset goes back to the other slot.`;
  return null;
}

export function modeLabel(mode: SmpCommitMode): string {
  return SMP_COMMIT_MODES[mode].label;
}

/** The id of the plan's check that says what the board's bootloader allows (protocols/mcumgr-boot-mode-plan.ts). */
export const BOOTLOADER_CHECK_ID = 'bootloader';

/**
 * Why the commit modes do not apply to this push, or null when they do: the plan says the bootloader
 * cannot test or confirm (MCUboot serial recovery, RAM-load, direct-XIP: `bootMode.stateWrites` false),
 * so the push is upload then reset. Points at the plan's "Bootloader" check (a warning then) when it
 * is listed, else says the boot mode's own summary.
 */
export function noStateWritesReason(plan: Pick<PushPlan, 'checks' | 'bootMode'> | null): string | null {
  if (!plan) return null;
  const check = plan.checks.find((candidate) => candidate.id === BOOTLOADER_CHECK_ID && candidate.status !== 'pass');
  if (plan.bootMode?.stateWrites !== false) return null;
  // The check says it in full a little higher up: point at it rather than repeat a paragraph.
  return check
    ? `The board's bootloader cannot test or confirm images (see “${check.label}” in the checks above).`
    : plan.bootMode.summary;
}
