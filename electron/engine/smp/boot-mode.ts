// What the board's bootloader can do with an uploaded image (SmpBootMode): whether image state
// writes (test / confirm) exist, read before a push so the plan and the job do not promise a
// confirm the board cannot make (issue #13, "MCUboot serial recovery").
//
// 1. os "bootloader info" (group 0, id 8; Zephyr os_mgmt with CONFIG_MCUMGR_GRP_OS_BOOTLOADER_INFO,
//    subsys/mgmt/mcumgr/grp/os_mgmt/src/os_mgmt.c `os_mgmt_bootloader_info`): `{}` → {bootloader:
//    "MCUboot"}; `{query: "mode"}` → {mode: N, "no-downgrade"?: true}, N from mcu-tools/mcuboot
//    boot/bootutil/include/bootutil/boot_status.h `enum mcuboot_mode` (-1 when Zephyr does not know).
// 2. When that is not supported (rc 8, as on both real Zephyr 4.4.0 QEMU builds) and the running image
//    is listed as confirmed with nothing pending: a state write {confirm: true} without a hash, which
//    confirms the running image. Zephyr returns early for the slot that boots next anyway
//    (img_mgmt_state.c `img_mgmt_set_next_boot_slot`: "Do nothing when attempting to confirm slot that
//    will be boot next time"), so it changes nothing; measured: the M0 swap build answers it with the
//    image list, the mps2 RAM-load build with {rc: 8} (as MCUboot's boot_serial.c `bs_list_set` does
//    without MCUBOOT_SERIAL_IMG_GRP_IMAGE_STATE).
// 3. Otherwise swap mode is assumed, and the job falls back at the first rc 8 to its test/confirm write.
import type { SmpBootMode } from '../../../shared/domain.ts';
import { SmpTimeoutError } from './smp-client.ts';
import { SMP_OP } from './smp-frame.ts';
import {
  imageStateWriteRequest,
  SMP_GROUP,
  SmpDeviceError,
  type CborMap,
  type ImageSlotState,
  type SmpRequest,
} from './smp-messages.ts';
import {
  bootloaderWithoutModeSummary,
  MCUBOOT_MODES,
  modeSummary,
  STATE_WRITES_ACCEPTED,
  STATE_WRITES_NOT_SUPPORTED,
  SWAP_ASSUMED,
} from './boot-mode-messages.ts';

export const OS_BOOTLOADER_INFO_ID = 8;
const MGMT_ERR_ENOTSUP = 8;
/** Each question is answered at once or not at all: a board without the command says rc 8 right away. */
export const BOOT_MODE_TIMEOUT_MS = 2_000;

/** The one thing the read needs from a session: a request with its own timeout. */
export interface SmpRequester {
  request(request: SmpRequest, timeoutMs: number): Promise<CborMap>;
}

export function bootloaderInfoRequest(query?: 'mode'): SmpRequest {
  return {
    op: SMP_OP.read,
    group: SMP_GROUP.os,
    id: OS_BOOTLOADER_INFO_ID,
    body: query ? { query } : {},
    what: query ? 'bootloader mode' : 'bootloader info',
  };
}

/** The board said "not supported" (MGMT_ERR_ENOTSUP as a plain rc: Zephyr's and MCUboot's answer to a command it lacks). */
export function isNotSupported(error: unknown): boolean {
  return error instanceof SmpDeviceError && error.smp.shape === 1 && error.smp.rc === MGMT_ERR_ENOTSUP;
}

/** From the two bootloader-info answers; null when they say nothing usable about state writes. */
export function bootModeFromInfo(
  bootloader: string | null,
  mode: number | null,
  noDowngrade: boolean,
): SmpBootMode | null {
  const facts = mode === null ? undefined : MCUBOOT_MODES[mode];
  if (!facts) return null;
  const name = bootloader ?? 'MCUboot';
  return {
    bootloader: name,
    mode: facts.words,
    stateWrites: facts.stateWrites,
    source: 'bootloader-info',
    summary: modeSummary(name, facts, noDowngrade),
  };
}

/** Recorded when the board answered a state write with rc 8 (the probe, or the push's test/confirm). */
export function stateWritesRefused(bootloader: string | null = null): SmpBootMode {
  return { bootloader, mode: null, stateWrites: false, source: 'rc8-answer', summary: STATE_WRITES_NOT_SUPPORTED };
}

export function swapAssumed(bootloader: string | null = null): SmpBootMode {
  return {
    bootloader,
    mode: null,
    stateWrites: true,
    source: 'assumed',
    summary: bootloader ? `${bootloaderWithoutModeSummary(bootloader)} ${SWAP_ASSUMED}` : SWAP_ASSUMED,
  };
}

function stateWritesAccepted(bootloader: string | null): SmpBootMode {
  return { bootloader, mode: null, stateWrites: true, source: 'confirm-probe', summary: STATE_WRITES_ACCEPTED };
}

/** The image running now (image 0: the active entry, else slot 0), as the plan reads it. */
function running(slots: ImageSlotState[]): ImageSlotState | null {
  const primary = slots.filter((s) => s.image === 0);
  return primary.find((s) => s.active) ?? primary.find((s) => s.slot === 0) ?? null;
}

/** The probe is sent only when it cannot change anything: the running image confirmed, nothing staged. */
export function probeIsHarmless(slots: ImageSlotState[]): boolean {
  const now = running(slots);
  return Boolean(now?.confirmed) && !slots.some((s) => s.pending || s.permanent);
}

/** One question; null when the board answers "not supported" or nothing in time (other errors propagate). */
async function ask(client: SmpRequester, request: SmpRequest, timeoutMs: number): Promise<CborMap | null> {
  try {
    return await client.request(request, timeoutMs);
  } catch (error) {
    if (error instanceof SmpTimeoutError) return null;
    if (error instanceof SmpDeviceError) return null;
    throw error;
  }
}

/**
 * Reads the boot mode: bootloader info, else the harmless probe (only when `probeIsHarmless(slots)`),
 * else swap assumed. Bounded: at most three requests of `timeoutMs` each. A dropped link propagates.
 */
export async function readBootMode(
  client: SmpRequester,
  slots: ImageSlotState[],
  timeoutMs = BOOT_MODE_TIMEOUT_MS,
): Promise<SmpBootMode> {
  const info = await ask(client, bootloaderInfoRequest(), timeoutMs);
  const bootloader = typeof info?.bootloader === 'string' ? info.bootloader : null;
  if (info) {
    const answer = await ask(client, bootloaderInfoRequest('mode'), timeoutMs);
    const mode = typeof answer?.mode === 'number' && Number.isInteger(answer.mode) ? answer.mode : null;
    const known = bootModeFromInfo(bootloader, mode, answer?.['no-downgrade'] === true);
    if (known) return known;
  }
  if (!probeIsHarmless(slots)) return swapAssumed(bootloader);
  try {
    await client.request(imageStateWriteRequest(null, true), timeoutMs);
    return stateWritesAccepted(bootloader);
  } catch (error) {
    if (isNotSupported(error)) return stateWritesRefused(bootloader);
    // Any other refusal comes from a state-write handler that exists: the board can write state.
    if (error instanceof SmpDeviceError) return stateWritesAccepted(bootloader);
    if (error instanceof SmpTimeoutError) return swapAssumed(bootloader);
    throw error;
  }
}
