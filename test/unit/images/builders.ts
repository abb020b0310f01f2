// Small firmware images built in memory for the inspector tests, so the suite means something in a
// clone without ../shared/testdata. Each builder follows the format's own generator (esptool,
// elf2bin.py, gen_appbin.py, imgtool, mos) closely enough that the inspectors cannot tell the difference.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildZip } from '../../sim/fw-zip.ts';
import { buildMcubootImage } from '../../sim/mcuboot-image.ts';
import { esp8266Crc32 } from '../../sim/esp8266-v2-image.ts';

export interface Segment {
  addr: number;
  data: Buffer;
}

/** Deterministic filler bytes (a linear congruential generator): tests stay reproducible. */
export function filler(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i += 1) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

export interface EspImageOptions {
  chip: 'esp8266' | 'esp32';
  segments: Segment[];
  flashMode?: number;
  flashSizeFreq?: number;
  entry?: number;
  /** ESP32 extended header fields. */
  chipId?: number;
  hashAppended?: boolean;
  /** Chip revisions (major * 100 + minor); ESP-IDF's defaults are 0 and 399 on the ESP32. */
  minRevFull?: number;
  maxRevFull?: number;
}

/** An 0xE9 image as esptool writes it, assuming it is placed at a 16-byte-aligned file offset. */
export function espImage(options: EspImageOptions): Buffer {
  const esp32 = options.chip === 'esp32';
  const header = Buffer.alloc(esp32 ? 24 : 8);
  header[0] = 0xe9;
  header[1] = options.segments.length;
  header[2] = options.flashMode ?? 2;
  header[3] = options.flashSizeFreq ?? (esp32 ? 0x20 : 0x40);
  header.writeUInt32LE(options.entry ?? (esp32 ? 0x40081000 : 0x40100004), 4);
  if (esp32) {
    header[8] = 0xee;
    header.writeUInt16LE(options.chipId ?? 0, 12);
    header.writeUInt16LE(options.minRevFull ?? 0, 15);
    header.writeUInt16LE(options.maxRevFull ?? 399, 17);
    header[23] = options.hashAppended ? 1 : 0;
  }
  const parts: Buffer[] = [header];
  let checksum = 0xef;
  for (const segment of options.segments) {
    const head = Buffer.alloc(8);
    head.writeUInt32LE(segment.addr, 0);
    head.writeUInt32LE(segment.data.length, 4);
    parts.push(head, segment.data);
    for (const byte of segment.data) checksum ^= byte;
  }
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  parts.push(Buffer.alloc(15 - (length % 16)), Buffer.from([checksum]));
  const image = Buffer.concat(parts);
  return options.hashAppended ? Buffer.concat([image, createHash('sha256').update(image).digest()]) : image;
}

export function esp8266App(irom = filler(2048, 7), flash: { flashMode?: number; flashSizeFreq?: number } = {}): Buffer {
  return espImage({
    chip: 'esp8266',
    entry: 0x40100004,
    ...flash,
    segments: [
      { addr: 0x40201010, data: irom },
      { addr: 0x40100000, data: filler(1024, 8) },
      { addr: 0x3ffe8000, data: filler(300, 9) },
    ],
  });
}

/** Arduino/PlatformIO ESP8266 layout: eboot image padded with 0xAA to 0x1000, then the sketch. */
export function esp8266EbootLayout(app = esp8266App()): Buffer {
  const eboot = espImage({
    chip: 'esp8266',
    entry: 0x4010f29c,
    segments: [{ addr: 0x4010f000, data: filler(1384, 3) }],
  });
  return Buffer.concat([eboot, Buffer.alloc(0x1000 - eboot.length, 0xaa), app]);
}

/**
 * What tools/elf2bin.py add_crc does to an Arduino-ESP8266 build: the file length at 0x1010 and, at
 * 0x1014, eboot's CRC (bit by bit, as elf2bin's crc8266 computes it) of the file with both words 0.
 */
export function arduinoCrcPatch(image: Buffer): Buffer {
  const out = Buffer.from(image);
  out.writeUInt32LE(0, 0x1010);
  out.writeUInt32LE(0, 0x1014);
  let crc = 0xffffffff;
  for (const byte of out) {
    for (let mask = 0x80; mask > 0; mask >>= 1) {
      let bit = (crc & 0x80000000) !== 0;
      if (byte & mask) bit = !bit;
      crc = (crc << 1) >>> 0;
      if (bit) crc = (crc ^ 0x04c11db7) >>> 0;
    }
  }
  out.writeUInt32LE(out.length, 0x1010);
  out.writeUInt32LE(crc, 0x1014);
  return out;
}

/** esp_app_desc_t with the fields the inspector reads. */
export function appDescriptor(version: string, project: string, idf = 'v5.1.4'): Buffer {
  const desc = Buffer.alloc(256);
  desc.writeUInt32LE(0xabcd5432, 0);
  desc.write(version, 16, 'latin1');
  desc.write(project, 48, 'latin1');
  desc.write('12:00:00', 80, 'latin1');
  desc.write('Jan  1 2025', 96, 'latin1');
  desc.write(idf, 112, 'latin1');
  return desc;
}

export function esp32App(
  options: {
    chipId?: number;
    version?: string;
    hashAppended?: boolean;
    extra?: Buffer;
    flashSizeFreq?: number;
    flashMode?: number;
    minRevFull?: number;
    maxRevFull?: number;
  } = {},
): Buffer {
  const drom = Buffer.concat([
    options.version ? appDescriptor(options.version, 'blink') : filler(256, 4),
    filler(1024, 5),
  ]);
  return espImage({
    chip: 'esp32',
    chipId: options.chipId ?? 0,
    hashAppended: options.hashAppended ?? true,
    flashSizeFreq: options.flashSizeFreq,
    flashMode: options.flashMode,
    minRevFull: options.minRevFull,
    maxRevFull: options.maxRevFull,
    segments: [
      {
        addr: options.chipId === 9 ? 0x3c020020 : 0x3f400020,
        data: Buffer.concat([drom, options.extra ?? Buffer.alloc(0)]),
      },
      { addr: 0x3ffb0000, data: filler(512, 6) },
      { addr: options.chipId === 9 ? 0x42000020 : 0x400d0020, data: filler(4096, 7) },
    ],
  });
}

/** SDK gen_appbin.py v2 image: 0xEA header, irom0 text, inner 0xE9 image, CRC-32 trailer. */
export function esp8266V2Image(
  options: { appNumber?: number; flashSizeFreq?: number; irom?: Buffer; outerEntry?: number } = {},
): Buffer {
  const irom = options.irom ?? filler(4096, 11);
  const header = Buffer.alloc(16);
  header[0] = 0xea;
  header[1] = 4;
  header[3] = options.appNumber ?? 1;
  header.writeUInt32LE(options.outerEntry ?? 0x40100004, 4);
  header.writeUInt32LE(irom.length, 12);
  const inner = espImage({
    chip: 'esp8266',
    flashMode: 0,
    flashSizeFreq: options.flashSizeFreq ?? 0x40,
    segments: [
      { addr: 0x40100000, data: filler(1200, 12) },
      { addr: 0x3ffe8000, data: filler(256, 13) },
      { addr: 0x3ffe8100, data: filler(100, 14) },
    ],
  });
  const body = Buffer.concat([header, irom, inner]);
  const trailer = Buffer.alloc(4);
  trailer.writeUInt32LE(esp8266Crc32(body), 0);
  return Buffer.concat([body, trailer]);
}

/** imgtool-style MCUboot image (the simulators' builder): 32-byte header, 1,000-byte payload, SHA256 TLV. */
export function mcubootImage(options: { version?: [number, number, number, number]; flags?: number } = {}): Buffer {
  return buildMcubootImage({ version: options.version ?? [1, 2, 3, 4], flags: options.flags, payloadSize: 1000 });
}

export interface ZipEntry {
  name: string;
  data: Buffer;
  deflate?: boolean;
}

/** The simulators' ZIP writer, with this file's `deflate` spelling. */
export function zip(entries: ZipEntry[]): Buffer {
  return buildZip(entries.map((entry) => ({ name: entry.name, data: entry.data, compressed: entry.deflate })));
}

export function mongooseManifest(overrides: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify(
      {
        name: 'blink',
        platform: 'esp32',
        version: '1.4.2',
        build_id: '20250101-120000/main@abc',
        build_timestamp: '2025-01-01T12:00:00Z',
        parts: {
          boot: { src: 'bootloader.bin', addr: 4096, size: 1024 },
          app: { src: 'blink.bin', addr: 65536, size: 2048, type: 'app' },
        },
        ...overrides,
      },
      null,
      2,
    ),
  );
}

export function mongooseBundle(
  options: { deflate?: boolean; manifestLast?: boolean; manifest?: Buffer; folder?: string } = {},
): Buffer {
  const folder = options.folder ?? 'blink-1.4.2/';
  const manifest = {
    name: `${folder}manifest.json`,
    data: options.manifest ?? mongooseManifest(),
    deflate: options.deflate,
  };
  const files = [
    { name: `${folder}bootloader.bin`, data: filler(1024, 31), deflate: options.deflate },
    { name: `${folder}blink.bin`, data: filler(2048, 32), deflate: options.deflate },
  ];
  return zip(options.manifestLast ? [...files, manifest] : [manifest, ...files]);
}

/** A scratch directory for one test file; `write` puts a fixture in it and returns its path. */
export function scratchDir(): { dir: string; write(name: string, data: Buffer | string): string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ota-bench-images-'));
  return {
    dir,
    write(name, data) {
      const file = path.join(dir, name);
      writeFileSync(file, data);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
