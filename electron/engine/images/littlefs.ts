// LittleFS filesystem images, as `mklittlefs` (Arduino IDE "Upload LittleFS", PlatformIO `buildfs`)
// writes them: block 0 is the superblock's metadata pair, which starts with a 32-bit revision count,
// then the first tag, then the name "littlefs" (littlefs SPEC.md). ArduinoOTA writes such an image to
// the board's filesystem partition with command 100 (U_FS). SPIFFS images carry no magic, so only
// LittleFS is recognised.
import { fact, type ImageFormat } from './image-format.ts';

const LABEL = 'LittleFS filesystem image';
const MAGIC = 'littlefs';

export const littlefsFormat: ImageFormat = {
  id: 'littlefs',
  label: LABEL,
  detect: (head) => head.length >= 16 && head.toString('latin1', 8, 16) === MAGIC,

  async inspect(file) {
    return {
      formatLabel: LABEL,
      facts: [fact('Filesystem', 'LittleFS (superblock "littlefs" at byte 8)')],
      version: file.versionMarker,
      pushableWith: ['arduino-ota'],
      warnings: [
        "A filesystem image replaces the board's whole filesystem partition: files the sketch wrote there are lost.",
      ],
      problem: null,
    };
  },
};
