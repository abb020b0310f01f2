// The browser-form style upload the Arduino and ESPHome web updaters expect: one multipart file
// field, Basic credentials sent up front (some servers only answer 401 after the whole body), and
// `Origin: http://<Host>` (ESP32's CSRF check; harmless elsewhere).
import { type HttpResponse, hostHeader } from '../net/http-client.ts';
import { uploadMultipart } from '../net/multipart-upload.ts';
import type { PushContext } from './update-protocol.ts';

export function uploadLikeABrowserForm(context: PushContext, fileField: string): Promise<HttpResponse> {
  const { target, image, credentials } = context;
  const headers: Record<string, string> = { Origin: `http://${hostHeader(target)}` };
  if (credentials) headers.Authorization = `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`;
  return uploadMultipart({
    target,
    path: '/update',
    fields: [],
    fileField,
    filePath: image.path,
    fileName: image.info.fileName,
    fileSize: image.info.size,
    headers,
    timeouts: context.timeouts,
    signal: context.signal,
    onBytes: context.onBytes,
  });
}
