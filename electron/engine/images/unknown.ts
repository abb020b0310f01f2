// Files that are not firmware we can push. Most wrong files are one of a few mistakes (a web page
// saved instead of the download, the ELF instead of the .bin, a HEX/UF2 meant for USB flashing, a
// merged flash image for serial flashing), so naming the mistake and the fix is worth a few checks.
import { firstBytes, type FormatReport, type ImageFormat } from './image-format.ts';
import { unsignedCortexMProblem } from './mcuboot.ts';
import * as say from './esp-messages.ts';

export interface ContentGuess {
  /** Short name for the format label, e.g. `HTML page`. */
  kind: string;
  /** A sentence (or two) saying what the file is and what to do. */
  problem: string;
}

const PICK_BIN = 'Pick the firmware .bin your build produced';
const SUPPORTED =
  'OTA Bench pushes ESP8266/ESP32 application images (.bin starting with 0xE9), gzipped ESP8266 images, ESP8266 user1/user2 images and Mongoose OS fw.zip bundles';

const ELF_MACHINES: Record<number, string> = {
  3: 'x86',
  40: 'ARM',
  62: 'x86-64',
  94: 'Xtensa (ESP8266/ESP32)',
  183: 'AArch64',
  243: 'RISC-V',
};

function textOf(head: Buffer): string {
  const start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  return head.toString('utf8', start).trimStart();
}

/** Bytes that never occur in UTF-8 text (0xC0, 0xC1, 0xF5–0xFF): erased flash is all 0xFF. */
const notUtf8 = (byte: number): boolean => byte === 0xc0 || byte === 0xc1 || byte >= 0xf5;

/** Mostly printable, no NUL, nothing that cannot be UTF-8: text of some kind. */
function looksLikeText(head: Buffer): boolean {
  if (head.length === 0 || head.includes(0)) return false;
  let printable = 0;
  for (const byte of head)
    if (byte === 9 || byte === 10 || byte === 13 || (byte >= 0x20 && byte !== 0x7f && !notUtf8(byte))) printable += 1;
  return printable / head.length > 0.97;
}

/**
 * Names what `head` (the first bytes of a file or of a decompressed stream) looks like.
 * `esp32AppAt0x1000`: the caller found an ESP image at 0x1000 (ESP32 merged flash images put the
 * bootloader there behind 0xFF padding).
 */
export function recogniseContent(head: Buffer, size: number, esp32AppAt0x1000 = false): ContentGuess {
  if (size === 0) {
    return {
      kind: 'empty file',
      problem: `The file is empty (0 bytes). ${PICK_BIN}, or rebuild it if the build failed.`,
    };
  }
  if (head.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) {
    const machine = head.length >= 20 ? (head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18)) : -1;
    const arch = ELF_MACHINES[machine] ? ` for ${ELF_MACHINES[machine]}` : '';
    return {
      kind: 'ELF executable',
      problem: say.elfExecutable(arch),
    };
  }
  if (head.subarray(0, 8).equals(Buffer.from([0x55, 0x46, 0x32, 0x0a, 0x57, 0x51, 0x5d, 0x9e]))) {
    return {
      kind: 'UF2 file',
      problem: `This is a UF2 file, meant for drag-and-drop USB bootloaders, not for OTA. ${PICK_BIN} from the same build.`,
    };
  }
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') {
    return {
      kind: 'tar archive',
      problem: `This is a tar archive. Extract it and pick the firmware .bin inside. ${SUPPORTED}.`,
    };
  }
  if (
    head.subarray(0, 4).toString('latin1') === 'PK\x03\x04' ||
    head.subarray(0, 4).toString('latin1') === 'PK\x05\x06'
  ) {
    return {
      kind: 'zip archive',
      problem: `This zip archive is not a Mongoose OS fw.zip bundle. Extract the firmware .bin from it, or build a bundle with \`mos build\`.`,
    };
  }
  if (head.subarray(0, 2).toString('latin1') === 'MZ') {
    return { kind: 'Windows program', problem: `This is a Windows program (.exe/.dll), not firmware. ${PICK_BIN}.` };
  }
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') {
    return { kind: 'PDF document', problem: `This is a PDF document, not firmware. ${PICK_BIN}.` };
  }
  if (esp32AppAt0x1000 && head.subarray(0, 16).every((b) => b === 0xff)) {
    return {
      kind: 'merged flash image',
      problem: say.MERGED_ESP32_BY_PADDING,
    };
  }
  if (head.every((b) => b === 0xff) || head.every((b) => b === 0)) {
    const fill = head[0] === 0xff ? '0xFF' : '0x00';
    return {
      kind: 'blank data',
      problem: `The file starts with nothing but ${fill} bytes (erased flash or a flash dump), not an image. ${PICK_BIN}.`,
    };
  }
  if (looksLikeText(head)) return recogniseText(textOf(head));
  const bareCortexM = unsignedCortexMProblem(head);
  if (bareCortexM) return { kind: 'unsigned ARM Cortex-M binary', problem: bareCortexM };
  return {
    kind: 'unrecognised binary',
    problem: `Unrecognised file content (first bytes ${firstBytes(head)}). ${SUPPORTED}.`,
  };
}

function recogniseText(text: string): ContentGuess {
  const lower = text.slice(0, 1024).toLowerCase();
  if (
    lower.startsWith('<!doctype html') ||
    lower.startsWith('<html') ||
    (lower.startsWith('<') && /<(html|head|body|script|div|meta)[\s>]/.test(lower))
  ) {
    return {
      kind: 'HTML page',
      problem: say.HTML_PAGE,
    };
  }
  if (/^:[0-9A-Fa-f]{10}/.test(text)) {
    return {
      kind: 'Intel HEX file',
      problem:
        'This is an Intel HEX text file. OTA pushes raw binaries: pick the .bin from the same build, or convert it with `objcopy -I ihex -O binary`.',
    };
  }
  if (/^S0[0-9A-Fa-f]{6}/.test(text)) {
    return {
      kind: 'S-record file',
      problem:
        'This is a Motorola S-record text file. OTA pushes raw binaries: pick the .bin from the same build, or convert it with `objcopy -I srec -O binary`.',
    };
  }
  if (lower.startsWith('<?xml'))
    return { kind: 'XML document', problem: `This is an XML document, not firmware. ${PICK_BIN}.` };
  if (lower.startsWith('{') || lower.startsWith('[')) {
    return {
      kind: 'JSON file',
      problem: `This is a JSON text file (a manifest or configuration?), not firmware. ${PICK_BIN}.`,
    };
  }
  const preview = text.slice(0, 40).replace(/\s+/g, ' ').trim();
  return {
    kind: 'text file',
    problem: `This is a text file ("${preview}${text.length > 40 ? '…' : ''}"), not firmware. ${PICK_BIN}.`,
  };
}

export const unknownFormat: ImageFormat = {
  id: 'unknown',
  label: 'Unknown',
  detect: () => true,

  async inspect(file): Promise<FormatReport> {
    const at0x1000 = file.size > 0x1008 ? await file.readAt(0x1000, 1) : Buffer.alloc(0);
    const guess = recogniseContent(file.head, file.size, at0x1000[0] === 0xe9);
    return {
      formatLabel: `Unknown (${guess.kind})`,
      facts: [{ label: 'Looks like', value: guess.kind }],
      version: null,
      pushableWith: [],
      warnings: [],
      problem: guess.problem,
    };
  },
};
