// What inspection says about an ESP8266/ESP32 file that is not the application image an OTA updater
// takes, or that a board would not boot: what the file is, why it would fail, and what to pick instead.
import { withArticle } from '../format.ts';
import { byteCount, hex, hexByte } from './image-format.ts';

const REDO = 'Rebuild it or download it again.';
const APP_BIN_ONLY =
  'OTA needs the application .bin alone (e.g. .pio/build/<env>/firmware.bin, not the factory/merged file).';

export function notAnEspHeader(firstLoadAddress: number): string {
  return (
    'The file starts with 0xE9 but what follows is not an ESP8266 or ESP32 image header ' +
    `(first segment load address ${hex(firstLoadAddress)}). Pick the firmware .bin your build produced.`
  );
}

/** Follows the flash-parameters problem of an ESP8266 image whose header a bootloader would not accept. */
export const LOOKS_LIKE_BOOTLOADER =
  ' Arduino and ESPHome updaters copy the file to 0x0 as it is, so the board would not boot. ' +
  'This looks like a bootloader (e.g. rboot.bin from a Mongoose OS build), not an application.';

export function arduinoCrcMismatch(crcFact: string): string {
  return (
    `The CRC-32 the Arduino build wrote at 0x1014 does not match the file (${crcFact}): the file was changed after ` +
    "it was built. The updater would take it, but the sketch's ESP.checkFlashCRC() would then report its own flash " +
    `as corrupt. ${REDO}`
  );
}

export const NO_EBOOT =
  'This ESP8266 image has no eboot loader in front of the application. Arduino-ESP8266 OTA images put eboot at 0x0 ' +
  'and the sketch at 0x1000; without eboot the board cannot apply later Arduino OTA updates.';

export function unusualFlashMode(modeName: string): string {
  return (
    `The image asks for flash mode ${modeName}: ESP-IDF's bootloader knows it, but esptool calls it invalid and ` +
    "builds normally use QIO, QOUT, DIO or DOUT. Check the build's flash settings."
  );
}

export function mergedFlashImage(chipName: string): string {
  return `This is a merged ${chipName} flash image (bootloader, partition table and app) meant for serial flashing at 0x0. ${APP_BIN_ONLY}`;
}

export const MERGED_ESP32_BY_PADDING =
  'This looks like a merged ESP32 flash image (0xFF padding, then the bootloader at 0x1000) meant for serial ' +
  `flashing at 0x0. ${APP_BIN_ONLY}`;

export function segmentTruncated(
  where: string,
  segment: { index: number; count: number; address: number; length: number; remaining: number },
): string {
  return (
    `${where} is truncated: segment ${segment.index + 1} of ${segment.count} (load address ${hex(segment.address)}) ` +
    `needs ${byteCount(segment.length)} but only ${byteCount(segment.remaining)} remain in the file.`
  );
}

export function userImageTruncated(iromLength: number, fileSize: number): string {
  return (
    `The image is truncated: its header declares ${byteCount(iromLength)} of irom0 code, but the file ` +
    `(${byteCount(fileSize)}) ends before the second header that should follow it. ${REDO}`
  );
}

export function noSecondHeader(offset: number, found: number): string {
  return (
    `The second (0xE9) header expected at offset ${offset} holds ${hexByte(found)} instead: ` +
    `the file is corrupted or not a user1/user2 image. ${REDO}`
  );
}

export const ESP_LINK_ONLY =
  'This is an esp-link / ESP8266 SDK user1/user2 image: Arduino, ESPHome and ArduinoOTA updaters reject it with a ' +
  '"Magic byte is not 0xE9" error. Push it to an esp-link (or SDK upgrade) device only.';

export function entryPointsDiffer(outer: number, inner: number): string {
  return (
    `The outer header's entry point (${hex(outer)}) differs from the inner image's (${hex(inner)}); the bootloader ` +
    'starts the inner one. gen_appbin writes the same address in both, so the file was probably put together by hand.'
  );
}

export const NO_CRC_TRAILER =
  'The file ends right after the image checksum, without the 4-byte CRC-32 that gen_appbin appends to user1/user2 ' +
  'images: it may have been cut short by 4 bytes (or come from an SDK build that wrote none). Bootloaders that check ' +
  'the CRC will not start it; prefer the file your build produced.';

export function strayTrailer(extraBytes: number, stored: number, computed: number): string {
  return (
    `The ${extraBytes} bytes after the image do not start with its CRC-32 (stored ${hex(stored)}, computed ${hex(computed)}): ` +
    `the file is corrupted or has stray bytes. ${REDO}`
  );
}

export function sharedLinkAddressSummary(layout: string, byFileName: 1 | 2 | null, headerHint: string): string {
  const name = byFileName ? `the file name says user${byFileName}` : 'the file name does not say either';
  return `Built for a ${layout} map, where both slots are linked at 0x40201010, so the code cannot tell user1 from user2; ${name}; ${headerHint}.`;
}

export function gzipOfSomethingElse(kind: string, firstBytes: string): string {
  return (
    `This gzip file does not contain an ESP firmware image: inside is ${withArticle(kind)} (first bytes ${firstBytes}). ` +
    'Compress the firmware .bin itself, or push the uncompressed .bin.'
  );
}

export function notAPairMember(fileName: string, formatLabel: string): string {
  return (
    `${fileName} is ${withArticle(formatLabel)}, not an ESP8266 user1/user2 image: two files make a pair only when ` +
    'both are user1/user2 images of one build. Pick one file, or the user1.bin and user2.bin your build produced.'
  );
}

export function pairLayoutsDiffer(
  a: { fileName: string; layout?: string },
  b: { fileName: string; layout?: string },
): string {
  return `The two files were built for different flash layouts (${a.fileName}: ${a.layout}, ${b.fileName}: ${b.layout}): they are not from the same build.`;
}

export function pairBuildsDiffer(user1: string, user2: string, differences: string[]): string {
  return (
    `${user1} and ${user2} are not the two images of one build: they differ in ${differences.join('; ')}. The board ` +
    'would run one firmware or the other depending on the slot it picks. Pick the user1.bin and user2.bin that one build produced.'
  );
}

export function elfExecutable(arch: string): string {
  return (
    `This is an ELF executable${arch} (the linker output, e.g. firmware.elf), not a flashable image. ` +
    'Pick the .bin built next to it (e.g. .pio/build/<env>/firmware.bin) or convert it with esptool elf2image.'
  );
}

export const HTML_PAGE =
  'This is an HTML web page, not firmware: it was probably saved from a browser (e.g. a GitHub file page) instead of ' +
  'downloading the file itself. Download the raw file (on GitHub: "Download raw file") and open that.';
