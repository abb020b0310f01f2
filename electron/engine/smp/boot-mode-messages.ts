// What a board's bootloader does with an uploaded image, in one sentence per MCUboot mode (the
// summaries of SmpBootMode, shown in the plan's "Bootloader" check and the job log). Kept out of
// boot-mode.ts so the reading logic stays short.

/** Mode numbers as os bootloader info reports them: mcu-tools/mcuboot boot/bootutil/include/bootutil/boot_status.h `enum mcuboot_mode`. */
export const MCUBOOT_MODE = {
  singleSlot: 0,
  swapUsingScratch: 1,
  overwriteOnly: 2,
  swapUsingMove: 3,
  directXip: 4,
  directXipWithRevert: 5,
  ramLoad: 6,
  firmwareLoader: 7,
  singleSlotRamLoad: 8,
  swapUsingOffset: 9,
} as const;

export interface McubootModeFacts {
  /** The mode in words, as SmpBootMode.mode carries it: "swap using move". */
  words: string;
  /** Whether image state writes (test / confirm) mean anything to this bootloader. */
  stateWrites: boolean;
  /** What the bootloader does with an upload, one sentence (without the "MCUboot in … mode" opening). */
  behaviour: string;
}

const SWAP =
  'a new image marked for test is swapped in at the next reset and swapped back at the reset after unless it is confirmed';
const NO_STATE = 'images cannot be marked for test or confirmed';

/** Unknown numbers (Zephyr reports -1 when it does not know the mode) are absent: the mode is then unknown. */
export const MCUBOOT_MODES: Readonly<Record<number, McubootModeFacts>> = {
  [MCUBOOT_MODE.singleSlot]: {
    words: 'single application slot',
    stateWrites: false,
    behaviour: `an upload replaces the application in its one slot (through serial recovery or a firmware loader); ${NO_STATE}`,
  },
  [MCUBOOT_MODE.swapUsingScratch]: { words: 'swap using scratch', stateWrites: true, behaviour: SWAP },
  [MCUBOOT_MODE.overwriteOnly]: {
    words: 'overwrite only',
    stateWrites: true,
    behaviour:
      'a new image marked for test or confirmed overwrites the running one at the next reset, with no way back (a test boot cannot revert)',
  },
  [MCUBOOT_MODE.swapUsingMove]: { words: 'swap using move', stateWrites: true, behaviour: SWAP },
  [MCUBOOT_MODE.directXip]: {
    words: 'direct XIP',
    stateWrites: false,
    behaviour: `it runs the newest valid image in place, from either slot; ${NO_STATE}`,
  },
  [MCUBOOT_MODE.directXipWithRevert]: {
    words: 'direct XIP with revert',
    stateWrites: true,
    behaviour:
      'it runs the newest image in place, from either slot; a new image must be marked for test (or confirmed) before the reset, or MCUboot erases it at boot, and an unconfirmed test is erased at the reset after, when the older image runs again',
  },
  [MCUBOOT_MODE.ramLoad]: {
    words: 'RAM load',
    stateWrites: false,
    behaviour: `it copies the newest valid image into RAM at each boot; ${NO_STATE}`,
  },
  [MCUBOOT_MODE.firmwareLoader]: {
    words: 'firmware loader',
    stateWrites: false,
    behaviour: `a separate loader image takes the upload into the application slot; ${NO_STATE}`,
  },
  [MCUBOOT_MODE.singleSlotRamLoad]: {
    words: 'single-slot RAM load',
    stateWrites: false,
    behaviour: `it copies its one image into RAM at each boot; ${NO_STATE}`,
  },
  [MCUBOOT_MODE.swapUsingOffset]: { words: 'swap using offset', stateWrites: true, behaviour: SWAP },
};

/** "MCUboot in swap-using-move mode: a new image … ." */
export function modeSummary(bootloader: string, facts: McubootModeFacts, noDowngrade: boolean): string {
  const guard = noDowngrade ? ' It refuses to boot an image older than the one it runs (no-downgrade).' : '';
  return `${bootloader} in ${facts.words} mode: ${facts.behaviour}.${guard}`;
}

export function bootloaderWithoutModeSummary(bootloader: string): string {
  return `The board's bootloader is ${bootloader}, but it does not say in which mode it runs.`;
}

/** The board answered an image state write (the probe or the push's own) with rc 8. */
export const STATE_WRITES_NOT_SUPPORTED =
  'The board answers image state writes with "not supported" (MGMT_ERR_ENOTSUP, rc 8): its bootloader cannot mark images for test or confirm them, like MCUboot in serial recovery, RAM-load or direct-XIP mode.';

/** The harmless probe (confirm the already-confirmed running image) was answered with the image list. */
export const STATE_WRITES_ACCEPTED =
  'The board does not report its bootloader mode, but it accepts image state writes (confirming its already-confirmed running image changed nothing): it can test and confirm images.';

/** Nothing told: the common case of a Zephyr app under MCUboot in swap mode is assumed. */
export const SWAP_ASSUMED =
  'The board does not report its bootloader mode: OTA Bench assumes MCUboot swap mode (test, reset, confirm), and if the board refuses the test write as not supported it uploads and resets without one.';
