// The streaming core under every firmware upload: one HTTP request with a Content-Length (boards
// size the transfer from it; none accept chunked bodies) whose body is read from disk only as fast
// as the board takes it. We hand the socket a few KiB at a time and count a byte as sent only once
// the kernel has accepted it (its write callback fired), so progress trails the board by at most the
// socket's send buffer, and memory stays flat however large the image. The file is hashed as it goes
// and its last piece is held back until the hash matches what was inspected. Every wait is bounded:
// connect, idle (the kernel took nothing), the whole transfer (size at a floor rate), the answer.
// multipart-upload.ts and raw-upload.ts build the bytes around the file.
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import http from 'node:http';
import { UpdateError } from '../update-error.ts';
import { type HttpResponse, type Target, describeTarget, hostHeader, networkError } from './http-client.ts';
import { formatBytes, formatClockTime } from '../../../shared/format.ts';

/** The waits of one HTTP upload (not SMP's: smp/smp-upload.ts has SmpUploadTimeouts). */
export interface HttpUploadTimeouts {
  /** TCP connect. */
  connectMs: number;
  /** The kernel accepted no byte of the body for this long while sending. */
  idleMs: number;
  /** After the last byte, how long the board may take to answer (flash finalisation); also the time its answer may take to arrive. */
  responseMs: number;
  /** The whole transfer must average at least this (default FLOOR_BYTES_PER_SECOND), plus connect and answer time. */
  floorBytesPerSecond?: number;
}

/** The one default; the job's timeouts (jobs/job-context.ts) start from it. */
export const DEFAULT_UPLOAD_TIMEOUTS: HttpUploadTimeouts = { connectMs: 10_000, idleMs: 30_000, responseMs: 60_000 };

/** A board's answer is a line or a small page: anything beyond this is cut (and no longer read). */
export const MAX_REPLY_BYTES = 64 * 1024;
/** The slowest board we wait for: the whole transfer must finish at this average rate (plus connect and answer time). */
export const FLOOR_BYTES_PER_SECOND = 2 * 1024;
/** File reads (the last one is what is held back until the hash matches). */
const READ_BYTES = 64 * 1024;
/** Socket writes: a write counts once the kernel took all of it, so progress moves in steps of at most this (larger steps trail the board by more). */
const SLICE_BYTES = 16 * 1024;
/** Bytes handed to the socket that the kernel has not taken yet: what user space holds beyond the file read. */
const MAX_UNACCEPTED = 32 * 1024;

const MAY_HAVE_TAKEN =
  'It may have taken the image and be restarting into it, or have rejected it: only asking it tells what it runs now.';

/** The firmware file as it was inspected: what is sent must still be that. */
export interface FileToSend {
  path: string;
  size: number;
  sha256: string;
  /** Modification time at inspection, when known: a newer one means the file was rebuilt since. */
  mtimeMs?: number | null;
}

export interface StreamUpload {
  target: Target;
  path: string;
  /** Content-Type and anything else; Content-Length and Host are set here. */
  headers: Record<string, string>;
  /** Bytes before the file (a multipart preamble) and after it (the closing boundary). */
  head: Buffer;
  file: FileToSend;
  tail: Buffer;
  timeouts: HttpUploadTimeouts;
  signal: AbortSignal;
  /** File bytes the kernel has accepted so far (never bytes merely read from disk). */
  onBytes(sent: number): void;
}

/**
 * The upload failed after the connection was made. `wholeImageSent` tells whether every byte had
 * gone out first: then the board may have taken the image, and only asking it tells what it runs.
 */
export class UploadCutError extends UpdateError {
  readonly wholeImageSent: boolean;
  /** What happened on the wire, without the advice (the job adds what it found out instead). */
  readonly happened: string;

  constructor(code: UpdateError['code'], happened: string, advice: string, wholeImageSent: boolean) {
    super(code, `${happened} ${advice}`);
    this.happened = happened;
    this.wholeImageSent = wholeImageSent;
  }
}

/** Opens the file and refuses, before anything is sent, when it is not the file that was inspected. */
async function openUnchanged(file: FileToSend, name: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(file.path, 'r');
  } catch (error) {
    throw new UpdateError(
      'integrity-failure',
      `Cannot read ${name} any more (${(error as NodeJS.ErrnoException).code ?? String(error)}); nothing was sent.`,
    );
  }
  const now = await handle.stat();
  const changed =
    now.size !== file.size
      ? `it is now ${formatBytes(now.size)}, not ${formatBytes(file.size)}`
      : file.mtimeMs != null && now.mtimeMs !== file.mtimeMs
        ? `it was modified at ${formatClockTime(now.mtimeMs)}`
        : null;
  if (changed) {
    await handle.close();
    throw new UpdateError(
      'integrity-failure',
      `${name} changed on disk since OTA Bench inspected it (${changed}); nothing was sent. Open it again so the checks apply to what is sent.`,
    );
  }
  return handle;
}

export async function streamUpload(upload: StreamUpload): Promise<HttpResponse> {
  const name = upload.file.path.split(/[\\/]/).pop() ?? upload.file.path;
  if (upload.signal.aborted) throw new UpdateError('cancelled', 'Cancelled before anything was sent.');
  const handle = await openUnchanged(upload.file, name);
  try {
    return await send(upload, handle, name);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function send(upload: StreamUpload, handle: FileHandle, name: string): Promise<HttpResponse> {
  const { target, timeouts, signal, head, tail } = upload;
  const size = upload.file.size;
  const where = describeTarget(target);
  const contentLength = head.length + size + tail.length;
  return new Promise((resolve, reject) => {
    let settled = false;
    let connected = false;
    let responded = false;
    /** req.end() was called: every byte has been handed to the socket. */
    let allHanded = false;
    /** File bytes the kernel accepted; body bytes handed to the socket it has not accepted yet. */
    let accepted = 0;
    let unaccepted = 0;
    let wake: (() => void) | null = null;
    let idleTimer: NodeJS.Timeout | null = null;
    let answerTimer: NodeJS.Timeout | null = null;
    const timers: NodeJS.Timeout[] = [];

    const sentNote = () =>
      accepted >= size ? `all ${formatBytes(size)} were sent` : `sent ${formatBytes(accepted)} of ${formatBytes(size)}`;
    const finish = (error: unknown, result?: HttpResponse) => {
      if (settled) return;
      settled = true;
      for (const timer of [...timers, idleTimer, answerTimer]) if (timer) clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      wake?.();
      req.destroy();
      if (result) resolve(result);
      else reject(error);
    };
    /**
     * The upload ended without an answer. What is known depends on whether the last byte had gone
     * out: before it, the board cannot have a whole image; after it, it may have taken it.
     */
    const cut = (what: string, code: UpdateError['code'] = 'connection-lost') => {
      if (accepted >= size) {
        return new UploadCutError(
          code,
          `All ${formatBytes(size)} were sent, then ${what} before the board answered.`,
          MAY_HAVE_TAKEN,
          true,
        );
      }
      const happened = `${what[0]!.toUpperCase()}${what.slice(1)}: sent ${formatBytes(accepted)} of ${formatBytes(size)}; the board had confirmed nothing.`;
      return new UploadCutError(
        code,
        happened,
        'A board discards an image that did not arrive whole, so it should still run its current firmware; push again.',
        false,
      );
    };
    const onAbort = () =>
      finish(
        new UpdateError(
          'cancelled',
          accepted >= size
            ? `Cancelled by you after all ${formatBytes(size)} were sent: the board may still apply the image; check what it runs.`
            : `Cancelled by you: sent ${formatBytes(accepted)} of ${formatBytes(size)}; the board discards a partial image.`,
        ),
      );

    /** While sending, only the kernel taking bytes counts as movement: a board chattering back without reading does not. */
    const armIdle = () => {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        finish(cut(`the transfer to ${where} stalled: the board took nothing for ${timeouts.idleMs / 1000} s`));
      }, timeouts.idleMs);
    };
    const armAnswerWait = () => {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = null;
      // Both the last write's callback and req.end's may get here: one wait, or the first timer leaks.
      if (answerTimer) clearTimeout(answerTimer);
      answerTimer = setTimeout(() => {
        const waited = `${timeouts.responseMs / 1000} s`;
        finish(
          new UploadCutError(
            'update-failed',
            `All ${formatBytes(size)} were sent, but ${where} did not answer within ${waited}.`,
            MAY_HAVE_TAKEN,
            true,
          ),
        );
      }, timeouts.responseMs);
    };

    const req = http.request({
      host: target.host,
      port: target.port,
      method: 'POST',
      path: upload.path,
      agent: false,
      headers: { 'Content-Length': String(contentLength), Host: hostHeader(target), ...upload.headers },
    });
    const floor = timeouts.floorBytesPerSecond ?? FLOOR_BYTES_PER_SECOND;
    const transferMs = timeouts.connectMs + timeouts.responseMs + Math.ceil((contentLength / floor) * 1000);
    timers.push(
      setTimeout(() => {
        if (!connected)
          finish(
            new UpdateError(
              'connection-lost',
              `${where} did not accept a connection within ${timeouts.connectMs / 1000} s. Is it powered and on this network?`,
            ),
          );
      }, timeouts.connectMs),
      setTimeout(() => {
        finish(
          cut(
            `the transfer to ${where} did not finish within ${Math.round(transferMs / 1000)} s (${formatBytes(contentLength)} at no less than ${formatBytes(floor)}/s)`,
          ),
        );
      }, transferMs),
    );
    req.on('socket', (socket) =>
      socket.once('connect', () => {
        connected = true;
        if (!settled && !responded && unaccepted > 0) armIdle();
      }),
    );

    const write = (chunk: Buffer, fileBytes: number, onAccepted?: () => void) => {
      unaccepted += chunk.length;
      req.write(chunk, (error) => {
        if (error || settled) return;
        onAccepted?.();
        unaccepted -= chunk.length;
        if (fileBytes > 0) {
          accepted += fileBytes;
          upload.onBytes(accepted);
        }
        if (allHanded && unaccepted === 0) {
          if (!responded) armAnswerWait();
        } else if (connected && !responded) armIdle();
        wake?.();
      });
    };
    /** Waits until the kernel has taken enough that user space holds less than MAX_UNACCEPTED. */
    const room = async () => {
      while (!settled && !responded && unaccepted >= MAX_UNACCEPTED)
        await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      return !settled && !responded;
    };

    const pump = async () => {
      write(head, 0);
      const hash = createHash('sha256');
      let position = 0;
      let changed = false;
      // Read buffers are reused once the kernel has taken every slice of them: a fresh one per read
      // would leave the image's size in garbage outside the JS heap, which V8 collects late.
      const pool: Buffer[] = [];
      while (position < size) {
        if (!(await room())) return;
        const buffer = pool.pop() ?? Buffer.allocUnsafe(READ_BYTES);
        const { bytesRead } = await handle.read(buffer, 0, Math.min(READ_BYTES, size - position), position);
        if (settled || responded) return;
        if (bytesRead === 0) break;
        const piece = buffer.subarray(0, bytesRead);
        hash.update(piece);
        position += bytesRead;
        if (position >= size) {
          // The last piece goes out only if the file is still exactly what was inspected; if not,
          // the board never gets a whole image and discards what it has.
          const extra = await handle.read(Buffer.alloc(1), 0, 1, size);
          if (settled || responded) return;
          changed = extra.bytesRead > 0 || hash.digest('hex') !== upload.file.sha256;
          if (changed) break;
        }
        let slices = Math.ceil(piece.length / SLICE_BYTES);
        const release = () => {
          if (--slices === 0) pool.push(buffer);
        };
        for (let offset = 0; offset < piece.length; offset += SLICE_BYTES) {
          if (!(await room())) return;
          const slice = piece.subarray(offset, offset + SLICE_BYTES);
          write(slice, slice.length, release);
        }
      }
      if (changed || position < size) {
        const how = changed ? 'its SHA-256 is not the one inspected' : 'it got shorter';
        const stopped =
          'OTA Bench stopped before the last bytes, so the board discards the partial image. Open it again and push.';
        return finish(
          new UpdateError('integrity-failure', `${name} changed on disk while it was being sent (${how}); ${stopped}`),
        );
      }
      allHanded = true;
      unaccepted += tail.length;
      req.end(tail, () => {
        if (settled) return;
        unaccepted -= tail.length;
        if (!responded && unaccepted === 0) armAnswerWait();
      });
    };

    req.on('response', (res) => {
      // The board's answer is its verdict, whether it comes after the last byte or before it has read
      // the body (an error while the body is still coming, esp-link style): stop sending, read it.
      responded = true;
      const early = !allHanded;
      if (idleTimer) clearTimeout(idleTimer);
      if (answerTimer) clearTimeout(answerTimer);
      wake?.();
      const chunks: Buffer[] = [];
      let length = 0;
      const done = () => {
        if (settled) return;
        const status = res.statusCode ?? 0;
        const body = Buffer.concat(chunks).toString('utf8');
        if (early && status >= 200 && status < 300) {
          return finish(
            new UpdateError(
              'update-failed',
              `${where} answered HTTP ${status} before it had read the image (${sentNote()}): it cannot have taken it.`,
              body.trim().slice(0, 300) || null,
            ),
          );
        }
        // A success after the last byte was handed over means the board read it all (its write
        // callbacks may simply not have run yet); an error may come after only part of it.
        if (!early && status >= 200 && status < 300) upload.onBytes(size);
        finish(null, { status, headers: res.headers, body });
      };
      // The answer itself is bounded in time and size: a board dripping an endless reply cannot hold the job.
      answerTimer = setTimeout(done, timeouts.responseMs);
      res.on('data', (chunk: Buffer) => {
        if (length < MAX_REPLY_BYTES) chunks.push(chunk.subarray(0, MAX_REPLY_BYTES - length));
        length += chunk.length;
        if (length >= MAX_REPLY_BYTES) done();
      });
      res.on('end', done);
      res.on('error', done);
      res.on('close', done);
    });
    req.on('error', (error) => {
      if (settled || responded) return;
      if (signal.aborted) return onAbort();
      const base = networkError(target, error);
      if (!connected) return finish(base);
      finish(cut(`the connection to ${where} was lost (${base.message.replace(/\.$/, '')})`));
    });
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    pump().catch((error: unknown) =>
      finish(
        new UpdateError('integrity-failure', `Cannot read ${name} while sending it (${(error as Error).message}).`),
      ),
    );
  });
}
