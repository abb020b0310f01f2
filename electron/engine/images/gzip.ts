// gzip-compressed images. The Arduino-ESP8266 updater accepts them (first byte 0x1f, eboot inflates
// while copying; elf2bin.py --gzip produces them); the ESP32 updater does not. We inflate the whole
// stream once (never holding it) to check it is intact, to see what it contains and to find a
// version marker inside.
import { createGunzip } from 'node:zlib';
import type { ImageFact } from '../../../shared/domain.ts';
import { byteCount, fact, firstBytes, type FormatReport, type ImageFormat } from './image-format.ts';
import { HEAD_BYTES, type ImageFile } from './image-file.ts';
import { createVersionMarkerScanner } from './version-marker.ts';
import { ESP_IMAGE_MAGIC, flashSizeName, guessEspChip } from './esp-image.ts';
import { recogniseContent } from './unknown.ts';
import { ESP8266_LIMIT } from './size-limits.ts';
import * as say from './esp-messages.ts';

const LABEL = 'gzip-compressed image';
/** Stop inflating past the largest ESP8266 flash: nothing bigger fits, and a zip bomb must not hang the app. */
const MAX_INFLATED_BYTES = ESP8266_LIMIT.bytes;
const ESP32_WARNING = 'ESP32 boards do not accept gzip-compressed images: push the uncompressed .bin to an ESP32.';

interface Inflated {
  head: Buffer;
  size: number;
  versionMarker: string | null;
  error: string | null;
  capped: boolean;
}

async function inflate(file: ImageFile): Promise<Inflated> {
  const gunzip = createGunzip();
  const marker = createVersionMarkerScanner();
  const headParts: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  let capped = false;
  const failure: { read: Error | null } = { read: null };
  const source = file.handle.createReadStream({ start: 0, autoClose: false, highWaterMark: 256 * 1024 });
  const done = new Promise<string | null>((resolve) => {
    gunzip.on('data', (chunk: Buffer) => {
      if (headLength < HEAD_BYTES) {
        headParts.push(chunk.subarray(0, HEAD_BYTES - headLength));
        headLength += Math.min(chunk.length, HEAD_BYTES - headLength);
      }
      marker.push(chunk);
      size += chunk.length;
      if (size > MAX_INFLATED_BYTES && !capped) {
        capped = true;
        source.unpipe(gunzip);
        source.destroy();
        gunzip.destroy();
        resolve(null);
      }
    });
    gunzip.on('end', () => resolve(null));
    gunzip.on('error', (error) => resolve(error.message));
    // A read failure is an I/O error, not bad content: it must reach the caller as such.
    source.on('error', (error) => {
      failure.read = error;
      resolve(null);
    });
  });
  source.pipe(gunzip);
  const error = await done;
  if (failure.read) throw failure.read;
  return { head: Buffer.concat(headParts), size, versionMarker: marker.finish(), error, capped };
}

function failed(problem: string, facts: ImageFact[]): FormatReport {
  return { formatLabel: LABEL, facts, version: null, pushableWith: [], warnings: [], problem };
}

export const gzipFormat: ImageFormat = {
  id: 'gzip',
  label: LABEL,
  detect: (head) => head[0] === 0x1f && head[1] === 0x8b,
  // Only the ESP8266 updater takes gzip.
  sizeLimit: () => ESP8266_LIMIT,

  async inspect(file) {
    const inflated = await inflate(file);
    const facts: ImageFact[] = [fact('Compressed size', byteCount(file.size))];
    if (inflated.error !== null) {
      return failed(
        `The gzip data is damaged or truncated (${inflated.error}) after ${byteCount(inflated.size)} of output. Rebuild the image or download it again.`,
        facts,
      );
    }
    facts.push(
      fact(
        'Uncompressed size',
        inflated.capped ? `more than ${byteCount(MAX_INFLATED_BYTES)}` : byteCount(inflated.size),
      ),
    );
    if (inflated.capped) {
      return failed(
        `The gzip data inflates to more than ${byteCount(MAX_INFLATED_BYTES)}, ${ESP8266_LIMIT.what}: no board could take it, so this is not a compressed firmware image.`,
        facts,
      );
    }
    const inner = inflated.head;
    if (inner[0] !== ESP_IMAGE_MAGIC) {
      const guess = recogniseContent(inner, inflated.size);
      facts.push(fact('Contains', guess.kind));
      return failed(say.gzipOfSomethingElse(guess.kind, firstBytes(inner)), facts);
    }
    const chip = guessEspChip(inner);
    if (chip === 'esp32') {
      facts.push(fact('Contains', 'ESP32 application image'));
      return { ...failed(`This is a gzip-compressed ESP32 image. ${ESP32_WARNING}`, facts) };
    }
    facts.push(
      fact('Contains', chip === 'esp8266' ? 'ESP8266 application image (0xE9)' : 'an 0xE9 image of unknown layout'),
    );
    if (chip === 'esp8266') facts.push(fact('Flash size', flashSizeName('esp8266', inner[3]!)));
    const warnings = [ESP32_WARNING];
    if (chip === null)
      warnings.push(
        'The compressed image starts with 0xE9 but its header does not look like an ESP8266 image: check that it is the file your build produced.',
      );
    const version = inflated.versionMarker ?? file.versionMarker;
    if (version) facts.push(fact('Version', `${version} (OTA_BENCH_VERSION marker)`));
    return {
      formatLabel: 'gzip-compressed ESP8266 image',
      facts,
      version,
      pushableWith: ['arduino-esp8266', 'arduino-ota'],
      warnings,
      problem: null,
    };
  },
};
