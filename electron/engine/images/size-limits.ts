// No board takes more than its flash, so no file larger than the largest flash of the boards a format
// is for can be pushed. Inspection checks the size first, from the file system, and refuses such a
// file at once instead of hashing gigabytes (a sparse 8 GiB file took 39 s and was "pushable").
import { formatBytes } from '../../../shared/format.ts';
import { byteCount, type SizeLimit } from './image-format.ts';

export type { SizeLimit } from './image-format.ts';

const MiB = 1024 * 1024;

/** The ESP8266 addresses at most 16 MiB of flash (esptool's largest size code, 16MB). */
export const ESP8266_LIMIT: SizeLimit = { bytes: 16 * MiB, what: 'the 16 MiB of flash the largest ESP8266 has' };
/** The largest flash an ESP32-family image header can declare (size code 7, 128MB). */
export const ESP32_LIMIT: SizeLimit = {
  bytes: 128 * MiB,
  what: 'the 128 MiB of flash the largest ESP32-family board has',
};
/** Every board OTA Bench pushes to (ESP8266, ESP32 family, MCUboot devices, Mongoose OS) fits in this. */
export const ANY_BOARD_LIMIT: SizeLimit = {
  bytes: 128 * MiB,
  what: 'the 128 MiB of flash the largest board OTA Bench supports has',
};

/** The refusal for a file over `limit`, or null. */
export function sizeProblem(size: number, limit: SizeLimit): string | null {
  if (size <= limit.bytes) return null;
  return `The file is ${formatBytes(size)} (${byteCount(size)}), more than ${limit.what}: no board could take it, so OTA Bench did not read it further. Pick the firmware image your build produced.`;
}
