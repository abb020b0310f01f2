// ESP8266 NONOS SDK "v2" OTA images (user1.bin / user2.bin, first byte 0xEA), as esp-link and the SDK's
// own upgrade code flash them. Layout (ESP8266_NONOS_SDK tools/gen_appbin.py, esptool
// ESP8266V2FirmwareImage), little-endian:
//   0xEA, 4, byte 2, byte 3 (generator-dependent), entry u32, 0 u32, irom length u32, irom0 text
//   a standard 0xE9 image (.text/.data/.rodata) whose checksum covers only its own segments
//   a 4-byte CRC-32 trailer over everything before it (the SDK's "esp8266_crc32" variant)
// Besides the file's own integrity we run the header checks esp-link runs on the first piece it
// receives (cgiflash.c check_header, lan-protocols.md §1.2), with its words, so a file it would refuse
// is refused here first; and we weigh which slot the file was linked for (esp8266-slot-evidence.ts).
import { basename } from 'node:path';
import { crc32 } from 'node:zlib';
import type { ImageFact } from '../../../shared/domain.ts';
import { byteCount, fact, firstBytes, hex, hexByte, type FormatReport, type ImageFormat } from './image-format.ts';
import { streamRange, type ImageFile } from './image-file.ts';
import { SLOT_LAYOUTS, readSlotEvidence } from './esp8266-slot-evidence.ts';
import { ESP8266_LIMIT } from './size-limits.ts';
import * as say from './esp-messages.ts';
import {
  ESP_IMAGE_MAGIC,
  checksumFact,
  flashFrequencyName,
  flashModeName,
  flashSizeName,
  segmentList,
  walkEspImage,
} from './esp-image.ts';

const LABEL = 'ESP8266 OTA image v2 (user1/user2, 0xEA)';
const V2_MAGIC = 0xea;
const V2_HEADER_BYTES = 16;
const CRC_TRAILER_BYTES = 4;

/** zlib CRC-32, then inverted when bit 31 is set, else plus one: what gen_appbin appends. */
export function esp8266Crc32(zlibCrc: number): number {
  return (zlibCrc & 0x80000000 ? zlibCrc ^ 0xffffffff : zlibCrc + 1) >>> 0;
}

function failed(problem: string, facts: ImageFact[]): FormatReport {
  return { formatLabel: LABEL, facts, version: null, pushableWith: [], warnings: [], problem };
}

/** esp-link's check_header, in its own words; null when the header passes. */
export function espLinkHeaderProblem(header: Buffer): string | null {
  const refuse = (words: string, why: string) =>
    `${why} esp-link refuses such a file ("${words}"), and the SDK bootloader could not start it. Rebuild it as an SDK OTA image (boot v1.2+, user1/user2).`;
  if (header[1] !== 4) return refuse('bad flash header', `Byte 1 of the header is ${hexByte(header[1]!)}, not 4.`);
  if (header[2]! > 3)
    return refuse(
      'bad flash header',
      `Byte 2 (flash mode) is ${hexByte(header[2]!)}; valid modes are 0–3 (QIO, QOUT, DIO, DOUT).`,
    );
  if (header[3]! >> 4 > 6)
    return refuse('bad flash header', `Byte 3 declares flash size map ${header[3]! >> 4}; esp-link accepts maps 0–6.`);
  if (header.readUInt16LE(6) !== 0x4010)
    return refuse('Invalid entry addr', `The entry point ${hex(header.readUInt32LE(4))} is not in IRAM (0x4010xxxx).`);
  if (header.readUInt32LE(8) !== 0)
    return refuse('Invalid start offset', `The irom segment offset is ${hex(header.readUInt32LE(8))}, not 0.`);
  return null;
}

export const esp8266OtaV2Format: ImageFormat = {
  id: 'esp8266-ota-v2',
  label: LABEL,
  detect: (head) => head[0] === V2_MAGIC,
  sizeLimit: () => ESP8266_LIMIT,

  async inspect(file) {
    const header = file.head.subarray(0, V2_HEADER_BYTES);
    if (header.length < V2_HEADER_BYTES) {
      return failed(
        `The file is only ${byteCount(file.size)}: it starts like an ESP8266 user1/user2 image (0xEA) but is truncated. Rebuild it or download it again.`,
        [],
      );
    }
    const headerProblem = espLinkHeaderProblem(header);
    if (headerProblem)
      return failed(
        `The file starts with 0xEA like an ESP8266 user1/user2 image, but its header is wrong. ${headerProblem}`,
        [fact('Header', firstBytes(header, 16))],
      );
    const entry = header.readUInt32LE(4);
    const iromLength = header.readUInt32LE(12);
    const facts: ImageFact[] = [
      fact('Chip', 'ESP8266'),
      fact('Entry point', hex(entry)),
      fact('irom0 length', byteCount(iromLength)),
      // SDK ≥ 2.0 gen_appbin writes the app number here, esp-link 0/1, esptool the flash byte.
      fact('Header byte 3', `${hexByte(header[3]!)} (app number on SDK ≥ 2.0 builds; only a hint at the slot)`),
    ];
    const innerOffset = V2_HEADER_BYTES + iromLength;
    const innerHead = await file.readAt(innerOffset, 8);
    if (innerHead.length < 8) {
      return failed(say.userImageTruncated(iromLength, file.size), facts);
    }
    if (innerHead[0] !== ESP_IMAGE_MAGIC) {
      return failed(say.noSecondHeader(innerOffset, innerHead[0]!), facts);
    }
    const walk = await walkEspImage(file, innerOffset, 'esp8266');
    if (!walk.ok) return failed(walk.problem, facts);
    const inner = walk.image;
    const sizeMap = inner.flashSizeFreq >> 4;
    facts.splice(
      1,
      0,
      fact('Flash mode', flashModeName(inner.flashMode)),
      fact('Flash size', flashSizeName('esp8266', inner.flashSizeFreq)),
      fact('Size map', `${sizeMap} (${SLOT_LAYOUTS[sizeMap] ?? 'unknown layout'})`),
      fact('Flash frequency', flashFrequencyName('esp8266', inner.flashSizeFreq, null)),
    );
    // The SDK bootloader loads the inner 0xE9 image and jumps to its entry; the outer one only
    // satisfies esp-link's header check.
    facts.splice(6, 0, fact('Inner entry point', hex(inner.entry)));
    facts.push(fact('Inner header byte 3', hexByte(inner.flashSizeFreq)));
    facts.push(fact('Segments', segmentList(inner.segments)));
    facts.push(fact('Checksum', checksumFact(inner)));
    const slotEvidence = await readSlotEvidence(file, basename(file.path), header[3]!, sizeMap);
    facts.push(
      fact(
        'Linked for',
        slotEvidence.linkedSlot
          ? `slot ${slotEvidence.linkedSlot} (user${slotEvidence.linkedSlot}.bin)`
          : 'cannot tell',
      ),
    );
    facts.push(
      fact(
        'irom references',
        `slot 1: ${slotEvidence.iromReferences.slot1}, slot 2: ${slotEvidence.iromReferences.slot2}${slotEvidence.iromDecisive ? '' : ' (not decisive)'}`,
      ),
    );

    const warnings = [say.ESP_LINK_ONLY];
    if (slotEvidence.contradiction) warnings.push(slotEvidence.contradiction);
    let problem: string | null = null;
    if (inner.storedChecksum !== inner.computedChecksum) {
      problem = `The image checksum does not match (${checksumFact(inner)}): the file is corrupted. Rebuild it or download it again.`;
    }
    if (inner.entry !== entry) {
      warnings.push(say.entryPointsDiffer(entry, inner.entry));
    }
    const trailer = await checkCrcTrailer(file, inner.end);
    facts.push(fact(trailer.label, trailer.value));
    if (trailer.warning) warnings.push(trailer.warning);
    problem ??= trailer.problem;
    return {
      formatLabel: LABEL,
      facts,
      version: file.versionMarker,
      pushableWith: problem ? [] : ['esp-link'],
      warnings,
      problem,
      slotEvidence,
    };
  },
};

interface TrailerCheck {
  label: string;
  value: string;
  warning: string | null;
  problem: string | null;
}

/**
 * The 4-byte CRC-32 gen_appbin appends after the inner image's checksum. Missing, it is only a
 * warning: we cannot tell an old build without one from a file cut by exactly 4 bytes. A partial
 * trailer (1–3 bytes) is a cut file; bytes after a valid CRC are reported.
 */
async function checkCrcTrailer(file: ImageFile, imageEnd: number): Promise<TrailerCheck> {
  const extra = file.size - imageEnd;
  if (extra === 0) {
    return {
      label: 'CRC-32 trailer',
      value: 'absent',
      warning: say.NO_CRC_TRAILER,
      problem: null,
    };
  }
  if (extra < CRC_TRAILER_BYTES) {
    return {
      label: 'CRC-32 trailer',
      value: `cut: only ${extra} of 4 bytes`,
      warning: null,
      problem: `The file ends ${extra} byte${extra === 1 ? '' : 's'} into the 4-byte CRC-32 trailer that follows the image: it was cut short (or has stray bytes). Rebuild it or download it again.`,
    };
  }
  let crc = 0;
  await streamRange(file, 0, imageEnd, (data) => {
    crc = crc32(data, crc);
  });
  const stored = (await file.readAt(imageEnd, 4)).readUInt32LE(0);
  const computed = esp8266Crc32(crc);
  if (stored !== computed) {
    return {
      label: 'CRC-32 trailer',
      value: `mismatch: stored ${hex(stored)}, computed ${hex(computed)}`,
      warning: null,
      problem:
        extra === CRC_TRAILER_BYTES
          ? 'The CRC-32 at the end of the file does not match its content: the file is corrupted. Rebuild it or download it again.'
          : say.strayTrailer(extra, stored, computed),
    };
  }
  const after = extra - CRC_TRAILER_BYTES;
  return {
    label: 'CRC-32 trailer',
    value: `valid (${hex(stored)})${after > 0 ? `, then ${after} more bytes` : ''}`,
    warning:
      after > 0
        ? `The file has ${after} bytes after its CRC-32 trailer, where gen_appbin writes nothing: check that it is the file your build produced.`
        : null,
    problem: null,
  };
}
