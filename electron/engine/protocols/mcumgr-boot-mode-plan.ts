// The plan's "Bootloader" check (mcumgr-smp-plan.ts) and its words: what the board's bootloader does
// with the upload (SmpBootMode, smp/boot-mode.ts). A board that cannot mark images for test or confirm
// them (MCUboot serial recovery, RAM load, direct XIP: image state writes answer rc 8) gets "upload,
// then reset" and a warning that the commit mode does not apply; in RAM-load and direct-XIP modes the
// bootloader runs the newest version, so an image that is not newer than the running one never runs.
import type { PreflightCheck, SmpBootMode } from '../../../shared/domain.ts';
import { check } from './preflight-check.ts';

/** Modes in which MCUboot picks the slot with the highest version at each boot (loader_xip_ram_common.c `find_slot_with_highest_version`). */
const NEWEST_WINS = new Set(['direct XIP', 'direct XIP with revert', 'RAM load']);

export const newestVersionRuns = (bootMode: SmpBootMode): boolean =>
  bootMode.mode !== null && NEWEST_WINS.has(bootMode.mode);

/** "MCUboot in RAM load mode", or the families that answer rc 8 when the board did not name its mode. */
function whichBootloader(bootMode: SmpBootMode): string {
  if (bootMode.mode) return `${bootMode.bootloader ?? 'MCUboot'} in ${bootMode.mode} mode`;
  return 'MCUboot serial recovery, RAM load or direct XIP';
}

/** What runs after the reset on a board without state writes. */
function afterResetWords(bootMode: SmpBootMode): string {
  if (newestVersionRuns(bootMode)) return 'after the reset MCUboot runs the newest valid version it holds';
  if (bootMode.mode) return 'after the reset MCUboot boots what the upload put in the application slot';
  return 'what runs after the reset is what the bootloader chooses (the newest version in RAM-load and direct-XIP modes)';
}

/** The sentence of the warning: the upload-then-reset plan and that the commit mode does not apply. */
export function noStateWritesWords(bootMode: SmpBootMode): string {
  return (
    `This board's bootloader (${whichBootloader(bootMode)}) cannot mark images for test or confirm them: ` +
    `OTA Bench uploads, then resets; ${afterResetWords(bootMode)}. ` +
    'The commit mode you pick does not apply: nothing is tested or confirmed, and nothing rolls back by itself.'
  );
}

export function bootloaderCheck(bootMode: SmpBootMode): PreflightCheck {
  if (bootMode.stateWrites) return check('bootloader', 'Bootloader', 'pass', bootMode.summary);
  const detail =
    bootMode.source === 'bootloader-info'
      ? `${bootMode.summary} ${noStateWritesWords(bootMode)}`
      : noStateWritesWords(bootMode);
  return check('bootloader', 'Bootloader', 'warn', detail);
}

/**
 * Newest-wins modes: an image not newer than the running one would be uploaded and never run. Null
 * when that cannot happen (or the versions say nothing).
 */
export function newestWinsVersionCheck(
  bootMode: SmpBootMode,
  imageVersion: string,
  running: string | null,
  compare: (a: string, b: string) => number,
): PreflightCheck | null {
  if (!newestVersionRuns(bootMode) || !running) return null;
  const order = compare(imageVersion, running);
  if (order > 0) return null;
  return check(
    'version',
    'Version',
    'fail',
    order === 0
      ? `${imageVersion} is the version the board already runs: in ${bootMode.mode} mode MCUboot boots the newest version, so after the reset it may keep running the image it has. Give the new image a higher version (imgtool sign --version).`
      : `${imageVersion} is older than the running ${running}: in ${bootMode.mode} mode MCUboot boots the newest version, so the upload would never run. Give the new image a higher version (imgtool sign --version).`,
  );
}

/** The plan's reason for an upload where the bootloader does not swap (null: the swap sentence holds). */
export function nonSwapUploadReason(bootMode: SmpBootMode | null): string | null {
  if (bootMode?.mode === 'direct XIP with revert')
    return 'Uploads to the slot that does not run; after the test mark and the reset MCUboot runs it in place, then OTA Bench confirms it.';
  if (bootMode?.mode === 'overwrite only')
    return 'Uploads to slot 1; at the reset MCUboot copies it over slot 0, with no way back.';
  return null;
}

/** The plan's reason for a board without state writes (PushPlan.reason). */
export const UPLOAD_THEN_RESET_REASON = "Uploads, then resets: this board's bootloader has no test or confirm step.";
export const SKIP_UPLOAD_THEN_RESET_REASON =
  "The board already holds it in its other slot: no upload, only the reset (this board's bootloader has no test or confirm step).";

/** MCUboot image header flag IMAGE_F_RAM_LOAD (bootutil/image.h): the image is linked to run from RAM at ih_load_addr. */
const IMAGE_F_RAM_LOAD = 0x20;

/**
 * An image built for MCUboot's RAM-load mode offered to a board whose bootloader tests and confirms
 * images (swap or overwrite in flash): that MCUboot would run it in place from flash, where code linked
 * for RAM at its load address does not run. Measured against the real Zephyr M0 swap build under QEMU:
 * the mps2 RAM-load image (load address 0x20240000) was only stopped by the board's own size check after
 * the first chunk. Null when the flag is absent or the board's mode is unknown or newest-wins.
 */
export function ramLoadImageCheck(
  bootMode: SmpBootMode | null,
  header: { flags: number; loadAddr: number },
): PreflightCheck | null {
  if (!(header.flags & IMAGE_F_RAM_LOAD) || !bootMode?.stateWrites || newestVersionRuns(bootMode)) return null;
  const address = `0x${header.loadAddr.toString(16).padStart(8, '0')}`;
  return check(
    'image-kind',
    'Image kind',
    'fail',
    `This image is built for MCUboot's RAM-load mode (flag RAM_LOAD, load address ${address}), but this board's ` +
      'bootloader tests and confirms images in flash, where an image linked to run from RAM does not start. ' +
      'It is most likely the image of another board: pick the one built for this board.',
  );
}
