// The SMP job's sentences for boards whose bootloader cannot mark images for test or confirm them
// (SmpBootMode.stateWrites false: MCUboot serial recovery, RAM load, direct XIP): the push is upload,
// reset, read what runs — never "committed", since nothing was confirmed. Also the slot actions'
// refusals on such a board (slot-actions.ts).
import type { SmpBootMode, SmpCommitMode } from '../../../shared/domain.ts';
import { SMP_COMMIT_MODES } from '../../../shared/domain.ts';

/** "MCUboot in RAM load mode" / "its bootloader". */
function bootloaderWords(bootMode: SmpBootMode): string {
  return bootMode.mode ? `${bootMode.bootloader ?? 'MCUboot'} in ${bootMode.mode} mode` : 'its bootloader';
}

export function bootModeLog(bootMode: SmpBootMode): string {
  return `Bootloader: ${bootMode.summary}`;
}

/** Logged before the upload on a board known to have no state writes. */
export function noConfirmStepAhead(bootMode: SmpBootMode, mode: SmpCommitMode): string {
  return (
    `${bootloaderWords(bootMode)[0].toUpperCase()}${bootloaderWords(bootMode).slice(1)} cannot mark images for test or confirm them: ` +
    `OTA Bench uploads, then resets; the commit mode "${SMP_COMMIT_MODES[mode].label}" does not apply.`
  );
}

/** The push's own test/confirm write was answered with rc 8 after a good upload. */
export function stateWriteRefusedAfterUpload(write: 'test' | 'confirm', smpVersion: string): string {
  return (
    `The board answered the ${write} write with "not supported" (MGMT_ERR_ENOTSUP, rc 8): its bootloader cannot mark images for test or confirm them. ` +
    `${smpVersion} is uploaded, so OTA Bench resets the board and lets the bootloader choose what to run; there is no confirm step.`
  );
}

export const RESET_WITHOUT_MARK = 'Resetting; then waiting for the board to come back and reading which image it runs.';

/** Terminal 'updated': the uploaded image runs. */
export function bootedWithoutConfirm(name: string, smpVersion: string, bootMode: SmpBootMode): string {
  return (
    `${name} runs ${smpVersion}: uploaded and booted. There is no confirm step on this bootloader${bootMode.mode ? ` (${bootloaderWords(bootMode)})` : ''}, ` +
    'so nothing was tested or confirmed and nothing rolls back by itself.'
  );
}

/** Terminal 'updated' for a plan with nothing to do on such a board. */
export function alreadyRunsNoConfirm(name: string, smpVersion: string): string {
  return `${name} already runs ${smpVersion}: nothing to do (its bootloader has no confirm step).`;
}

/** Failure: after the reset the board runs another image than the upload. */
export function bootedOtherWithoutConfirm(args: {
  name: string;
  smpVersion: string;
  nowWords: string;
  uploadSlotWords: string | null;
  bootMode: SmpBootMode;
  newestWins: boolean;
}): string {
  const { name, smpVersion, nowWords, uploadSlotWords, bootMode, newestWins } = args;
  const where = uploadSlotWords
    ? ` The upload is still in ${uploadSlotWords}.`
    : ' The board no longer lists the upload.';
  const why = newestWins
    ? ` In ${bootMode.mode} mode MCUboot boots the newest valid version, and it chose that one.`
    : ` Its bootloader chose that image (in RAM-load and direct-XIP modes MCUboot boots the newest valid version; it also falls back to the other image when the new one does not validate).`;
  return `After the reset ${name} runs ${nowWords}, not the uploaded ${smpVersion}.${why}${where}`;
}

/** Slot actions test/confirm on such a board: refused before sending. */
export function slotActionNeedsStateWrites(
  name: string,
  action: 'test' | 'confirm' | 'commit',
  bootMode: SmpBootMode,
): string {
  const what = action === 'test' ? 'mark an image for test' : 'confirm an image';
  return (
    `${name} cannot ${what}: ${bootMode.summary} ` +
    'Nothing was changed. Erase and reset still work; after a reset the bootloader chooses what runs.'
  );
}

/** Slot actions test/confirm answered with rc 8 (the board did not say beforehand). */
export function slotActionAnsweredNotSupported(name: string, action: 'test' | 'confirm' | 'commit'): string {
  const what = action === 'test' ? 'marking an image for test' : 'confirming an image';
  return (
    `${name} answered ${what} with "not supported" (MGMT_ERR_ENOTSUP, rc 8): its bootloader (MCUboot serial recovery, RAM load or direct XIP) ` +
    'cannot mark images for test or confirm them. Nothing changed. Erase and reset still work; after a reset the bootloader chooses what runs.'
  );
}
