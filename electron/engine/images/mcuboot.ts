// MCUboot images (Zephyr, Mynewt, nRF Connect SDK, TF-M), pushed with MCUmgr/SMP over BLE. Here:
// recognise them, show the header and every TLV, check the SHA-256 TLV the way MCUboot and imgtool do
// (over header, payload and protected TLVs), read the padded slot trailer, and refuse what a board
// would refuse. readMcubootImage gives the SMP upload what it needs. Layout: mcuboot-layout.ts.
import type { ImageFact } from '../../../shared/domain.ts';
import { createHash } from 'node:crypto';
import { UpdateError } from '../update-error.ts';
import type { ResultCode } from '../../../shared/domain.ts';
import { byteCount, fact, hex, type FormatReport, type ImageFormat } from './image-format.ts';
import { digestFile, openFileHead, streamRange, type ImageFile } from './image-file.ts';
import { ANY_BOARD_LIMIT, sizeProblem } from './size-limits.ts';
import * as say from './mcuboot-messages.ts';
import {
  ENCRYPTED_FLAGS,
  HEADER_BYTES,
  MCUBOOT_LEGACY_MAGIC,
  MCUBOOT_MAGIC,
  PROTECTED_TLV_INFO_MAGIC,
  SIGNATURE_TLVS,
  TLV_INFO_MAGIC,
  TLV_SHA256,
  TLV_SIG_PURE,
  mcubootFlagNames,
  parseMcubootHeader,
  readTlvArea,
  readTrailer,
  tlvName,
  type McubootHeader,
  type McubootTrailer,
  type Tlv,
} from './mcuboot-layout.ts';

export { parseMcubootHeader, mcubootFlagNames, type McubootHeader } from './mcuboot-layout.ts';

const LABEL = 'MCUboot image';

interface Analysis {
  header: McubootHeader | null;
  facts: ImageFact[];
  warnings: string[];
  problem: string | null;
  /** How a problem reads as a job result. */
  problemCode: ResultCode;
  /** The SHA-256 TLV value (what MCUmgr lists as the image `hash`). */
  hash: Buffer | null;
  /** True when the computed hash matched; null when it could not be checked (encrypted payload). */
  hashVerified: boolean | null;
  encrypted: boolean;
  trailer: McubootTrailer | null;
}

async function analyse(file: ImageFile): Promise<Analysis> {
  const header = parseMcubootHeader(file.head);
  const facts: ImageFact[] = [];
  const warnings: string[] = [];
  const result = (
    problem: string | null,
    problemCode: ResultCode = 'integrity-failure',
    rest: Partial<Analysis> = {},
  ): Analysis => ({
    header,
    facts,
    warnings,
    problem,
    problemCode,
    hash: null,
    hashVerified: null,
    encrypted: false,
    trailer: null,
    ...rest,
  });
  if (!header) {
    return result(
      `The file is only ${byteCount(file.size)}: it starts like an MCUboot image but is truncated inside its 32-byte header. ${say.REBUILD}`,
    );
  }
  const flagNames = mcubootFlagNames(header.flags);
  const encrypted = (header.flags & ENCRYPTED_FLAGS) !== 0;
  facts.push(
    fact('Version', header.version),
    fact('Header size', `${hex(header.hdrSize, 1)} (${header.hdrSize} bytes)`),
    fact('Image size', `${hex(header.imgSize, 1)} (${byteCount(header.imgSize)})`),
    fact(
      'Flags',
      header.flags === 0 ? '0x0 (none)' : `${hex(header.flags, 1)} (${flagNames.join(', ') || 'unknown bits'})`,
    ),
    fact('Load address', hex(header.loadAddr)),
  );
  if (header.protectTlvSize > 0) facts.push(fact('Protected TLV size', `${header.protectTlvSize} bytes`));
  if (header.hdrSize < HEADER_BYTES) {
    return result(
      `The MCUboot header declares a header size of ${header.hdrSize} bytes, less than the 32-byte header itself: the file is corrupted.`,
    );
  }
  if (header.magic === MCUBOOT_LEGACY_MAGIC) {
    return result(
      'This is a legacy MCUboot v1 image (header magic 0x96f3b83c), which current MCUboot bootloaders reject. Rebuild it with a current imgtool.',
      'unsupported-package',
    );
  }
  const payloadEnd = header.hdrSize + header.imgSize;
  const hashedEnd = payloadEnd + header.protectTlvSize;
  if (file.size < hashedEnd) {
    return result(
      `The MCUboot image is truncated: its header says header, payload and protected TLVs take ${byteCount(hashedEnd)}, but the file has only ${byteCount(file.size)}. ${say.REBUILD}`,
    );
  }
  let tlvs: Tlv[] = [];
  if (header.protectTlvSize > 0) {
    const area = await readTlvArea(file, payloadEnd, PROTECTED_TLV_INFO_MAGIC, true);
    if (!area.ok) return result(area.problem);
    if (area.end !== hashedEnd) {
      return result(
        `The MCUboot protected TLV area is ${byteCount(area.end - payloadEnd)} long, but the header declares ${byteCount(header.protectTlvSize)}: the file is corrupted. ${say.REBUILD}`,
      );
    }
    tlvs = area.tlvs;
  }
  const area = await readTlvArea(file, hashedEnd, TLV_INFO_MAGIC, false);
  if (!area.ok) return result(area.problem);
  tlvs = [...tlvs, ...area.tlvs];
  const signature = tlvs.find((t) => SIGNATURE_TLVS.has(t.type));
  facts.push(
    fact('TLVs', tlvs.map((t) => `${t.protected ? 'P:' : ''}${tlvName(t.type)}`).join(', ')),
    fact('Signature', signature ? tlvName(signature.type) : 'none (hash only)'),
    fact('Encrypted', encrypted ? 'yes' : 'no'),
  );
  const trailer = await readTrailer(file, area.end);
  if (area.end < file.size) {
    facts.push(
      fact(
        'Padded',
        `${byteCount(file.size - area.end)} after the TLV area (${trailer ? 'slot trailer' : 'no boot magic at the end'})`,
      ),
    );
    if (trailer) {
      facts.push(
        fact(
          'Trailer',
          `image_ok ${trailer.imageOk}, copy_done ${trailer.copyDone}, swap_info ${trailer.swapInfo} (max align ${trailer.maxAlign})`,
        ),
      );
    } else {
      warnings.push(say.trailingBytesWithoutMagic(file.size - area.end));
    }
  }

  const hashes = area.tlvs.filter((t) => t.type === TLV_SHA256);
  if (hashes.length === 0) {
    const otherHashes = tlvs.filter((t) => t.type === 0x11 || t.type === 0x12).map((t) => tlvName(t.type));
    const why = tlvs.some((t) => t.type === TLV_SIG_PURE)
      ? 'it carries a pure signature (SIG_PURE) instead'
      : otherHashes.length > 0
        ? `it carries only ${otherHashes.join(' and ')}`
        : 'the file is incomplete or was not signed by imgtool';
    return result(say.noSha256Tlv(why), 'unsupported-package', { encrypted, trailer });
  }
  if (hashes.length > 1 || hashes[0]!.length !== 32) {
    return result(
      hashes.length > 1
        ? `The MCUboot image has ${hashes.length} SHA-256 TLVs; MCUboot and Zephyr reject images with more than one. ${say.REBUILD}`
        : `The MCUboot SHA-256 TLV is ${hashes[0]!.length} bytes long instead of 32: the file is corrupted. ${say.REBUILD}`,
      'integrity-failure',
      { encrypted, trailer },
    );
  }
  const hash = hashes[0]!.value;
  const digest = createHash('sha256');
  await streamRange(file, 0, hashedEnd, (data) => {
    digest.update(data);
  });
  const computed = digest.digest();
  if (encrypted) {
    facts.push(fact('SHA-256 TLV', `${hash.toString('hex')} (not checked: the payload is encrypted)`));
    warnings.push(say.encryptedNotVerified(flagNames.filter((n) => n.startsWith('ENCRYPTED'))));
    return result(null, 'integrity-failure', { hash, hashVerified: null, encrypted, trailer });
  }
  if (!computed.equals(hash)) {
    facts.push(fact('SHA-256 TLV', `mismatch: TLV ${hash.toString('hex')}, computed ${computed.toString('hex')}`));
    return result(say.hashMismatch(hash, computed), 'integrity-failure', {
      hash,
      hashVerified: false,
      encrypted,
      trailer,
    });
  }
  facts.push(fact('SHA-256 TLV', `${hash.toString('hex')} (verified)`));
  return result(null, 'integrity-failure', { hash, hashVerified: true, encrypted, trailer });
}

export const mcubootFormat: ImageFormat = {
  id: 'mcuboot',
  label: LABEL,
  detect: (head) => head.length >= 4 && [MCUBOOT_MAGIC, MCUBOOT_LEGACY_MAGIC].includes(head.readUInt32LE(0)),

  async inspect(file): Promise<FormatReport> {
    const analysis = await analyse(file);
    return {
      formatLabel: LABEL,
      facts: analysis.facts,
      version: analysis.header?.version ?? null,
      pushableWith: analysis.problem ? [] : ['mcumgr-smp'],
      warnings: analysis.warnings,
      problem: analysis.problem,
    };
  },
};

/**
 * A bare ARM Cortex-M binary (zephyr.bin before signing): a vector table whose first word is an
 * initial stack pointer in SRAM and whose next three are Thumb addresses below it. Null otherwise.
 */
export function unsignedCortexMProblem(head: Buffer): string | null {
  if (head.length < 16) return null;
  const sp = head.readUInt32LE(0);
  const vectors = [head.readUInt32LE(4), head.readUInt32LE(8), head.readUInt32LE(12)];
  const spInRam = sp >= 0x20000000 && sp < 0x30000000 && sp % 4 === 0;
  if (!spInRam || !vectors.every((v) => v % 2 === 1 && v < 0x20000000)) return null;
  return say.unsignedCortexM(sp, vectors[0]!);
}

/** What an MCUmgr/SMP image upload needs from a checked MCUboot file. */
export interface McubootImage {
  path: string;
  /** Bytes to upload: the whole file, as-is (the upload's `len`). */
  imageSize: number;
  /** SHA-256 of the whole file, hex: the upload's `sha` (tags the session, checked at the end). */
  fileSha256: string;
  /** The SHA-256 TLV value: the `hash` MCUmgr lists and state-write (test/confirm) must carry. */
  hash: Buffer;
  hashHex: string;
  /** `major.minor.revision+build`, as imgtool prints it. */
  version: string;
  /** As the board's image list will report it (`1.2.3`, or `1.2.3.4` when build ≠ 0). */
  smpVersion: string;
  header: McubootHeader;
  encrypted: boolean;
  /** True when the TLV hash was checked against the content; false when it could not be (encrypted). */
  hashVerified: boolean;
  trailer: McubootTrailer | null;
  warnings: string[];
}

/**
 * Opens and checks an MCUboot image for upload. Throws UpdateError (with the inspector's sentence)
 * for anything a board would refuse, and ImageAccessError for I/O failures.
 */
export async function readMcubootImage(path: string): Promise<McubootImage> {
  const opened = await openFileHead(path);
  const tooBig = sizeProblem(opened.size, ANY_BOARD_LIMIT);
  if (tooBig) {
    await opened.handle.close().catch(() => undefined);
    throw new UpdateError('unsupported-package', tooBig);
  }
  const file = await digestFile(opened);
  try {
    if (!mcubootFormat.detect(file.head, file.size)) {
      const bare = unsignedCortexMProblem(file.head);
      throw new UpdateError(
        'unsupported-package',
        bare ??
          `${path} is not an MCUboot image (no 0x96f3b83d header magic). Sign the firmware with imgtool (or west sign) and pick the signed .bin.`,
      );
    }
    const analysis = await analyse(file);
    if (analysis.problem || !analysis.header || !analysis.hash) {
      throw new UpdateError(analysis.problemCode, analysis.problem ?? 'The MCUboot image could not be read.');
    }
    return {
      path,
      imageSize: file.size,
      fileSha256: file.sha256,
      hash: analysis.hash,
      hashHex: analysis.hash.toString('hex'),
      version: analysis.header.version,
      smpVersion: analysis.header.smpVersion,
      header: analysis.header,
      encrypted: analysis.encrypted,
      hashVerified: analysis.hashVerified === true,
      trailer: analysis.trailer,
      warnings: analysis.warnings,
    };
  } finally {
    await file.handle.close().catch(() => undefined);
  }
}
