// Streams a firmware file to a board as multipart/form-data, from disk, with a Content-Length.
// Used by the Mongoose OS, Arduino and ESPHome updaters. `form-data` writes the framing (boundary,
// part headers, closing boundary); the file between them goes through stream-upload.ts, which sends
// it only as fast as the board takes it (form-data's own stream chain reads ahead without bound).
import FormData from 'form-data';
import type { HttpResponse, Target } from './http-client.ts';
import { type FileToSend, streamUpload, type HttpUploadTimeouts } from './stream-upload.ts';

export interface MultipartUpload {
  target: Target;
  path: string;
  /** Text fields sent before the file part (Mongoose OS reads commit_timeout from here). */
  fields: Array<[string, string]>;
  fileField: string;
  file: FileToSend;
  fileName: string;
  headers: Record<string, string>;
  timeouts: HttpUploadTimeouts;
  signal: AbortSignal;
  onBytes(totalFileBytesSent: number): void;
}

export interface MultipartFraming {
  /** Everything before the file's bytes: the fields and the file part's headers. */
  head: Buffer;
  /** Everything after: the part's line break and the closing boundary. */
  tail: Buffer;
  /** Content-Type with the boundary. */
  headers: Record<string, string>;
}

/** The multipart bytes around a file, as form-data frames them: the file is the last part. */
export function multipartFraming(
  fields: Array<[string, string]>,
  fileField: string,
  fileName: string,
): MultipartFraming {
  const form = new FormData();
  for (const [name, value] of fields) form.append(name, value);
  form.append(fileField, Buffer.alloc(0), { filename: fileName, contentType: 'application/octet-stream' });
  const whole = form.getBuffer();
  const tail = Buffer.from(`\r\n--${form.getBoundary()}--\r\n`);
  if (!whole.subarray(whole.length - tail.length).equals(tail))
    throw new Error('form-data framed the closing boundary unexpectedly');
  return {
    head: whole.subarray(0, whole.length - tail.length),
    tail,
    headers: form.getHeaders() as Record<string, string>,
  };
}

export function uploadMultipart(upload: MultipartUpload): Promise<HttpResponse> {
  const framing = multipartFraming(upload.fields, upload.fileField, upload.fileName);
  return streamUpload({
    target: upload.target,
    path: upload.path,
    headers: { ...framing.headers, ...upload.headers },
    head: framing.head,
    file: upload.file,
    tail: framing.tail,
    timeouts: upload.timeouts,
    signal: upload.signal,
    onBytes: upload.onBytes,
  });
}
