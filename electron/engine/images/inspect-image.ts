// Entry point of the image inspectors: what is this file, can it be pushed, and with what?
// The format is decided from content, never from the file name: users rename files, browsers save
// HTML pages as firmware.bin, and a .bin can be any of several formats.
import { basename } from 'node:path';
import type { ImageInfo } from '../../../shared/domain.ts';
import type { FormatReport, ImageFormat } from './image-format.ts';
import { digestFile, isIoError, openFileHead, toAccessError, type ImageFile } from './image-file.ts';
import { ANY_BOARD_LIMIT, sizeProblem } from './size-limits.ts';
import { espAppFormat } from './esp-app.ts';
import { esp8266OtaV2Format } from './esp8266-ota-v2.ts';
import { gzipFormat } from './gzip.ts';
import { littlefsFormat } from './littlefs.ts';
import { mcubootFormat } from './mcuboot.ts';
import { mongooseFwZipFormat } from './mongoose-fw-zip.ts';
import { unknownFormat } from './unknown.ts';

/** Tried in order; the magic numbers do not overlap, `unknown` accepts everything. */
export const IMAGE_FORMATS: readonly ImageFormat[] = [
  mongooseFwZipFormat,
  gzipFormat,
  mcubootFormat,
  esp8266OtaV2Format,
  espAppFormat,
  littlefsFormat,
  unknownFormat,
];

export type InspectedImage = Omit<ImageInfo, 'imageId'>;

/**
 * Inspects the file at `path`: size, SHA-256, format, facts, version and whether it can be pushed.
 * Never throws for bad content (that becomes `problem`); throws ImageAccessError for I/O failures
 * such as a missing file, no permission or a directory ("Cannot open /x/y.bin: no such file").
 */
export async function inspectImage(path: string): Promise<InspectedImage> {
  const opened = await openFileHead(path);
  try {
    const format = IMAGE_FORMATS.find((f) => f.detect(opened.head, opened.size)) ?? unknownFormat;
    // Bounded before anything else is read: the size is known from the file system.
    const tooBig = sizeProblem(opened.size, format.sizeLimit?.(opened.head) ?? ANY_BOARD_LIMIT);
    if (tooBig) {
      return {
        fileName: basename(path),
        size: opened.size,
        sha256: '',
        format: format.id,
        formatLabel: format.label,
        facts: [],
        version: null,
        pushableWith: [],
        warnings: [],
        problem: tooBig,
        slotEvidence: null,
        members: null,
      };
    }
    const file = await digestFile(opened);
    const report = await inspectSafely(format, file);
    return {
      fileName: basename(path),
      size: file.size,
      sha256: file.sha256,
      format: report.format ?? format.id,
      formatLabel: report.formatLabel,
      facts: report.facts,
      version: report.version,
      // A file with a problem cannot be pushed at all, whatever the format would otherwise allow.
      pushableWith: report.problem ? [] : report.pushableWith,
      warnings: report.warnings,
      problem: report.problem,
      slotEvidence: report.slotEvidence ?? null,
      members: null,
    };
  } finally {
    await opened.handle.close().catch(() => undefined);
  }
}

/** Runs a format's inspector, turning an unexpected parser failure into a problem instead of a crash. */
async function inspectSafely(format: ImageFormat, file: ImageFile): Promise<FormatReport> {
  try {
    return await format.inspect(file);
  } catch (error) {
    if (isIoError(error)) throw toAccessError(file.path, error);
    const reason = error instanceof Error ? error.message : String(error);
    return {
      formatLabel: format.label,
      facts: [],
      version: null,
      pushableWith: [],
      warnings: [],
      problem: `The file looks like ${format.label} but could not be read as one (${reason}). It is probably damaged: rebuild it or download it again.`,
    };
  }
}
