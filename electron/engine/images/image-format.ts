// The one interface every image format implements. inspect-image.ts asks each format in turn whether
// the file's first bytes look like it, and lets the first that says yes describe the file.
import type { ImageFormatId, ImageInfo } from '../../../shared/domain.ts';
import type { ImageFile } from './image-file.ts';

/** The most a board of a format can take (size-limits.ts holds the values). */
export interface SizeLimit {
  bytes: number;
  /** Completes "more than …": what the limit is. */
  what: string;
}

/** What a format found out about a file: ImageInfo minus what inspect-image.ts fills in itself. */
export type FormatReport = Pick<
  ImageInfo,
  'formatLabel' | 'facts' | 'version' | 'pushableWith' | 'warnings' | 'problem'
> & {
  /** ESP8266 user1/user2 images: which slot the file was linked for. */
  slotEvidence?: ImageInfo['slotEvidence'];
  /**
   * Set when the content turned out not to be this format after all (a zip that is not a Mongoose
   * bundle, 0xE9 followed by garbage): inspect-image.ts then reports this id instead.
   */
  format?: ImageFormatId;
};

export interface ImageFormat {
  readonly id: ImageFormatId;
  readonly label: string;
  /** Cheap check on the first bytes (`head` holds up to HEAD_BYTES of them). */
  detect(head: Buffer, size: number): boolean;
  /** The largest file the boards this format is for could take; default ANY_BOARD_LIMIT. */
  sizeLimit?(head: Buffer): SizeLimit;
  /**
   * Reads what it needs through `file.readAt`. Must not throw for bad content: a truncated or
   * malformed file becomes a report with `problem` set. I/O errors may propagate.
   */
  inspect(file: ImageFile): Promise<FormatReport>;
}

export function fact(label: string, value: string | number): { label: string; value: string } {
  return { label, value: String(value) };
}

export function hex(value: number, digits = 8): string {
  return `0x${(value >>> 0).toString(16).padStart(digits, '0')}`;
}

export function hexByte(value: number): string {
  return hex(value, 2);
}

/** `1234567` → `1,234,567 bytes`: facts are read by people, not parsers (shared/format.ts says it). */
export { formatExactBytes as byteCount } from '../../../shared/format.ts';

/** The first bytes as hex, for problems about unrecognised content. */
export function firstBytes(head: Buffer, count = 8): string {
  return [...head.subarray(0, count)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
}
