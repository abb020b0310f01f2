// The SMP job's longer sentences over BLE, serial or UDP (smp-job.ts, slot-actions.ts): what the link
// carries, how the upload went, and what MCUboot did after a reset, kept out of the job's control flow.
// Not to be confused with smp/smp-messages.ts, the SMP codec's message types.
import type { SmpCommitMode } from '../../../shared/domain.ts';
import { formatCount, formatDuration } from '../../../shared/format.ts';
import type { McumgrParams } from '../smp/smp-messages.ts';
import type { SmpTransportKind } from '../smp/smp-transport.ts';

/** How the job's words name the link a session runs over (smp/smp-session.ts's SmpLink, in part). */
export interface LinkWords {
  transport: SmpTransportKind;
  /** "serial /dev/ttyACM0, 115200 baud", "UDP 10.0.0.7:1337" (BLE links are just "BLE"). */
  label: string;
  attMtu: number | null;
  maxPacket: number;
}

/**
 * "Connected to sensor over BLE: ATT MTU 247, MCUmgr buffers 2475 B × 4." — or, on serial and UDP,
 * "Connected to m0 over serial /dev/ttyACM0, 115200 baud: MCUmgr buffers 384 B × 4."
 */
export function smpLinkOpened(purpose: string, name: string, link: LinkWords, params: McumgrParams | null): string {
  const buffers = params ? `MCUmgr buffers ${params.bufSize} B × ${params.bufCount}` : null;
  if (link.transport !== 'ble') {
    return `${purpose} ${name} over ${link.label}: ${buffers ?? `no MCUmgr params (packets of at most ${link.maxPacket} B)`}.`;
  }
  const mtu = link.attMtu ?? 'not reported (23 assumed)';
  return `${purpose} ${name} over BLE: ATT MTU ${mtu}, ${buffers ?? 'no MCUmgr params (one packet per write)'}.`;
}

/** After the reset: what the job waits for, in the link's words. */
export function resettingWords(transport: SmpTransportKind): string {
  const back = {
    ble: 'the device to advertise again',
    serial: 'the serial port to come back',
    udp: 'the device to answer again',
  }[transport];
  return `Resetting; then waiting for MCUboot to swap the images and ${back}.`;
}

/** The device took the test/confirm request but its image list does not show the image pending. */
export function notMarkedPending(mode: SmpCommitMode, entryWords: string): string {
  const request = mode === 'confirm-only' ? 'confirm' : 'test';
  return (
    `The device accepted the ${request} request but does not list the image as pending (${entryWords}); ` +
    'it will not boot it.'
  );
}

/** The device did not come back (advertise, reappear as a port, answer) after the reset within the come-back budget. */
export function notBackAfterReset(name: string, comeBackMs: number, reason: string): string {
  return (
    `${name} did not come back within ${formatDuration(comeBackMs / 1000)} after the reset (${reason}). ` +
    'It may be stuck in the bootloader or still swapping; check it with `ota-bench status`.'
  );
}

export interface SmpRollback {
  name: string;
  /** What runs now, in describeSlot's words (or "no listed image"). */
  nowWords: string;
  /** What runs now is the image that ran before the push. */
  stillOld: boolean;
  smpVersion: string;
  mode: SmpCommitMode;
}

/** After the reset the device runs something other than the pushed image. */
export function bootedOtherImage({ name, nowWords, stillOld, smpVersion, mode }: SmpRollback): string {
  const previous = stillOld ? ', its previous image' : '';
  const reverted = mode === 'confirm-only' ? '' : ' or reverted it after a failed test boot';
  return (
    `${name} came back running ${nowWords}${previous}, not ${smpVersion}: MCUboot did not boot the new image${reverted}. ` +
    'Likely causes: it crashes at start-up (a watchdog or fault resets the device before it runs), it is signed with ' +
    "a key this bootloader does not accept, or it is built for another slot layout. The device's log shows why."
  );
}

/** A test-only push ended with the image running unconfirmed. */
export function runsAsTest(name: string, smpVersion: string, previous: string | null): string {
  return (
    `${name} runs ${smpVersion} as a test, not confirmed: the next reset goes back to ` +
    `${previous ?? 'the previous image'} unless the firmware or you confirm it.`
  );
}

/** The device took the confirm but its list still shows the image unconfirmed. */
export function confirmNotKept(smpVersion: string, entryWords: string): string {
  return (
    `The device accepted the confirm request but still lists ${smpVersion} as ${entryWords}; ` +
    'it will revert at the next reset.'
  );
}

/** After a reconnect the link is too small for the first upload request. */
export function packetTooSmall(maxPacket: number): string {
  return (
    `The link now carries SMP packets of only ${maxPacket} bytes: too small for the first upload request ` +
    '(it must hold the 32-byte MCUboot header).'
  );
}

/** The first connection finds part of this file already in slot 1. */
export function resumingEarlierPush(offset: number, total: number): string {
  return (
    `The device already holds ${formatCount(offset)} of ${formatCount(total)} bytes of this file ` +
    'from an earlier push: resuming there.'
  );
}

/** A reconnect after a drop: the device kept the partial upload (resumed) or lost it. */
export function resumedAfterDrop(resumed: boolean, offset: number): string {
  return resumed
    ? `Resumed at byte ${formatCount(offset)} (the device kept the partial upload).`
    : 'The device lost the partial upload: starting again from byte 0.';
}

export interface UploadSummary {
  bytes: number;
  requests: number;
  resent: number;
  /** The device's final hash check: true when it checked the whole file. */
  match: boolean | null | undefined;
}

/** "Uploaded 1,234 bytes in 9 requests (1 sent again); the device checked the whole file against its SHA-256." */
export function uploadDone({ bytes, requests, resent, match }: UploadSummary): string {
  const again = resent ? ` (${resent} sent again)` : '';
  const check =
    match === true
      ? 'the device checked the whole file against its SHA-256'
      : 'the device does not report a final hash check';
  return `Uploaded ${formatCount(bytes)} bytes in ${requests} requests${again}; ${check}.`;
}

/** The link dropped too often without progress: the job gives up (a new push resumes). */
export function linkKeptDropping(offset: number, total: number, reason: string): string {
  return (
    `The link kept dropping at byte ${formatCount(offset)} of ${formatCount(total)} (${reason}). ` +
    'Move the device closer and push again: it resumes from there.'
  );
}

/** The link dropped; the job reconnects to resume. */
export function linkDropped(offset: number, total: number, reason: string): string {
  return `The link dropped at byte ${formatCount(offset)} of ${formatCount(total)} (${reason}); reconnecting to resume.`;
}

// Slot actions (slot-actions.ts).

/** A slot action's reset: the device did not come back within the budget. */
export function notBackAfterSlotReset(name: string, comeBackMs: number, reason: string): string {
  return (
    `${name} was reset but did not come back within ${formatDuration(comeBackMs / 1000)} (${reason}). ` +
    'It may still be swapping images; read its slots again in a moment.'
  );
}

/** The slot the user acted on holds another image than the one they saw (`hash` is its hash). */
export function staleSlot(slot: number | undefined, name: string, holds: string, hash: string | null): string {
  return (
    `Slot ${slot} of ${name} now holds ${holds} (${hash?.slice(0, 8)}…), not the image you saw there; ` +
    'nothing was changed. Look at the slots again.'
  );
}

/** The device refused to erase slot 1; `why` says what the slot holds, `smpError` the device's error name. */
export function eraseRefused(name: string, why: string, smpError: string): string {
  return (
    `${name} refuses to erase slot 1: ${why} (${smpError}). ` +
    'Nothing was changed; after a reset (and a confirm of what runs then) slot 1 is free to erase.'
  );
}

/** Commit with a confirmed running image and a test-boot image pending in slot 1: the pending one was confirmed. */
export function confirmedPendingTest(name: string, running: string, pending: string | null): string {
  return (
    `${name} runs ${running}, already confirmed; the pending image is ${pending} in slot 1 (marked for a test boot): ` +
    `confirmed it, so it replaces ${running} for good at the next reset.`
  );
}

/** Commit with an image in slot 1 that is already confirmed for the next reset. */
export function pendingAlreadyConfirmed(name: string, running: string, pending: string): string {
  return (
    `${name} runs ${running}, confirmed, and ${pending} in slot 1 is already confirmed for the next reset: ` +
    'nothing to commit.'
  );
}

/** How a pending image is pending: " (confirmed for good)" or " for a test boot". */
const pendingHow = (permanent: boolean) => (permanent ? ' (confirmed for good)' : ' for a test boot');

/** Revert of a pending image: the device refused to erase the pending slot. */
export function pendingEraseRefused(pending: string, permanent: boolean, name: string, smpError: string): string {
  return (
    `${pending} in slot 1 is pending${pendingHow(permanent)}, and ${name} refuses to erase a pending slot ` +
    `(${smpError}; Zephyr allows it only with CONFIG_MCUMGR_GRP_IMG_ALLOW_ERASE_PENDING). ` +
    'MCUmgr has no command that clears a pending image, so nothing was changed.'
  );
}

/** Revert of a pending image: slot 1 was erased. */
export function pendingErased(name: string, pending: string, permanent: boolean, running: string): string {
  return `Erased slot 1 of ${name}: ${pending} was pending${pendingHow(permanent)} and is gone; ${running} keeps running.`;
}
