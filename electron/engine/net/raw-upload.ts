// Streams a firmware file as the raw request body (esp-link's POST /flash/upload, what
// `curl --data-binary @file` sends): no multipart wrapping, Content-Length set, never chunked.
import type { HttpResponse, Target } from './http-client.ts';
import { countedFileStream, streamUpload, type UploadTimeouts } from './stream-upload.ts';

export interface RawUpload {
  target: Target;
  path: string;
  filePath: string;
  fileSize: number;
  timeouts: UploadTimeouts;
  signal: AbortSignal;
  onBytes(sent: number): void;
}

export function uploadRaw(upload: RawUpload): Promise<HttpResponse> {
  const file = countedFileStream(upload.filePath, upload.onBytes);
  return streamUpload({
    target: upload.target,
    path: upload.path,
    headers: { 'Content-Type': 'application/octet-stream' },
    body: file.stream,
    contentLength: upload.fileSize,
    bodyBytes: upload.fileSize,
    sentBytes: file.sent,
    release: file.release,
    timeouts: upload.timeouts,
    signal: upload.signal,
  });
}
