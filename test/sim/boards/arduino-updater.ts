// What the Arduino `Update` class makes of an uploaded image, per core. The two cores check in a
// different order, and it shows in the messages a client gets:
//  - ESP8266 (`cores/esp8266/Updater.cpp`): write() refuses data beyond the capacity (ERROR[4]);
//    the magic byte and the header's flash size are only checked at end() (ERROR[10], ERROR[9]).
//    printError format: `ERROR[<n>]: <text>\n`.
//  - ESP32 (`libraries/Update/src/Updater.cpp`): the magic byte is checked when the first 4 KiB
//    sector is flushed, so it wins over "Not Enough Space"; gzip is not accepted. printError is a
//    bare `println(<text>)`, i.e. `<text>\r\n`.

export type ArduinoVariant = 'esp8266' | 'esp32';
export type UpdateTarget = 'firmware' | 'filesystem';

export interface UpdaterLimits {
  /** Bytes Update.begin() was given for this target. */
  capacity: number;
  /** ESP8266: real flash chip size, for the header's flash-size nibble check. */
  flashChipRealSize: number;
}

// ESP8266 header byte 3 high nibble → flash size (ESP.magicFlashChipSize).
const ESP8266_FLASH_SIZES: Record<number, number> = {
  0: 0x80000,
  1: 0x40000,
  2: 0x100000,
  3: 0x200000,
  4: 0x400000,
  8: 0x800000,
  9: 0x1000000,
};

/** HTTPUpdateServer's firmware capacity: (free sketch space − 4 KiB) rounded down to 4 KiB. */
export function firmwareCapacity(freeSketchSpace: number): number {
  return Math.max(0, (freeSketchSpace - 0x1000) & 0xfffff000);
}

function esp8266Error(code: number, text: string): string {
  return `ERROR[${code}]: ${text}\n`;
}

function checkEsp8266(target: UpdateTarget, image: Buffer, limits: UpdaterLimits): string | null {
  if (image.length > limits.capacity) return esp8266Error(4, 'Not Enough Space');
  if (image.length === 0) return esp8266Error(13, 'No data supplied');
  if (target === 'filesystem') return null;
  const gzip = image[0] === 0x1f && image[1] === 0x8b;
  if (gzip) return null;
  if (image[0] !== 0xe9) return esp8266Error(10, 'Magic byte is not 0xE9');
  const declared = ESP8266_FLASH_SIZES[(image[3] ?? 0) >> 4] ?? 0;
  if (declared > limits.flashChipRealSize)
    return esp8266Error(9, `new Flash config wrong, real size: ${limits.flashChipRealSize}`);
  return null;
}

function checkEsp32(target: UpdateTarget, image: Buffer, limits: UpdaterLimits): string | null {
  if (target === 'firmware' && image.length > 0 && image[0] !== 0xe9) return 'Wrong Magic Byte\r\n';
  if (image.length > limits.capacity) return 'Not Enough Space\r\n';
  // end() with nothing written cannot make the partition bootable.
  if (target === 'firmware' && image.length === 0) return 'Flash Read Failed\r\n';
  return null;
}

/** The Updater error as `printError` would print it, or null when the image would be applied. */
export function updaterError(
  variant: ArduinoVariant,
  target: UpdateTarget,
  image: Buffer,
  limits: UpdaterLimits,
): string | null {
  return variant === 'esp8266' ? checkEsp8266(target, image, limits) : checkEsp32(target, image, limits);
}
