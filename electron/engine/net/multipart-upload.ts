// Streams a firmware file to a board as multipart/form-data (via `form-data`), from disk, with a
// computed Content-Length (some boards size the transfer from it and none accept chunked bodies).
// Bytes are counted as they leave the file stream; the caller samples that count for progress.
import fs from 'node:fs';
import http from 'node:http';
import { PassThrough } from 'node:stream';
import FormData from 'form-data';
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

export interface MultipartUpload {
  target: Target;
  path: string;
  /** Text fields sent before the file part (Mongoose OS reads commit_timeout from here). */
  fields: Array<[string, string]>;
  fileField: string;
  filePath: string;
  fileName: string;
  fileSize: number;
  headers: Record<string, string>;
  timeouts: UploadTimeouts;
  signal: AbortSignal;
  onBytes(totalFileBytesSent: number): void;
}

export function uploadMultipart(upload: MultipartUpload): Promise<HttpResponse> {
  const { target, timeouts, signal } = upload;
  const where = describeTarget(target);
  const form = new FormData();
  for (const [name, value] of upload.fields) form.append(name, value);
  const counted = new PassThrough();
  let sent = 0;
  counted.on('data', (chunk: Buffer) => {
    sent += chunk.length;
    upload.onBytes(sent);
  });
  // 1 MiB reads: fewer trips through form-data's stream chain; boards read far slower anyway.
  const file = fs.createReadStream(upload.filePath, { highWaterMark: 1024 * 1024 });
  file.on('error', (error) => counted.destroy(error));
  file.pipe(counted);
  form.append(upload.fileField, counted, {
    filename: upload.fileName,
    contentType: 'application/octet-stream',
    knownLength: upload.fileSize,
  });

  return new Promise((resolve, reject) => {
    let settled = false;
    let connected = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (error: unknown, result?: HttpResponse) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      signal.removeEventListener('abort', onAbort);
      file.destroy();
      if (result) resolve(result);
      else {
        req.destroy();
        reject(error);
      }
    };
    const progressNote = () => `about ${formatBytes(Math.min(sent, upload.fileSize))} of ${formatBytes(upload.fileSize)} had been sent`;
    // Bytes are counted as they leave the file; the socket may still hold some of them, hence "about".
    const onAbort = () => finish(new UpdateError('cancelled', `Cancelled by you after ${progressNote()}; the board discards a partial image.`));

    const req = http.request({
      host: target.host,
      port: target.port,
      method: 'POST',
      path: upload.path,
      agent: false,
      headers: { ...form.getHeaders(), 'Content-Length': String(form.getLengthSync()), Host: hostHeader(target), ...upload.headers },
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
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        finish(null, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', () => finish(new UpdateError('connection-lost', `${where} closed the connection while answering, after ${progressNote()}.`)));
    });
    req.on('error', (error) => {
      if (signal.aborted || settled) return;
      const base = networkError(target, error);
      if (!connected) return finish(base);
      finish(new UpdateError('connection-lost', `The connection to ${where} was lost after ${progressNote()}. ${base.message} The board keeps running its current firmware; push again.`));
    });
    req.on('finish', () => {
      // The whole body is out: the board now writes/validates; it may take a while to answer.
      req.setTimeout(0);
      timers.push(
        setTimeout(() => {
          finish(new UpdateError('update-failed', `${where} received all ${formatBytes(upload.fileSize)} but did not answer within ${timeouts.responseMs / 1000} s.`));
        }, timeouts.responseMs),
      );
    });
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    form.pipe(req);
  });
}
