// The browser-form style upload the Arduino and ESPHome web updaters expect: one multipart file
// field, credentials as the board wants them (Basic up front where it answers 401 only after the
// whole body; Digest where it challenges with Digest, see board-auth.ts), and
// `Origin: http://<Host>` (ESP32's CSRF check; harmless elsewhere).
import { type HttpResponse, hostHeader } from '../net/http-client.ts';
import { type AuthOptions, sendWithAuth } from '../net/board-auth.ts';
import { uploadMultipart } from '../net/multipart-upload.ts';
import { type PushContext, fileToSend } from './update-protocol.ts';

export function uploadLikeABrowserForm(
  context: PushContext,
  fileField: string,
  auth: AuthOptions,
): Promise<HttpResponse> {
  return sendWithAuth(
    context.target,
    'POST',
    '/update',
    context.credentials,
    (authorization) => sendForm(context, fileField, authorization),
    auth,
  );
}

function sendForm(context: PushContext, fileField: string, authorization: string | undefined): Promise<HttpResponse> {
  const { target, image } = context;
  const headers: Record<string, string> = { Origin: `http://${hostHeader(target)}` };
  if (authorization) headers.Authorization = authorization;
  return uploadMultipart({
    target,
    path: '/update',
    fields: [],
    fileField,
    file: fileToSend(image),
    fileName: image.info.fileName,
    headers,
    timeouts: context.timeouts,
    signal: context.signal,
    onBytes: context.onBytes,
  });
}
