// Reading request bodies the way a slow or flaky board would: throttled (TCP backpressure reaches
// the sender), or cut off after N bytes by destroying the socket. Multipart bodies are then parsed
// into an ordered list of parts, because boards care about part order (Mongoose's commit_timeout
// may come before or after the file).
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import busboy from 'busboy';

export interface BodyQuirks {
  /** Destroy the connection once this many body bytes arrived (null: never). */
  dropAfterBytes: number | null;
  /** Read the body at this rate (null: as fast as it comes). */
  bytesPerSecond: number | null;
}

/** Read on every chunk, so quirks changed at runtime apply to uploads already in flight. */
export type QuirkSource = () => BodyQuirks;

export interface MultipartPart {
  name: string;
  /** Set when the part's Content-Disposition carried a filename (even an empty one is a string). */
  filename: string | undefined;
  contentType: string;
  data: Buffer;
}

export interface MultipartResult {
  /** False when the client went away or the connection was dropped before the body ended. */
  complete: boolean;
  parts: MultipartPart[];
  /** Raw body bytes received, multipart framing included. */
  bytesReceived: number;
}

/** A pass-through that throttles and/or drops, reading quirks live. */
class BodyTap extends Transform {
  bytes = 0;
  dropped = false;
  private readonly request: IncomingMessage;
  private readonly quirks: QuirkSource;

  constructor(request: IncomingMessage, quirks: QuirkSource) {
    // A small buffer, so throttling turns into backpressure on the socket quickly.
    super({ highWaterMark: 1024 });
    this.request = request;
    this.quirks = quirks;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.dropped) return callback();
    const { dropAfterBytes } = this.quirks();
    if (dropAfterBytes !== null && this.bytes + chunk.length >= dropAfterBytes) {
      const keep = chunk.subarray(0, Math.max(0, dropAfterBytes - this.bytes));
      this.bytes += keep.length;
      this.dropped = true;
      this.push(keep);
      this.request.socket.destroy();
      return callback();
    }
    this.bytes += chunk.length;
    this.forward(chunk, callback);
  }

  /** When the paced reading started (ms) and how much it has passed on since, at which rate. */
  private pace: { since: number; bytes: number; rate: number } | null = null;

  /**
   * Passes the chunk on in slices, each when a reader at the given speed would have finished it.
   * Times are absolute (from when pacing started), so timer lateness does not slow the board below
   * its rate; a sender that fell behind earns no burst (the origin moves up). While a slice waits,
   * this stream does not take more, and backpressure stops the socket: the board's TCP window
   * closes, as lwIP's does when the firmware is busy writing flash.
   */
  private forward(chunk: Buffer, callback: TransformCallback): void {
    const rate = this.quirks().bytesPerSecond;
    if (!rate || chunk.length === 0) {
      this.pace = null;
      this.push(chunk);
      return callback();
    }
    const now = Date.now();
    if (!this.pace || this.pace.rate !== rate || this.pace.since + (this.pace.bytes / rate) * 1000 < now - 20) {
      this.pace = { since: now, bytes: 0, rate };
    }
    const pace = this.pace;
    const head = chunk.subarray(0, Math.max(1460, Math.floor(rate / 50)));
    pace.bytes += head.length;
    setTimeout(
      () => {
        this.push(head);
        if (chunk.length > head.length) this.forward(chunk.subarray(head.length), callback);
        else callback();
      },
      Math.max(0, pace.since + (pace.bytes / rate) * 1000 - now),
    );
  }
}

/** The request body as a stream with the board's quirks applied. */
export function tapRequestBody(request: IncomingMessage, quirks: QuirkSource): BodyTap {
  const tap = new BodyTap(request, quirks);
  request.pipe(tap);
  request.on('close', () => {
    if (!request.complete) tap.destroy(new Error('connection closed before the body ended'));
  });
  return tap;
}

/** Reads and discards the body (with quirks). Resolves with whether it arrived whole. */
export function drainBody(request: IncomingMessage, quirks: QuirkSource): Promise<{ complete: boolean; body: Buffer }> {
  const tap = tapRequestBody(request, quirks);
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    tap.on('data', (chunk: Buffer) => chunks.push(chunk));
    tap.on('end', () => resolve({ complete: !tap.dropped, body: Buffer.concat(chunks) }));
    tap.on('error', () => resolve({ complete: false, body: Buffer.concat(chunks) }));
  });
}

export function isMultipart(request: IncomingMessage): boolean {
  return /^multipart\/form-data;.*boundary=/i.test(request.headers['content-type'] ?? '');
}

/** Parses a multipart body into ordered parts. Call only when `isMultipart(request)`. */
export function readMultipart(request: IncomingMessage, quirks: QuirkSource): Promise<MultipartResult> {
  const tap = tapRequestBody(request, quirks);
  const parts: MultipartPart[] = [];
  const parser = busboy({ headers: request.headers, limits: { fieldSize: 64 * 1024 } });
  let settled = false;
  return new Promise((resolve) => {
    const finish = (complete: boolean) => {
      if (settled) return;
      settled = true;
      tap.unpipe(parser);
      // Keep reading whatever is left (a malformed form), as the firmware would before answering.
      if (!complete) tap.resume();
      resolve({ complete: complete && !tap.dropped, parts, bytesReceived: tap.bytes });
    };
    parser.on('file', (name, stream, info) => {
      const part: MultipartPart = { name, filename: info.filename, contentType: info.mimeType, data: Buffer.alloc(0) };
      parts.push(part);
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => (part.data = Buffer.concat(chunks)));
      stream.on('error', () => (part.data = Buffer.concat(chunks)));
    });
    parser.on('field', (name, value, info) => {
      parts.push({ name, filename: undefined, contentType: info.mimeType, data: Buffer.from(value) });
    });
    parser.on('close', () => finish(true));
    parser.on('error', () => finish(false));
    tap.on('error', () => finish(false));
    tap.pipe(parser);
  });
}
