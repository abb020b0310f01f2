// Opening an image file and reading exactly the bytes a parser asks for. Images can be 64 MiB and
// more, so nothing here loads a whole file: parsers read small ranges through one FileHandle and
// the SHA-256 is computed by streaming the file once in fixed-size chunks.
import { createHash } from 'node:crypto';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { createVersionMarkerScanner } from './version-marker.ts';

/** How much of the file start every format detector gets to look at. */
export const HEAD_BYTES = 4096;
const DIGEST_CHUNK_BYTES = 1024 * 1024;

/** An I/O failure (missing file, no permission, a directory): the only thing inspection throws for. */
export class ImageAccessError extends Error {
  readonly code: string;
  readonly path: string;
  constructor(path: string, code: string, reason: string, cause?: unknown) {
    super(`Cannot open ${path}: ${reason}`, { cause });
    this.name = 'ImageAccessError';
    this.code = code;
    this.path = path;
  }
}

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory, not a file',
  ENOTDIR: 'a component of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error while reading the disk',
};

/** True for errors that come from the file system rather than from the file's content. */
export function isIoError(error: unknown): error is NodeJS.ErrnoException {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === 'string' &&
    /^E[A-Z]+$/.test((error as NodeJS.ErrnoException).code ?? '')
  );
}

export function toAccessError(path: string, error: unknown): ImageAccessError {
  if (error instanceof ImageAccessError) return error;
  const code = isIoError(error) ? (error.code ?? 'EIO') : 'EIO';
  const reason = REASONS[code] ?? (error instanceof Error ? error.message : String(error));
  return new ImageAccessError(path, code, reason, error);
}

/** Random access to one open image file, plus what the single streaming pass learnt about it. */
/** Opens a file read-only; failures become an ImageAccessError that names the file. */
export async function openForReading(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    throw toAccessError(path, error);
  }
}

export interface ImageFile {
  readonly path: string;
  readonly size: number;
  /** The first HEAD_BYTES bytes (fewer for a smaller file). */
  readonly head: Buffer;
  readonly sha256: string;
  /** Value of an `OTA_BENCH_VERSION=<v>` marker found anywhere in the raw bytes, if any. */
  readonly versionMarker: string | null;
  readonly handle: FileHandle;
  /**
   * Reads up to `length` bytes at `offset`; the result is shorter at the end of the file. With
   * `into` (at least `length` bytes) the bytes land there and the result is a view of it.
   */
  readAt(offset: number, length: number, into?: Buffer): Promise<Buffer>;
}

/** A file opened for inspection, before anything but its head was read. */
export interface OpenedFile {
  readonly path: string;
  readonly size: number;
  /** The first HEAD_BYTES bytes (fewer for a smaller file). */
  readonly head: Buffer;
  readonly handle: FileHandle;
}

/**
 * Opens `path` as a regular file and reads its head only: the size comes from the file system, so
 * a caller can refuse a file too large for any board before reading it. The caller must close
 * `handle`. Throws ImageAccessError for every I/O failure.
 */
export async function openFileHead(path: string): Promise<OpenedFile> {
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    if (!info.isFile()) {
      throw new ImageAccessError(path, 'ENOTFILE', 'not a regular file (a device, socket or pipe)');
    }
    size = info.size;
  } catch (error) {
    throw toAccessError(path, error);
  }
  const handle = await openForReading(path);
  try {
    const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    let got = 0;
    while (got < head.length) {
      const { bytesRead } = await handle.read(head, got, head.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { path, size, head: head.subarray(0, got), handle };
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw toAccessError(path, error);
  }
}

/**
 * Streams an opened file once for the SHA-256 and the version marker. On failure the handle is
 * closed and an ImageAccessError thrown.
 */
export async function digestFile(opened: OpenedFile): Promise<ImageFile> {
  try {
    return await digest(opened.path, opened.handle);
  } catch (error) {
    await opened.handle.close().catch(() => undefined);
    throw toAccessError(opened.path, error);
  }
}

/**
 * Opens `path` as a regular file and streams it once for the SHA-256, the head and the version
 * marker. The caller must close `file.handle`. Throws ImageAccessError for every I/O failure.
 */
export async function openImageFile(path: string): Promise<ImageFile> {
  return digestFile(await openFileHead(path));
}

async function digest(path: string, handle: FileHandle): Promise<ImageFile> {
  const hash = createHash('sha256');
  const marker = createVersionMarkerScanner();
  const chunk = Buffer.allocUnsafe(DIGEST_CHUNK_BYTES);
  let head: Buffer | null = null;
  let size = 0;
  for (;;) {
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, size);
    if (bytesRead === 0) break;
    const data = chunk.subarray(0, bytesRead);
    if (head === null || head.length < HEAD_BYTES) {
      head = Buffer.concat([head ?? Buffer.alloc(0), data.subarray(0, HEAD_BYTES - (head?.length ?? 0))]);
    }
    hash.update(data);
    marker.push(data);
    size += bytesRead;
  }
  const readAt = async (offset: number, length: number, into?: Buffer): Promise<Buffer> => {
    const wanted = Math.max(0, Math.min(length, size - offset, into?.length ?? Infinity));
    if (wanted === 0) return Buffer.alloc(0);
    const buffer = into ?? Buffer.alloc(wanted);
    let got = 0;
    while (got < wanted) {
      const { bytesRead } = await handle.read(buffer, got, wanted - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buffer.subarray(0, got);
  };
  return {
    path,
    size,
    head: head ?? Buffer.alloc(0),
    sha256: hash.digest('hex'),
    versionMarker: marker.finish(),
    handle,
    readAt,
  };
}

/**
 * Feeds bytes [start, end) of the file to `consume` in chunks, so walkers can checksum megabytes
 * without holding them. Stops early at end of file. `consume` must not keep the chunk: its buffer
 * is reused for the next one.
 */
export async function streamRange(
  file: Pick<ImageFile, 'readAt'>,
  start: number,
  end: number,
  consume: (data: Buffer) => void,
): Promise<number> {
  let offset = start;
  // One buffer for the whole range: a fresh one per chunk leaves the image's size in garbage outside
  // the JS heap, which V8 collects late (inspecting a 64 MiB image peaked 57 MiB above idle).
  const buffer = Buffer.allocUnsafe(Math.max(0, Math.min(256 * 1024, end - start)));
  while (offset < end) {
    const data = await file.readAt(offset, Math.min(buffer.length, end - offset), buffer);
    if (data.length === 0) break;
    consume(data);
    offset += data.length;
  }
  return offset - start;
}
