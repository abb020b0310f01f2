// Streams a firmware file as the raw request body (esp-link's POST /flash/upload, what
// `curl --data-binary @file` sends): no multipart wrapping, Content-Length set, never chunked.
import type { HttpResponse, Target } from './http-client.ts';
import { type FileToSend, streamUpload, type HttpUploadTimeouts } from './stream-upload.ts';

export interface RawUpload {
  target: Target;
  path: string;
  file: FileToSend;
  timeouts: HttpUploadTimeouts;
  signal: AbortSignal;
  onBytes(sent: number): void;
}

export function uploadRaw(upload: RawUpload): Promise<HttpResponse> {
  return streamUpload({
    target: upload.target,
    path: upload.path,
    headers: { 'Content-Type': 'application/octet-stream' },
    head: Buffer.alloc(0),
    file: upload.file,
    tail: Buffer.alloc(0),
    timeouts: upload.timeouts,
    signal: upload.signal,
    onBytes: upload.onBytes,
  });
}
