// ESP8266/ESP32 app images (the 0xE9 format) built in memory, plus the `OTA_BENCH_VERSION=` marker
// convention: simulated Arduino/ESPHome boards have no version endpoint, so they read the version
// the test put into the image. Bytes are seeded: the same options always give the same image.
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

export const VERSION_MARKER = 'OTA_BENCH_VERSION=';
export const ESP_IMAGE_MAGIC = 0xe9;

export type EspChip = 'esp8266' | 'esp32';

export interface EspAppImageOptions {
  /** Total size in bytes, rounded up to a multiple of 16 (app images always are). At least 1024. */
  size: number;
  /** Embedded as `OTA_BENCH_VERSION=<version>\0` (and in the ESP32 app descriptor). */
  version?: string;
  chip?: EspChip;
  /** Header byte 3 high nibble. ESP8266: 0=512K 1=256K 2=1M 3=2M 4=4M 8=8M 9=16M; ESP32: 0=1M 1=2M 2=4M… */
  flashSizeNibble?: number;
  /** Extra seed, for two different images of the same size and version. */
  seed?: string;
}

/** Deterministic bytes: a small PRNG (mulberry32) seeded from a string. */
export function seededBytes(length: number, seed: string): Buffer {
  let state = 2166136261;
  for (const char of seed) state = Math.imul(state ^ char.charCodeAt(0), 16777619) >>> 0;
  const out = Buffer.alloc(length);
  for (let index = 0; index < length; index++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[index] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The version carried by the `OTA_BENCH_VERSION=` marker, looking inside gzip images too. */
export function findVersionMarker(image: Buffer): string | null {
  let data = image;
  if (image[0] === 0x1f && image[1] === 0x8b) {
    try {
      data = gunzipSync(image);
    } catch {
      return null;
    }
  }
  const at = data.indexOf(VERSION_MARKER, 0, 'latin1');
  if (at < 0) return null;
  const match = /^[\x21-\x7e]{1,64}/.exec(
    data.toString('latin1', at + VERSION_MARKER.length, at + VERSION_MARKER.length + 64),
  );
  return match ? match[0] : null;
}

/** esp_app_desc_t (256 bytes), which ESP-IDF puts at the start of the first (DROM) segment. */
function espAppDescriptor(version: string): Buffer {
  const desc = Buffer.alloc(256);
  desc.writeUInt32LE(0xabcd5432, 0); // ESP_APP_DESC_MAGIC_WORD
  desc.write(version.slice(0, 31), 16, 'latin1');
  desc.write('ota-bench-sim', 48, 'latin1');
  desc.write('00:00:00', 80, 'latin1');
  desc.write('Jan  1 2024', 96, 'latin1');
  desc.write('v5.1.4', 112, 'latin1');
  return desc;
}

/** Builds an app image in memory: header, two segments, 0xEF-seeded XOR checksum, ESP32 SHA-256. */
export function buildEspAppImage(options: EspAppImageOptions): Buffer {
  const chip = options.chip ?? 'esp32';
  const total = Math.max(1024, Math.ceil(options.size / 16) * 16);
  const isEsp32 = chip === 'esp32';
  const headerLength = isEsp32 ? 24 : 8;
  const hashLength = isEsp32 ? 32 : 0;
  // Segments end 3 bytes short of a 16-byte boundary, then 3 zero bytes of padding and the checksum.
  const segmentBytes = total - hashLength - 4 - headerLength - 16;
  const seed = `${chip}|${total}|${options.version ?? ''}|${options.seed ?? ''}`;

  const marker =
    options.version === undefined ? Buffer.alloc(0) : Buffer.from(`${VERSION_MARKER}${options.version}\0`, 'latin1');
  const descriptor = isEsp32 ? espAppDescriptor(options.version ?? '') : Buffer.alloc(0);
  const firstLength = Math.max(
    Math.ceil((descriptor.length + marker.length) / 4) * 4,
    Math.floor(segmentBytes / 16) * 4,
  );
  const first = seededBytes(firstLength, `${seed}|a`);
  descriptor.copy(first, 0);
  marker.copy(first, descriptor.length);
  const second = seededBytes(segmentBytes - firstLength, `${seed}|b`);

  const header = Buffer.alloc(headerLength);
  header[0] = ESP_IMAGE_MAGIC;
  header[1] = 2; // segment count
  header[2] = 2; // flash mode DIO
  header[3] = ((options.flashSizeNibble ?? (isEsp32 ? 2 : 4)) << 4) | 0x0; // 40 MHz
  header.writeUInt32LE(isEsp32 ? 0x40081000 : 0x40100004, 4);
  if (isEsp32) {
    header[8] = 0xee; // WP pin: not used
    header[23] = 1; // a SHA-256 digest is appended
  }
  const segment = (loadAddress: number, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32LE(loadAddress, 0);
    head.writeUInt32LE(data.length, 4);
    return [head, data];
  };
  let checksum = 0xef;
  for (const data of [first, second]) for (const byte of data) checksum ^= byte;
  const body = Buffer.concat([
    header,
    ...segment(isEsp32 ? 0x3f400020 : 0x3ffe8000, first),
    ...segment(isEsp32 ? 0x400d0020 : 0x40100000, second),
    Buffer.alloc(3),
    Buffer.from([checksum]),
  ]);
  return isEsp32 ? Buffer.concat([body, createHash('sha256').update(body).digest()]) : body;
}
