// Pre-flight of an Espressif BLE OTA push (ble-protocols.md §3): the example firmware hands the bytes
// to esp_ota_write and, once it has them all, to esp_ota_end, which takes only a plain ESP32-family
// application image (0xE9). Anything else is refused here, before a byte goes out, with the reason;
// the device would otherwise take every sector and then silently stay on its old firmware.
import type { ImageInfo, PreflightCheck } from '../../../shared/domain.ts';
import { formatBytes } from '../../../shared/format.ts';
import { ESP_OTA_MAX_IMAGE_BYTES, sectorCount } from '../ble/esp-ble-ota.ts';
import { withArticle } from '../format.ts';
import { check } from './preflight-check.ts';

const chipOf = (info: ImageInfo): string | null => info.facts.find((f) => f.label === 'Chip')?.value ?? null;

/** Why this file is not one Espressif BLE OTA firmware can take, or null when it is. */
export function espBleOtaRefusal(info: ImageInfo): string | null {
  if (info.problem) return info.problem;
  switch (info.format) {
    case 'esp-app':
      if (chipOf(info) === 'ESP8266')
        return `${info.fileName} is an ESP8266 application image: Espressif BLE OTA runs on ESP32-family chips (esp-iot-solution), which take ESP32 images only.`;
      return null;
    case 'esp8266-ota-v2':
    case 'esp8266-ota-pair':
      return `${info.fileName} is an ESP8266 user1/user2 image (0xEA): Espressif BLE OTA writes a plain ESP32 application image (0xE9), built by ESP-IDF or Arduino-ESP32.`;
    case 'mcuboot':
      return `${info.fileName} is an MCUboot image: it is for MCUmgr (SMP) devices; an Espressif BLE OTA device takes a plain ESP32 application image (0xE9).`;
    default:
      return `${info.fileName} is ${withArticle(info.formatLabel)}, not an ESP32 application image (0xE9), the only kind Espressif BLE OTA firmware writes.`;
  }
}

export function espBleOtaChecks(info: ImageInfo): PreflightCheck[] {
  const refusal = espBleOtaRefusal(info);
  if (refusal) return [check('format', 'ESP32 application image', 'fail', refusal)];
  const checks: PreflightCheck[] = [
    check(
      'format',
      'ESP32 application image',
      'pass',
      `${info.formatLabel}${info.version ? `, version ${info.version}` : ''}: what esp_ota_write and esp_ota_end take.`,
    ),
  ];
  if (info.size > ESP_OTA_MAX_IMAGE_BYTES) {
    checks.push(
      check(
        'size',
        'Fits the protocol',
        'fail',
        `${formatBytes(info.size)} needs more than the 65,536 sectors of 4 KiB a sector index can count.`,
      ),
    );
  } else {
    checks.push(
      check(
        'size',
        'Size',
        'pass',
        `${formatBytes(info.size)} in ${sectorCount(info.size)} sectors of 4 KiB. The device does not say its OTA partition size over BLE: ` +
          'an image that does not fit is refused by the device at START or when it finishes.',
      ),
    );
  }
  return checks;
}
