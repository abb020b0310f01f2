// The sentences of ESPHome native OTA: each error byte the board can send, in words a developer can
// act on (the meanings are the firmware's: ota_backend.h, espota2.py), and what our side of the
// exchange says when the board goes quiet or asks for something this version does not speak.
import type { ResultCode } from '../../../shared/domain.ts';
import { formatBytes, formatDuration } from '../../../shared/format.ts';
import { ERROR } from './esphome-native-codec.ts';

interface BoardRefusal {
  code: ResultCode;
  words: string;
}

const REFUSALS: Record<number, BoardRefusal> = {
  [ERROR.magic]: { code: 'unsupported-protocol', words: 'The board did not recognise the ESPHome OTA greeting.' },
  [ERROR.updatePrepare]: {
    code: 'not-enough-space',
    words:
      'The board could not prepare its flash for the update: the image may be too big; restart the board and try again.',
  },
  [ERROR.authInvalid]: {
    code: 'auth-failed',
    words: 'Wrong OTA password: the board rejected it (the `ota:` `password:` in its ESPHome config).',
  },
  [ERROR.writingFlash]: {
    code: 'update-failed',
    words: 'The board failed to write the image to flash; its USB log says why.',
  },
  [ERROR.updateEnd]: {
    code: 'update-failed',
    words: 'The board could not finish the update (activating the new image failed); its USB or MQTT log says why.',
  },
  [ERROR.invalidBootstrapping]: {
    code: 'update-failed',
    words: 'Press the reset button on the board: the first OTA update after flashing over USB needs a manual reset.',
  },
  [ERROR.wrongCurrentFlashConfig]: {
    code: 'update-failed',
    words:
      'The board was flashed with the wrong flash size: choose the right `board:` (esp01_1m always works) and flash it over USB.',
  },
  [ERROR.wrongNewFlashConfig]: {
    code: 'unsupported-package',
    words:
      "The image was built for a flash size this board does not have (wrong `board:`): build for the board's flash and push again.",
  },
  [ERROR.esp8266NotEnoughSpace]: {
    code: 'not-enough-space',
    words: 'The ESP8266 has no room for this image: push a minimal firmware first (only wifi and ota), then this one.',
  },
  [ERROR.esp32NotEnoughSpace]: {
    code: 'not-enough-space',
    words: "The ESP32's OTA partition is too small for this image: the partition table must be changed over USB.",
  },
  [ERROR.noUpdatePartition]: {
    code: 'not-enough-space',
    words: 'The board has no OTA partition: flash it over USB with a partition table that has one.',
  },
  [ERROR.md5Mismatch]: {
    code: 'integrity-failure',
    words: 'The image arrived damaged (its MD5 did not match): push again.',
  },
  [ERROR.rp2040NotEnoughSpace]: {
    code: 'not-enough-space',
    words: 'The RP2040 has no room for this image.',
  },
  [ERROR.signatureInvalid]: {
    code: 'unsupported-package',
    words: 'The board refused the image: it is not signed with the key of the firmware the board runs.',
  },
  [ERROR.unsupportedOtaType]: {
    code: 'unsupported-protocol',
    words: 'The board does not take this kind of OTA update.',
  },
  [ERROR.partitionTableVerify]: {
    code: 'update-failed',
    words: 'The board could not verify the partition table update; nothing was changed.',
  },
  [ERROR.partitionTableUpdate]: {
    code: 'update-failed',
    words: 'The board failed while updating its partition table; do not reboot it, check its log and retry.',
  },
  [ERROR.unknown]: { code: 'update-failed', words: 'The board reported an unknown error; its log says more.' },
};

const hex = (byte: number) => `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;

/** The board sent an error byte while we waited for `what`. */
export function boardRefused(byte: number, what: string): BoardRefusal & { deviceMessage: string } {
  const known = REFUSALS[byte];
  return {
    code: known?.code ?? 'update-failed',
    words: known?.words ?? `The board answered ${hex(byte)} (an error this version of OTA Bench does not know).`,
    deviceMessage: `error ${hex(byte)} ${what}`,
  };
}

/** Refused with "wrong password" before it asked for one: it wants what we did not offer. */
export const refusedBeforeChallenge =
  'The board refused before asking for a password: it requires something this version of OTA Bench does not speak ' +
  '(ESPHome OTA encryption, which needs the extended OTA protocol).';

export const extendedProtocolAnswer =
  'The board answered in the extended ESPHome OTA protocol (newer OTA types, encryption), which this version of ' +
  'OTA Bench does not speak; OTA Bench did not ask for it.';

export const unsupportedVersion = (version: number) =>
  `The board speaks ESPHome OTA protocol version ${version}; OTA Bench speaks versions 1 and 2.`;

export const unexpectedByte = (byte: number, what: string) =>
  `The board answered ${hex(byte)} where ESPHome OTA expects ${what}: it may not be ESPHome's native OTA.`;

export const passwordNeeded = (kind: 'md5' | 'sha256') =>
  `The board asks for its OTA password (${kind === 'sha256' ? 'SHA-256' : 'MD5'} challenge): enter the \`ota:\` \`password:\` from its ESPHome config and push again.`;

export const closedWhileWaiting = (what: string) =>
  `The board closed the connection while OTA Bench waited for ${what} (out of memory, a network drop, or another upload at the same time).`;

export const silentWhileWaiting = (what: string, ms: number) =>
  `The board said nothing for ${formatDuration(ms / 1000)} while OTA Bench waited for ${what}.`;

export const cannotConnect = (where: string, reason: string) =>
  `Cannot connect to ESPHome OTA at ${where} (${reason}): is \`ota: - platform: esphome\` in its config, on this port?`;

export const droppedDuringTransfer = (sent: number, total: number) =>
  `The connection dropped after ${formatBytes(sent)} of ${formatBytes(total)} had been acknowledged.`;

export const cancelledDuringTransfer = (sent: number, total: number) =>
  `Cancelled by you after ${formatBytes(sent)} of ${formatBytes(total)}; the board discards a partial image and keeps its firmware.`;

export const partialDiscarded = 'The board discards a partial image, so it still runs its firmware: push again.';

export const droppedBeforeFlashed = (total: number) =>
  `All ${formatBytes(total)} arrived, then the connection ended before the board said it had flashed them.`;

export const mayHaveTaken = 'It may have taken the image; check what it runs.';

export const compressedNote = (from: number, to: number) =>
  `The board takes gzip: sending ${formatBytes(to)} (compressed from ${formatBytes(from)}).`;

export const authenticated = (kind: 'md5' | 'sha256') =>
  `Authenticated with the OTA password (${kind === 'sha256' ? 'SHA-256' : 'MD5'} challenge).`;
