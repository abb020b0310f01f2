// MCUmgr error codes in words (ble-protocols.md §1.3): the global `mcumgr_err_t` (v1 `rc`), and the
// v2 group codes `{err: {group, rc}}` of the OS (0) and image (1) groups. Each name comes with one
// sentence a developer can act on, and the job result it maps to.
import type { ResultCode } from '../../../shared/domain.ts';

export interface SmpErrorWords {
  name: string;
  sentence: string;
  code: ResultCode;
}

type Table = Record<number, [string, string, ResultCode?]>;

/** Global rc (zephyr include/zephyr/mgmt/mcumgr/mgmt/mgmt_defines.h). */
const MGMT_ERR: Table = {
  0: ['MGMT_ERR_EOK', 'no error'],
  1: ['MGMT_ERR_EUNKNOWN', 'the board reported an unknown error'],
  2: ['MGMT_ERR_ENOMEM', 'the board ran out of memory (or flash space for the image)', 'out-of-ram'],
  3: [
    'MGMT_ERR_EINVAL',
    'the board rejected a value in the request as invalid (offset, length, hash or image header)',
    'unsupported-package',
  ],
  4: ['MGMT_ERR_ETIMEOUT', 'the operation timed out on the board'],
  5: ['MGMT_ERR_ENOENT', 'the board has no such item (no image, no TLVs)'],
  6: [
    'MGMT_ERR_EBADSTATE',
    'the board is in the wrong state for this (a slot is in use or an image is already pending; reset or erase first)',
  ],
  7: ['MGMT_ERR_EMSGSIZE', "the response would not fit the board's SMP buffer"],
  8: ['MGMT_ERR_ENOTSUP', "the board's firmware does not support this command", 'unsupported-protocol'],
  9: ['MGMT_ERR_ECORRUPT', 'the board found corrupted data', 'integrity-failure'],
  10: ['MGMT_ERR_EBUSY', 'the board is busy with another operation; try again'],
  11: ['MGMT_ERR_EACCESSDENIED', 'the board denied access to this command', 'auth-failed'],
  12: [
    'MGMT_ERR_UNSUPPORTED_TOO_OLD',
    'the board only speaks SMP v2 and rejected an SMP v1 request',
    'unsupported-protocol',
  ],
  13: ['MGMT_ERR_UNSUPPORTED_TOO_NEW', 'the board does not speak this SMP version', 'unsupported-protocol'],
};

/** Image group v2 codes (zephyr include/zephyr/mgmt/mcumgr/grp/img_mgmt/img_mgmt.h). */
const IMG_MGMT_ERR: Table = {
  0: ['IMG_MGMT_ERR_OK', 'no error'],
  1: ['IMG_MGMT_ERR_UNKNOWN', 'the image manager reported an unknown error'],
  2: ['IMG_MGMT_ERR_FLASH_CONFIG_QUERY_FAIL', 'the board could not query its flash configuration'],
  3: ['IMG_MGMT_ERR_NO_IMAGE', 'there is no image in that slot'],
  4: ['IMG_MGMT_ERR_NO_TLVS', 'the image has no TLV area', 'unsupported-package'],
  5: ['IMG_MGMT_ERR_INVALID_TLV', 'the image has an invalid TLV', 'unsupported-package'],
  6: ['IMG_MGMT_ERR_TLV_MULTIPLE_HASHES_FOUND', 'the image has more than one hash TLV', 'unsupported-package'],
  7: ['IMG_MGMT_ERR_TLV_INVALID_SIZE', 'a TLV of the image has an invalid size', 'unsupported-package'],
  8: ['IMG_MGMT_ERR_HASH_NOT_FOUND', 'no image on the board has that hash'],
  9: [
    'IMG_MGMT_ERR_NO_FREE_SLOT',
    'the secondary slot holds a pending or confirmed image; reset the board (or erase the slot) first',
    'not-enough-space',
  ],
  10: ['IMG_MGMT_ERR_FLASH_OPEN_FAILED', 'the board could not open its flash area'],
  11: ['IMG_MGMT_ERR_FLASH_READ_FAILED', 'the board could not read its flash'],
  12: ['IMG_MGMT_ERR_FLASH_WRITE_FAILED', 'the board could not write its flash (the upload restarts from zero)'],
  13: ['IMG_MGMT_ERR_FLASH_ERASE_FAILED', 'the board could not erase its flash'],
  14: ['IMG_MGMT_ERR_INVALID_SLOT', 'the slot number is invalid'],
  15: ['IMG_MGMT_ERR_NO_FREE_MEMORY', 'the board ran out of memory', 'out-of-ram'],
  16: ['IMG_MGMT_ERR_FLASH_CONTEXT_ALREADY_SET', "the board's flash context is already set"],
  17: ['IMG_MGMT_ERR_FLASH_CONTEXT_NOT_SET', "the board's flash context is not set"],
  18: ['IMG_MGMT_ERR_FLASH_AREA_DEVICE_NULL', "the board's flash area has no device"],
  19: ['IMG_MGMT_ERR_INVALID_PAGE_OFFSET', 'the page offset is invalid'],
  20: ['IMG_MGMT_ERR_INVALID_OFFSET', 'the upload offset is invalid'],
  21: [
    'IMG_MGMT_ERR_INVALID_LENGTH',
    'the image length is invalid (missing or larger than the slot)',
    'not-enough-space',
  ],
  22: ['IMG_MGMT_ERR_INVALID_IMAGE_HEADER', 'the image header is invalid', 'unsupported-package'],
  23: [
    'IMG_MGMT_ERR_INVALID_IMAGE_HEADER_MAGIC',
    'the image does not start with the MCUboot magic (sign it with imgtool)',
    'unsupported-package',
  ],
  24: ['IMG_MGMT_ERR_INVALID_HASH', 'the hash is missing or has the wrong size', 'integrity-failure'],
  25: ['IMG_MGMT_ERR_INVALID_FLASH_ADDRESS', 'the flash address is invalid'],
  26: ['IMG_MGMT_ERR_VERSION_GET_FAILED', 'the board could not read the running version'],
  27: [
    'IMG_MGMT_ERR_CURRENT_VERSION_IS_NEWER',
    'the board runs a newer version than the image (upgrade-only upload)',
    'unsupported-package',
  ],
  28: [
    'IMG_MGMT_ERR_IMAGE_ALREADY_PENDING',
    'another image is already pending for the next boot; reset the board first',
  ],
  29: ['IMG_MGMT_ERR_INVALID_IMAGE_VECTOR_TABLE', 'the image has an invalid vector table', 'unsupported-package'],
  30: ['IMG_MGMT_ERR_INVALID_IMAGE_TOO_LARGE', 'the image is larger than the slot', 'not-enough-space'],
  31: ['IMG_MGMT_ERR_INVALID_IMAGE_DATA_OVERRUN', 'more data was sent than the announced image length'],
  32: ['IMG_MGMT_ERR_IMAGE_CONFIRMATION_DENIED', 'the board denied confirming that image'],
  33: ['IMG_MGMT_ERR_IMAGE_SETTING_TEST_TO_ACTIVE_DENIED', 'the running image cannot be marked for test'],
  34: ['IMG_MGMT_ERR_ACTIVE_SLOT_NOT_KNOWN', 'the board does not know its active slot'],
};

/** OS group v2 codes (zephyr include/zephyr/mgmt/mcumgr/grp/os_mgmt/os_mgmt.h). */
const OS_MGMT_ERR: Table = {
  0: ['OS_MGMT_ERR_OK', 'no error'],
  1: ['OS_MGMT_ERR_UNKNOWN', 'the OS group reported an unknown error'],
  2: ['OS_MGMT_ERR_INVALID_FORMAT', 'the request had an invalid format'],
  3: ['OS_MGMT_ERR_QUERY_YIELDS_NO_ANSWER', 'the query has no answer on this board'],
  4: ['OS_MGMT_ERR_RTC_NOT_SET', "the board's real-time clock is not set"],
  5: ['OS_MGMT_ERR_RTC_COMMAND_FAILED', 'the real-time clock command failed'],
  6: ['OS_MGMT_ERR_QUERY_RESPONSE_VALUE_NOT_VALID', "the query's answer is not valid"],
  7: ['OS_MGMT_ERR_HEAP_STATS_FETCH_FAILED', 'the board could not read its heap statistics'],
};

function lookup(table: Table, rc: number, unknownName: string): SmpErrorWords {
  const entry = table[rc];
  if (!entry) return { name: unknownName, sentence: `the board answered with error code ${rc}`, code: 'update-failed' };
  return { name: entry[0], sentence: entry[1], code: entry[2] ?? 'update-failed' };
}

/** Words for a v1 `rc` (global mcumgr_err_t; ≥256 are user codes). */
export function mgmtErrorWords(rc: number): SmpErrorWords {
  return lookup(MGMT_ERR, rc, rc >= 256 ? `MGMT_ERR_USER(${rc})` : `MGMT_ERR(${rc})`);
}

/** Words for a v2 `{err: {group, rc}}`. */
export function groupErrorWords(group: number, rc: number): SmpErrorWords {
  if (group === 1) return lookup(IMG_MGMT_ERR, rc, `IMG_MGMT_ERR(${rc})`);
  if (group === 0) return lookup(OS_MGMT_ERR, rc, `OS_MGMT_ERR(${rc})`);
  return {
    name: `GROUP_${group}_ERR(${rc})`,
    sentence: `management group ${group} answered with error code ${rc}`,
    code: 'update-failed',
  };
}
