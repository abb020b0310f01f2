// Streams a firmware file to a board as multipart/form-data (via `form-data`), from disk, with a
// computed Content-Length. Used by the Mongoose OS, Arduino and ESPHome updaters.
import type { Readable } from 'node:stream';
import FormData from 'form-data';
import type { HttpResponse, Target } from './http-client.ts';
import { countedFileStream, streamUpload, type UploadTimeouts } from './stream-upload.ts';

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
  const form = new FormData();
  for (const [name, value] of upload.fields) form.append(name, value);
  const file = countedFileStream(upload.filePath, upload.onBytes);
  form.append(upload.fileField, file.stream, {
    filename: upload.fileName,
    contentType: 'application/octet-stream',
    knownLength: upload.fileSize,
  });
  return streamUpload({
    target: upload.target,
    path: upload.path,
    headers: { ...form.getHeaders(), ...upload.headers },
    body: form as unknown as Readable,
    contentLength: form.getLengthSync(),
    bodyBytes: upload.fileSize,
    sentBytes: file.sent,
    release: file.release,
    timeouts: upload.timeouts,
    signal: upload.signal,
  });
}
