// The esp-link plan's longer sentences: why a file does not suit the slot or flash map the board
// reports, in the words esp-link and its bootloader would use, and what to pick instead.
import { formatBytes, formatExactBytes, formatPercent } from '../../../shared/format.ts';

export function plainAppImage(fileName: string): string {
  return (
    `${fileName} is a plain ESP application image (first byte 0xE9), such as an Arduino sketch: esp-link only takes ` +
    'SDK user1/user2 images (0xEA) and would answer "IROM magic missing". Push it to an Arduino or ESPHome updater, ' +
    "or flash it over serial; for esp-link, build with the SDK's OTA option (boot v1.2+)."
  );
}

export function slotUnknown(fileName: string, evidenceSummary: string, next: 1 | 2): string {
  return (
    `Cannot tell which slot ${fileName} was linked for (${evidenceSummary}). ` +
    `The board writes slot ${next}: make sure this is the user${next}.bin of your build.`
  );
}

export function wrongSlot(fileName: string, linkedSlot: 1 | 2, evidenceSummary: string, next: 1 | 2): string {
  return (
    `The board writes slot ${next} next, but ${fileName} is linked for slot ${linkedSlot}. ${evidenceSummary} ` +
    `It would not boot from slot ${next}: the board would crash and fall back to its current firmware. ` +
    `Pick user${next}.bin from the same build, or drop both files.`
  );
}

export function slot2AddressMismatch(flashMap: string | null): string {
  return (
    `The board reports ${flashMap}, but esp-link writes slot 2 at 0x81000 (the 512+512 address) ` +
    'while the bootloader looks for user2 at 0x101000 on this map.'
  );
}

export function layoutMismatch(
  fileName: string,
  image: { layout: string; sizeMap: number },
  board: { layout: string; flashMap: string | null },
): string {
  return (
    `${fileName} was built for a ${image.layout} map (size map ${image.sizeMap}), but the board uses ${board.layout} ` +
    `(${board.flashMap}): its code would look for itself at the wrong flash address.`
  );
}

export function flashSizesDiffer(layout: string, imageSize: string, boardSize: string): string {
  return (
    `Both use ${layout} slots; the image says ${imageSize} flash and the board ${boardSize}. ` +
    'The board keeps its own flash size setting (esp-link does not change it).'
  );
}

export function tooLargeForSlot(fileName: string, size: number, room: number): string {
  return `${fileName} is ${formatBytes(size)} (${formatExactBytes(size)}); an esp-link slot holds at most ${formatExactBytes(room)} ("Firmware image too large").`;
}

/** "503,808 of 1,044,480 bytes (48%)" */
export function fitsSlot(size: number, room: number): string {
  return `${size.toLocaleString('en-US')} of ${formatExactBytes(room)} (${formatPercent(size, room)}).`;
}

export function trailerNotValid(fileName: string, trailer: string): string {
  return (
    `${fileName}: 0xEA header as esp-link checks it and inner image checksum valid, but the CRC-32 trailer is ` +
    `${trailer}: the file may have been cut short by 4 bytes.`
  );
}
