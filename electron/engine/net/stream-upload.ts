// The streaming core under every firmware upload: one HTTP request whose body is piped from disk,
// with a Content-Length (boards size the transfer from it; none accept chunked bodies), a connect
// timeout, an idle timeout while sending, a bound on the board's answer, and cancellation. A lost
// connection says how much had been sent. multipart-upload.ts and raw-upload.ts build the bodies.
import fs from 'node:fs';
import http from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import { UpdateError } from '../update-error.ts';
import { type HttpResponse, type Target, describeTarget, hostHeader, networkError } from './http-client.ts';
import { formatBytes } from '../format.ts';

export interface UploadTimeouts {
  /** TCP connect. */
  connectMs: number;
  /** No byte moves either way for this long while sending. */
  idleMs: number;
  /** After the last byte, how long the board may take to answer (flash finalisation). */
  responseMs: number;
}

export const DEFAULT_UPLOAD_TIMEOUTS: UploadTimeouts = { connectMs: 10_000, idleMs: 30_000, responseMs: 60_000 };

export interface StreamUpload {
  target: Target;
  path: string;
  /** Content-Type and anything else; Content-Length and Host are set here. */
  headers: Record<string, string>;
  body: Readable;
  contentLength: number;
  /** Size of the firmware inside the body, and how much of it has left the file so far. */
  bodyBytes: number;
  sentBytes(): number;
  /** Closes the file behind the body once the upload is over, however it ended. */
  release(): void;
  timeouts: UploadTimeouts;
  signal: AbortSignal;
}

/**
 * A read stream of the firmware file that reports the running byte count. 1 MiB reads: fewer trips
 * through the stream chain; boards read far slower anyway.
 */
export function countedFileStream(filePath: string, onBytes: (sent: number) => void): { stream: PassThrough; sent(): number; release(): void } {
  const counted = new PassThrough();
  let sent = 0;
  counted.on('data', (chunk: Buffer) => {
    sent += chunk.length;
    onBytes(sent);
  });
  const file = fs.createReadStream(filePath, { highWaterMark: 1024 * 1024 });
  file.on('error', (error) => counted.destroy(error));
  file.pipe(counted);
  return { stream: counted, sent: () => sent, release: () => file.destroy() };
}

export function streamUpload(upload: StreamUpload): Promise<HttpResponse> {
  const { target, timeouts, signal, body } = upload;
  const where = describeTarget(target);
  return new Promise((resolve, reject) => {
    let settled = false;
    let connected = false;
    let responded = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (error: unknown, result?: HttpResponse) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      signal.removeEventListener('abort', onAbort);
      upload.release();
      if (result) resolve(result);
      else {
        req.destroy();
        reject(error);
      }
    };
    const progressNote = () => `about ${formatBytes(Math.min(upload.sentBytes(), upload.bodyBytes))} of ${formatBytes(upload.bodyBytes)} had been sent`;
    // Bytes are counted as they leave the file; the socket may still hold some of them, hence "about".
    const onAbort = () => finish(new UpdateError('cancelled', `Cancelled by you after ${progressNote()}; the board discards a partial image.`));

    const req = http.request({
      host: target.host,
      port: target.port,
      method: 'POST',
      path: upload.path,
      agent: false,
      headers: { 'Content-Length': String(upload.contentLength), Host: hostHeader(target), ...upload.headers },
    });
    timers.push(
      setTimeout(() => {
        if (!connected) {
          finish(new UpdateError('connection-lost', `${where} did not accept a connection within ${timeouts.connectMs / 1000} s. Is it powered and on this network?`));
        }
      }, timeouts.connectMs),
    );
    req.on('socket', (socket) => socket.once('connect', () => (connected = true)));
    req.setTimeout(timeouts.idleMs, () => {
      finish(new UpdateError('connection-lost', `The transfer to ${where} stalled for ${timeouts.idleMs / 1000} s after ${progressNote()}.`));
    });
    req.on('response', (res) => {
      // Some boards (esp-link) answer an error while the body is still coming, then close: from
      // here on the answer decides, not the broken pipe that follows.
      responded = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        finish(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', () => finish(new UpdateError('connection-lost', `${where} closed the connection while answering, after ${progressNote()}.`)));
    });
    req.on('error', (error) => {
      if (signal.aborted || settled || responded) return;
      const base = networkError(target, error);
      if (!connected) return finish(base);
      finish(new UpdateError('connection-lost', `The connection to ${where} was lost after ${progressNote()}. ${base.message} The board keeps running its current firmware; push again.`));
    });
    req.on('finish', () => {
      // The whole body is out: the board now writes/validates; it may take a while to answer.
      req.setTimeout(0);
      timers.push(
        setTimeout(() => {
          finish(new UpdateError('update-failed', `${where} received all ${formatBytes(upload.bodyBytes)} but did not answer within ${timeouts.responseMs / 1000} s.`));
        }, timeouts.responseMs),
      );
    });
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    body.pipe(req);
  });
}
