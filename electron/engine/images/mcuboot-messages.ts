// What inspection says about an MCUboot image that MCUmgr could not upload or MCUboot would not boot,
// and how to sign or rebuild it.
import { byteCount, hex } from './image-format.ts';

export const REBUILD = 'Rebuild it or download it again.';

/** The first 16 hex digits of each hash: enough to see they differ. */
const hashStart = (hash: Buffer) => `${hash.toString('hex').slice(0, 16)}…`;

export function trailingBytesWithoutMagic(extraBytes: number): string {
  return (
    `The file has ${byteCount(extraBytes)} after the MCUboot TLV area but does not end with the MCUboot boot magic ` +
    'of a padded slot: check that it is the signed file your build produced.'
  );
}

/** `why`: what the TLV area holds instead ("it carries a pure signature (SIG_PURE) instead"). */
export function noSha256Tlv(why: string): string {
  return (
    `The MCUboot image has no SHA-256 TLV (${why}); MCUmgr needs that hash to upload, test and confirm the image, ` +
    'and Zephyr rejects images without it. Sign it with imgtool (or west sign) using SHA-256.'
  );
}

export function encryptedNotVerified(encryptionFlags: string[]): string {
  return (
    `The image is encrypted (${encryptionFlags.join(', ')}): its SHA-256 TLV covers the plaintext, so OTA Bench ` +
    "cannot verify it without the decryption key. The board's MCUboot checks it after decrypting."
  );
}

export function hashMismatch(tlvHash: Buffer, computed: Buffer): string {
  return (
    `The MCUboot image's SHA-256 does not match its hash TLV (the TLV says ${hashStart(tlvHash)}, the content ` +
    `hashes to ${hashStart(computed)}): the file is corrupted or was modified after signing, and MCUboot would ` +
    `refuse to boot it. ${REBUILD}`
  );
}

export function unsignedCortexM(stackPointer: number, resetHandler: number): string {
  return (
    `This looks like a bare ARM Cortex-M binary (vector table: stack pointer ${hex(stackPointer)}, reset handler ` +
    `${hex(resetHandler)}), e.g. zephyr.bin, without the MCUboot header: MCUboot and MCUmgr only take signed images. ` +
    'Sign it with imgtool (`imgtool sign --version 1.0.0 --header-size 0x200 --slot-size <slot> --pad-header …`) ' +
    'or `west sign -t imgtool`, and pick zephyr.signed.bin.'
  );
}

export function tlvMagicMissing(which: string, offset: number, magic: number, found: number): string {
  return (
    `The MCUboot ${which} at offset ${offset} does not start with its magic (${hex(magic, 4)}; found ${hex(found, 4)}): ` +
    `the file is corrupted or was not produced by imgtool. ${REBUILD}`
  );
}
