// Plain 0xE9 application images: what Arduino-ESP8266, Arduino-ESP32, PlatformIO, ESP-IDF and ESPHome
// build and what their HTTP updaters accept. ESP8266 Arduino/PlatformIO builds are two images in one
// file: the eboot loader at 0x0, padded to 0x1000, then the sketch (esp8266/Arduino tools/elf2bin.py).
import type { ImageFact, ProtocolId } from '../../../shared/domain.ts';
import { byteCount, fact, hex, type FormatReport, type ImageFormat } from './image-format.ts';
import type { ImageFile } from './image-file.ts';
import {
  ESP_HEADER_BYTES,
  ESP_IMAGE_MAGIC,
  checksumFact,
  flashFrequencyName,
  flashModeName,
  flashParamsProblem,
  flashSizeName,
  guessEspChip,
  segmentList,
  walkEspImage,
  type EspImage,
} from './esp-image.ts';
import { esp32ChipName, revisionRange } from './esp-chips.ts';
import { ESP32_LIMIT, ESP8266_LIMIT } from './size-limits.ts';
import { ARDUINO_LENGTH_OFFSET, arduinoCrcFact, readArduinoCrc } from './arduino-crc.ts';
import * as say from './esp-messages.ts';

const LABEL = 'ESP application image (0xE9)';
const ESP8266_APP_OFFSET = 0x1000;
const ESP_IDF_APP_DESC_MAGIC = 0xabcd5432;
/** The ESP32 partition table sits at 0x8000 and starts with 0xAA 0x50 (ESP-IDF esp_partition). */
const PARTITION_TABLE_OFFSET = 0x8000;

interface AppDescriptor {
  version: string;
  projectName: string;
  idfVersion: string;
  built: string;
}

function cString(buffer: Buffer, start: number, length: number): string {
  const bytes = buffer.subarray(start, start + length);
  const nul = bytes.indexOf(0);
  return bytes
    .toString('latin1', 0, nul < 0 ? bytes.length : nul)
    .replace(/[^\x20-\x7e]/g, '')
    .trim();
}

/** esp_app_desc_t sits at the start of the first DROM segment of an ESP-IDF (and Arduino-ESP32) app. */
function findAppDescriptor(image: EspImage): AppDescriptor | null {
  for (const segment of image.segments) {
    if (segment.head.length < 144 || segment.head.readUInt32LE(0) !== ESP_IDF_APP_DESC_MAGIC) continue;
    const time = cString(segment.head, 80, 16);
    const date = cString(segment.head, 96, 16);
    return {
      version: cString(segment.head, 16, 32),
      projectName: cString(segment.head, 48, 32),
      built: `${date} ${time}`.trim(),
      idfVersion: cString(segment.head, 112, 32),
    };
  }
  return null;
}

/**
 * Newer Arduino-ESP8266 builds overwrite 8 zero bytes at 0x1010 (file length, eboot CRC) after the
 * checksum was computed, so the stored checksum matches the data as it was before that patch.
 */
async function matchesArduinoCrcPatch(file: ImageFile, app: EspImage, recordedLength: number | null): Promise<boolean> {
  if (app.offset !== ESP8266_APP_OFFSET || recordedLength === null) return false;
  const patched = await file.readAt(ARDUINO_LENGTH_OFFSET, 8);
  let undo = 0;
  for (const byte of patched) undo ^= byte;
  return (app.computedChecksum ^ undo) === app.storedChecksum;
}

function failed(problem: string, facts: ImageFact[] = []): FormatReport {
  return { formatLabel: LABEL, facts, version: null, pushableWith: [], warnings: [], problem };
}

export const espAppFormat: ImageFormat = {
  id: 'esp-app',
  label: LABEL,
  detect: (head) => head[0] === ESP_IMAGE_MAGIC,
  sizeLimit: (head) => (guessEspChip(head) === 'esp8266' ? ESP8266_LIMIT : ESP32_LIMIT),

  async inspect(file) {
    if (file.size < ESP_HEADER_BYTES + 8) {
      return failed(
        `The file is only ${byteCount(file.size)}: it starts like an ESP image (0xE9) but is truncated. Rebuild it or download it again.`,
      );
    }
    const chip = guessEspChip(file.head);
    if (chip === null) {
      return {
        ...failed(say.notAnEspHeader(file.head.readUInt32LE(8))),
        format: 'unknown',
        formatLabel: 'Unknown',
      };
    }
    const first = await walkEspImage(file, 0, chip);
    if (!first.ok) return failed(first.problem, [fact('Chip', chip === 'esp8266' ? 'ESP8266' : 'ESP32 family')]);
    let app = first.image;
    let eboot: EspImage | null = null;
    if (
      chip === 'esp8266' &&
      first.image.end <= ESP8266_APP_OFFSET &&
      file.size > ESP8266_APP_OFFSET &&
      (await file.readAt(ESP8266_APP_OFFSET, 1))[0] === ESP_IMAGE_MAGIC
    ) {
      const second = await walkEspImage(file, ESP8266_APP_OFFSET, 'esp8266');
      if (!second.ok) return failed(second.problem, [fact('Chip', 'ESP8266'), fact('Layout', 'eboot + application')]);
      eboot = first.image;
      app = second.image;
    }
    return eboot
      ? describeEsp8266(file, eboot, app)
      : chip === 'esp8266'
        ? describeEsp8266(file, null, app)
        : describeEsp32(file, app);
  },
};

async function describeEsp8266(file: ImageFile, eboot: EspImage | null, app: EspImage): Promise<FormatReport> {
  // The flash settings that count are those at offset 0: the ROM reads them, and the Arduino
  // updater compares that size nibble with the real chip.
  const boot = eboot ?? app;
  const irom = app.segments.find((s) => s.addr >= 0x40200000 && s.addr < 0x40300000);
  const facts: ImageFact[] = [
    fact('Chip', 'ESP8266'),
    fact('Layout', eboot ? 'eboot loader at 0x0 + application at 0x1000 (Arduino/PlatformIO)' : 'single image'),
    fact('Flash mode', flashModeName(boot.flashMode)),
    fact('Flash size', flashSizeName('esp8266', boot.flashSizeFreq)),
    fact('Flash frequency', flashFrequencyName('esp8266', boot.flashSizeFreq, null)),
    fact('Entry point', hex(boot.entry)),
  ];
  if (eboot) facts.push(fact('Application entry point', hex(app.entry)));
  if (irom) facts.push(fact('irom0 segment', `${byteCount(irom.length)} at ${hex(irom.addr)}`));
  facts.push(fact(eboot ? 'Application segments' : 'Segments', segmentList(app.segments)));
  const warnings: string[] = [];
  let problem: string | null = flashParamsProblem('esp8266', boot.flashMode, boot.flashSizeFreq);
  if (problem) problem += say.LOOKS_LIKE_BOOTLOADER;
  const arduinoCrc = eboot ? await readArduinoCrc(file) : null;
  for (const [name, image] of eboot
    ? ([
        ['eboot checksum', eboot],
        ['Application checksum', app],
      ] as const)
    : ([['Checksum', app]] as const)) {
    if (image.storedChecksum === image.computedChecksum) {
      facts.push(fact(name, checksumFact(image)));
    } else if (image === app && (await matchesArduinoCrcPatch(file, app, arduinoCrc?.length ?? null))) {
      facts.push(fact(name, 'valid once the length/CRC words Arduino patches in at 0x1010 are discounted'));
    } else {
      facts.push(fact(name, checksumFact(image)));
      problem ??= `The ${name.toLowerCase()} does not match (${checksumFact(image)}): the file is corrupted. Rebuild it or download it again.`;
    }
  }
  if (arduinoCrc) {
    facts.push(fact('Arduino CRC-32 (0x1014)', arduinoCrcFact(arduinoCrc)));
    if (arduinoCrc.stored !== arduinoCrc.computed) {
      problem ??= say.arduinoCrcMismatch(arduinoCrcFact(arduinoCrc));
    }
  }
  if (app.end < file.size)
    facts.push(fact('Bytes after the image', `${file.size - app.end} (e.g. an appended signature)`));
  if (!eboot) {
    warnings.push(say.NO_EBOOT);
  }
  const version = file.versionMarker;
  if (version) facts.push(fact('Version', `${version} (OTA_BENCH_VERSION marker)`));
  const pushableWith: ProtocolId[] = problem ? [] : ['arduino-esp8266', 'esphome-web', 'esphome-native', 'arduino-ota'];
  return {
    formatLabel: `ESP8266 application image${eboot ? ' (eboot + app)' : ''}`,
    facts,
    version,
    pushableWith,
    warnings,
    problem,
  };
}

async function describeEsp32(file: ImageFile, app: EspImage): Promise<FormatReport> {
  const chipId = app.chipId ?? 0;
  const chipName = esp32ChipName(chipId);
  const facts: ImageFact[] = [
    fact('Chip', chipName.includes('chip id') ? chipName : `${chipName} (chip id ${chipId})`),
    fact('Chip revision', revisionRange(app.minRevFull ?? 0, app.maxRevFull ?? 0xffff)),
    fact('Flash mode', flashModeName(app.flashMode)),
    fact('Flash size', flashSizeName('esp32', app.flashSizeFreq)),
    fact('Flash frequency', flashFrequencyName('esp32', app.flashSizeFreq, chipId)),
    fact('Entry point', hex(app.entry)),
    fact('Segments', segmentList(app.segments)),
    fact('Checksum', checksumFact(app)),
  ];
  if (app.appendedHashValid !== null)
    facts.push(fact('Appended SHA-256', app.appendedHashValid ? 'valid' : 'mismatch'));
  const descriptor = findAppDescriptor(app);
  if (descriptor) {
    facts.push(
      fact('Project', descriptor.projectName),
      fact('App version', descriptor.version),
      fact('ESP-IDF', descriptor.idfVersion),
    );
    if (descriptor.built) facts.push(fact('Built', descriptor.built));
  }
  if (file.versionMarker) facts.push(fact('Version marker', file.versionMarker));
  if (app.end < file.size)
    facts.push(fact('Bytes after the image', `${file.size - app.end} (e.g. a secure-boot signature block)`));

  const warnings: string[] = [];
  const frequency = flashFrequencyName('esp32', app.flashSizeFreq, chipId);
  if (frequency.startsWith('code') && !chipName.includes('chip id')) {
    warnings.push(
      `The flash frequency ${frequency} is not one esptool knows for the ${chipName}: check that the image was built for this chip.`,
    );
  }
  if (app.flashMode === 4 || app.flashMode === 5) {
    warnings.push(say.unusualFlashMode(flashModeName(app.flashMode)));
  }
  let problem: string | null = flashParamsProblem('esp32', app.flashMode, app.flashSizeFreq);
  if (problem) {
    problem +=
      ' An application image always carries the settings the bootloader uses; this is not one the ESP32 updaters should write.';
  } else if (app.storedChecksum !== app.computedChecksum) {
    problem = `The image checksum does not match (${checksumFact(app)}): the file is corrupted and the ESP32 would reject it. Rebuild it or download it again.`;
  } else if (app.appendedHashValid === false) {
    problem =
      'The SHA-256 appended to the image does not match its content: the file is corrupted and the ESP32 would reject it. Rebuild it or download it again.';
  } else if ((await file.readAt(PARTITION_TABLE_OFFSET, 2)).equals(Buffer.from([0xaa, 0x50]))) {
    problem = say.mergedFlashImage(chipName);
  }
  // Every app has flash-mapped DROM/IROM segments (ESP32 0x3F4…/0x400D…, S2 0x3F0…, S3/C3/C6/H2
  // 0x3C…/0x42…, C61 0x41…); a bootloader has only RAM ones. P4, E22 and S31 map flash over
  // ranges that also hold RAM, so they are left out.
  const flashMapped = app.segments.some(
    (s) =>
      (s.addr >= 0x3c000000 && s.addr < 0x3f800000) ||
      (s.addr >= 0x400d0000 && s.addr < 0x40400000) ||
      (s.addr >= 0x41000000 && s.addr < 0x44000000),
  );
  if (!flashMapped && ![18, 31, 32].includes(chipId))
    warnings.push('No segment is mapped from flash: this looks like a bootloader, not an application image.');
  const version = file.versionMarker ?? (descriptor?.version || null);
  const pushableWith: ProtocolId[] = problem
    ? []
    : ['arduino-esp32', 'esphome-web', 'esphome-native', 'arduino-ota', 'esp-ble-ota'];
  const label = chipName.includes('chip id')
    ? `ESP32-family application image (chip id ${chipId})`
    : `${chipName} application image`;
  return { formatLabel: label, facts, version, pushableWith, warnings, problem };
}
