// What can truthfully be done to an SMP device's MCUboot slots outside a push (ble-protocols.md
// §1.4, §1.10), as nRF Connect Device Manager offers it: test or confirm an image, erase slot 1,
// reset — and the CLI's commit/revert built from those. Every action reads the slots first (the
// device's state, not the panel's memory), says what it did and what the next reset does, and reads
// the slots again afterwards. MCUmgr has no command that clears a pending test: "revert" of a pending
// image can only erase slot 1 (which Zephyr refuses unless CONFIG_MCUMGR_GRP_IMG_ALLOW_ERASE_PENDING),
// and "revert" of a running unconfirmed test is a reset, after which MCUboot swaps back. It lives
// beside the SMP job (smp-job.ts): a bounded sequence of commands, with a reset and a reconnect.
import type { ImageSlotActionKind, ImageSlotActionResult } from '../../../shared/domain.ts';
import { UpdateError } from '../update-error.ts';
import { activeSlot, toSmpImageSlots } from '../protocols/mcumgr-smp-plan.ts';
import { SmpSession } from '../smp/smp-session.ts';
import type { SmpConnector } from '../smp/smp-transport.ts';
import { SmpDeviceError, type ImageSlotState } from '../smp/smp-messages.ts';
import {
  confirmedPendingTest,
  eraseRefused,
  notBackAfterSlotReset,
  pendingAlreadyConfirmed,
  pendingErased,
  pendingEraseRefused,
  staleSlot,
} from './smp-job-messages.ts';
import { isNotSupported } from '../smp/boot-mode.ts';
import { slotResetNotAcknowledged } from '../smp/lost-answer-messages.ts';
import { slotActionAnsweredNotSupported, slotActionNeedsStateWrites } from './smp-boot-mode-messages.ts';

export type SlotActionKind = ImageSlotActionKind | 'commit' | 'revert';

export interface SlotActionInput {
  action: SlotActionKind;
  slot?: number;
  /** The hash the caller saw in that slot: the action is refused when the slot holds another image now. */
  hash?: string;
}

export interface SlotActionDeps {
  deviceId: string;
  name: string;
  /** Opens a fresh link to the device (BLE, serial, UDP): the session is opened over it here. */
  connect: SmpConnector;
  /** How long to wait for the device when it should be there (the reset's come-back wait is rebootComeBackMs). */
  connectTimeoutMs: number;
  rebootGoneMs: number;
  rebootComeBackMs: number;
  /** Tests: how long a command may go unanswered (10 s by default). */
  commandTimeoutMs?: number;
}

/** The slot holds another image than the caller saw: nothing is done, the slots are read again. */
class StaleSlotError extends UpdateError {}
/** The board's bootloader cannot mark images (SmpBootMode.stateWrites false): nothing is sent. */
class NoStateWritesError extends UpdateError {}

const IMG_MGMT_ERR_NO_FREE_SLOT = 9;
const MGMT_ERR_EBADSTATE = 6;

/** The secondary slot of image 0 (where uploads go), when it holds a valid image. */
function secondarySlot(slots: ImageSlotState[]): ImageSlotState | null {
  const active = activeSlot(slots);
  return slots.find((s) => s.image === 0 && s !== active) ?? null;
}

const versionOf = (s: ImageSlotState | null, fallback: string) => s?.version ?? fallback;

/** One sentence about the next reset, from the flags as the device lists them (§1.5). */
export function nextResetWords(slots: ImageSlotState[]): string {
  const active = activeSlot(slots);
  const other = secondarySlot(slots);
  const running = versionOf(active, 'the running image');
  if (other?.pending && other.permanent)
    return `The next reset swaps in ${versionOf(other, 'the slot 1 image')} for good: MCUboot will not go back to ${running}.`;
  if (other?.pending)
    return `The next reset boots ${versionOf(other, 'the slot 1 image')} once as a test; the reset after that goes back to ${running} unless it is confirmed.`;
  if (active && !active.confirmed)
    return `The next reset goes back to ${versionOf(other, 'the previous image')}: ${running} runs as a test and is not confirmed.`;
  return `The next reset boots ${running} again.`;
}

/** The device refused because the slot is in use (v2 NO_FREE_SLOT, or its v1 translation EBADSTATE). */
function slotInUse(error: unknown): boolean {
  if (!(error instanceof SmpDeviceError)) return false;
  return error.smp.shape === 2
    ? error.smp.group === 1 && error.smp.rc === IMG_MGMT_ERR_NO_FREE_SLOT
    : error.smp.rc === MGMT_ERR_EBADSTATE;
}

interface Outcome {
  done: boolean;
  message: string;
}

/** Runs one action on a device; throws UpdateError only when the device cannot be reached at all. */
export async function runSlotAction(input: SlotActionInput, deps: SlotActionDeps): Promise<ImageSlotActionResult> {
  // A test/confirm/erase whose answer is lost is settled by reading the list (smp/confirmed-write.ts).
  const open = (timeoutMs: number) =>
    SmpSession.open(deps.connect, { timeoutMs, commandTimeoutMs: deps.commandTimeoutMs });
  let session: SmpSession | null = await open(deps.connectTimeoutMs);
  const result = (outcome: Outcome, slots: ImageSlotState[] | null): ImageSlotActionResult => ({
    deviceId: deps.deviceId,
    action: input.action,
    ...outcome,
    nextReset: slots ? nextResetWords(slots) : 'Unknown: the slots could not be read after the action.',
    imageSlots: slots ? toSmpImageSlots(slots) : null,
    firmwareVersion: slots ? (activeSlot(slots)?.version ?? null) : null,
  });
  try {
    const before = await session.readImageState();
    const reset = async (): Promise<AfterReset> => {
      const acknowledged = await session!.resetAndClose(deps.rebootGoneMs);
      session = null;
      session = await open(deps.rebootComeBackMs).catch((error: UpdateError) => {
        throw new UpdateError(
          'connection-lost',
          notBackAfterSlotReset(deps.name, deps.rebootComeBackMs, error.message),
        );
      });
      return { after: await session.readImageState(), acknowledged };
    };
    // Test and confirm need image state writes: asked of the board (once) just before the first write.
    const needsStateWrites = async (action: 'test' | 'confirm' | 'commit'): Promise<void> => {
      const bootMode = await session!.readBootMode(before);
      if (!bootMode.stateWrites)
        throw new NoStateWritesError('update-failed', slotActionNeedsStateWrites(deps.name, action, bootMode));
    };
    let outcome: Outcome;
    try {
      outcome = await act(input, deps.name, session, before, reset, needsStateWrites);
    } catch (error) {
      if (error instanceof StaleSlotError || error instanceof NoStateWritesError)
        outcome = { done: false, message: error.message };
      else if (
        isNotSupported(error) &&
        (input.action === 'test' || input.action === 'confirm' || input.action === 'commit')
      )
        outcome = { done: false, message: slotActionAnsweredNotSupported(deps.name, input.action) };
      else if (error instanceof SmpDeviceError)
        outcome = { done: false, message: `${deps.name} refused: ${error.message}` };
      else throw error;
    }
    // A reset already left a fresh session; read the slots as they are now either way.
    const after = session ? await session.readImageState() : null;
    return result(outcome, after);
  } finally {
    await (session as SmpSession | null)?.close();
  }
}

async function act(
  input: SlotActionInput,
  name: string,
  session: SmpSession,
  before: ImageSlotState[],
  reset: () => Promise<AfterReset>,
  needsStateWrites: (action: 'test' | 'confirm' | 'commit') => Promise<void>,
): Promise<Outcome> {
  const active = activeSlot(before);
  const other = secondarySlot(before);
  const running = versionOf(active, 'its running image');
  const pick = (slot: number | undefined): ImageSlotState | null => {
    const entry = slot === 0 ? active : slot === 1 ? other : null;
    if (input.hash && entry && entry.hash !== input.hash) {
      const holds = versionOf(entry, 'another image');
      throw new StaleSlotError('update-failed', staleSlot(slot, name, holds, entry.hash));
    }
    return entry;
  };

  switch (input.action) {
    case 'test': {
      const entry = pick(1);
      if (!entry?.hash)
        return { done: false, message: `Slot 1 of ${name} holds no valid image to test; nothing was changed.` };
      if (entry.pending && !entry.permanent)
        return {
          done: true,
          message: `${entry.version} in slot 1 was already marked for a test boot; nothing was changed.`,
        };
      await needsStateWrites('test');
      await session.testImage(Buffer.from(entry.hash, 'hex'));
      return { done: true, message: `Marked ${entry.version} in slot 1 for a test boot.` };
    }
    case 'confirm': {
      const slot = input.slot ?? 0;
      const entry = pick(slot);
      if (!entry?.hash)
        return {
          done: false,
          message: `Slot ${slot} of ${name} holds no valid image to confirm; nothing was changed.`,
        };
      if (slot === 0) {
        if (!entry.confirmed) await needsStateWrites('confirm');
        return confirmRunning(session, entry, name);
      }
      if (entry.pending && entry.permanent)
        return {
          done: true,
          message: `${entry.version} in slot 1 was already confirmed for the next reset; nothing was changed.`,
        };
      await needsStateWrites('confirm');
      await session.confirmImage(Buffer.from(entry.hash, 'hex'));
      return {
        done: true,
        message: `Confirmed ${entry.version} in slot 1: it replaces ${running} for good at the next reset.`,
      };
    }
    case 'erase': {
      const entry = pick(1);
      try {
        await session.eraseSlot(1);
      } catch (error) {
        if (!slotInUse(error)) throw error;
        const why = entry?.pending
          ? `${versionOf(entry, 'its image')} there is marked for the next reset`
          : entry?.confirmed
            ? `${versionOf(entry, 'its image')} there is what MCUboot goes back to at the next reset`
            : 'the slot is in use';
        return { done: false, message: eraseRefused(name, why, (error as SmpDeviceError).smp.name) };
      }
      return {
        done: true,
        message: entry
          ? `Erased slot 1 of ${name} (it held ${versionOf(entry, 'an image')}).`
          : `Erased slot 1 of ${name} (it listed no valid image).`,
      };
    }
    case 'reset': {
      const { after, acknowledged } = await reset();
      if (!acknowledged && sameAsBefore(before, after))
        return { done: false, message: slotResetNotAcknowledged(name, running, resetWouldChange(before)) };
      return { done: true, message: `Reset ${name}: ${bootWords(before, after)}` };
    }
    case 'commit': {
      if (active?.hash && !active.confirmed) {
        await needsStateWrites('commit');
        return confirmRunning(session, active, name);
      }
      if (other?.hash && other.pending && !other.permanent) {
        await needsStateWrites('commit');
        await session.confirmImage(Buffer.from(other.hash, 'hex'));
        return { done: true, message: confirmedPendingTest(name, running, other.version) };
      }
      if (other?.pending && other.permanent)
        return { done: true, message: pendingAlreadyConfirmed(name, running, versionOf(other, 'the slot 1 image')) };
      return {
        done: true,
        message: `${name} runs ${running}, already confirmed, and nothing is pending: nothing to commit.`,
      };
    }
    case 'revert': {
      if (other?.pending) {
        try {
          await session.eraseSlot(1);
        } catch (error) {
          if (!slotInUse(error)) throw error;
          const pending = versionOf(other, 'The slot 1 image');
          const smpError = (error as SmpDeviceError).smp.name;
          return { done: false, message: pendingEraseRefused(pending, other.permanent, name, smpError) };
        }
        return { done: true, message: pendingErased(name, versionOf(other, 'the image'), other.permanent, running) };
      }
      if (active && !active.confirmed) {
        const { after, acknowledged } = await reset();
        if (!acknowledged && sameAsBefore(before, after))
          return { done: false, message: slotResetNotAcknowledged(name, running, resetWouldChange(before)) };
        const now = activeSlot(after);
        if (now?.hash === active.hash)
          return {
            done: false,
            message: `Reset ${name} to go back from the unconfirmed ${running}, but MCUboot booted it again: ${bootWords(before, after)}`,
          };
        return {
          done: true,
          message: `${running} ran as an unconfirmed test: reset ${name}, and MCUboot went back — ${bootWords(before, after)}`,
        };
      }
      return {
        done: true,
        message: `${name} runs ${running}, confirmed, and nothing is pending: there is nothing to revert.`,
      };
    }
  }
}

async function confirmRunning(session: SmpSession, active: ImageSlotState, name: string): Promise<Outcome> {
  if (active.confirmed)
    return { done: true, message: `${name} runs ${active.version}, already confirmed; nothing was changed.` };
  const after = await session.confirmImage(Buffer.from(active.hash!, 'hex'));
  const entry = after.find((s) => s.hash === active.hash);
  if (!entry?.confirmed)
    return { done: false, message: `${name} accepted the confirm but still lists ${active.version} as unconfirmed.` };
  return {
    done: true,
    message: `Confirmed ${active.version}, the image ${name} runs (slot ${active.slot}): it stays after resets.`,
  };
}

/** What the board came back with after a reset (or an unanswered one over UDP). */
interface AfterReset {
  after: ImageSlotState[];
  /** False: no answer and the link stayed up (UDP): the board may never have reset. */
  acknowledged: boolean;
}

/** The same image runs with the same flags: a reset that was not acknowledged most likely never happened. */
function sameAsBefore(before: ImageSlotState[], after: ImageSlotState[]): boolean {
  const flags = (slots: ImageSlotState[]) =>
    slots.map((s) => [s.slot, s.hash, s.active, s.pending, s.confirmed, s.permanent].join(':')).join('|');
  return flags(before) === flags(after);
}

/** Something pending or unconfirmed: a reset changes what the list shows. */
function resetWouldChange(before: ImageSlotState[]): boolean {
  const active = activeSlot(before);
  return Boolean(secondarySlot(before)?.pending) || Boolean(active && !active.confirmed);
}

/** What a reset did, from the slots before and after. */
function bootWords(before: ImageSlotState[], after: ImageSlotState[]): string {
  const was = activeSlot(before);
  const now = activeSlot(after);
  if (!now) return 'it came back listing no running image.';
  if (now.hash === was?.hash)
    return `it came back running ${now.version} again${now.confirmed ? '' : ' (still unconfirmed)'}.`;
  return `it came back running ${now.version}${now.confirmed ? ', confirmed' : ' as an unconfirmed test'} (was ${versionOf(was, 'another image')}).`;
}
