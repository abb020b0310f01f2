// Arduino HTTPUpdateServer on ESP8266 and ESP32 (lan-protocols.md §4.1–4.2). Its quirks drive this
// file: failures come back as HTTP 200 "Update error: ERROR[n]: …" (so the body decides, never the
// status), the 401 arrives only after the whole body (so Basic credentials go out up front), and
// ESP32 cores since mid-2025 refuse uploads whose Origin is not http://<Host>.
import { UpdateError, deviceWords } from '../update-error.ts';
import { type Target, httpRequest } from '../net/http-client.ts';
import { uploadLikeABrowserForm } from './web-form-upload.ts';
import { recogniseArduino } from './recognise.ts';
import { formatBytes } from '../../../shared/format.ts';
import type { PushContext, PushOutcome, UpdateProtocol } from './update-protocol.ts';
import { EMPTY_FIRMWARE_INFO } from './update-protocol.ts';

/** Maps an Updater error (ESP8266 "ERROR[n]: text" or ESP32 text) to a result a developer can act on. */
export function arduinoUpdaterFailure(body: string, imageSize: number): UpdateError {
  const words = deviceWords(body);
  const text = words ?? '';
  const number = Number(/ERROR\[(\d+)\]/i.exec(text)?.[1] ?? NaN);
  const is = (n: number, pattern: RegExp) => number === n || pattern.test(text);
  if (/wrong origin/i.test(text)) {
    const why =
      "The board refused the upload's Origin header (ESP32 CSRF check); OTA Bench sends Origin: http://<host> — ";
    return new UpdateError('update-failed', `${why}check the address you used matches the board's Host.`, words);
  }
  if (is(4, /not enough space/i)) {
    const what = `The board has no room for this image: ${formatBytes(imageSize)} does not fit in the free sketch space.`;
    return new UpdateError(
      'not-enough-space',
      `${what} Shrink the sketch or pick a flash layout with a smaller filesystem.`,
      words,
    );
  }
  if (is(10, /magic byte/i)) {
    return new UpdateError(
      'unsupported-package',
      'The board rejected the file: it does not start with the 0xE9 magic byte of an ESP app image (a .zip, an .elf or a web page saved as .bin?).',
      words,
    );
  }
  if (is(7, /md5/i) || is(12, /signature/i))
    return new UpdateError(
      'integrity-failure',
      'The board found the image corrupt or unsigned (checksum/signature verification failed).',
      words,
    );
  if (is(8, /flash config/i) || is(9, /new flash config/i)) {
    return new UpdateError(
      'unsupported-package',
      "The image was built for a different flash size than the board has; rebuild it for this board's flash.",
      words,
    );
  }
  if (is(11, /bootstrapping/i)) {
    const what = 'The board must be reset by hand once after a serial flash before it accepts OTA updates';
    return new UpdateError(
      'update-failed',
      `${what} (ESP8266 "Invalid bootstrapping state"). Press its reset button, then push again.`,
      words,
    );
  }
  if (is(6, /timeout/i))
    return new UpdateError(
      'connection-lost',
      'The board timed out reading the upload (Wi-Fi too weak or link stalled); push again closer to the access point.',
      words,
    );
  if (is(14, /out of memory/i))
    return new UpdateError(
      'out-of-ram',
      'The board ran out of RAM while receiving the update; reboot it and push again.',
      words,
    );
  if (is(15, /already running/i))
    return new UpdateError(
      'update-failed',
      'The board is already receiving another update; wait for it, then push again.',
      words,
    );
  return new UpdateError('update-failed', "The board's updater refused the image.", words);
}

async function pushToHttpUpdateServer(context: PushContext): Promise<PushOutcome> {
  const { image, credentials } = context;
  // Its 401 comes only after the whole body: ask GET /update first (a sketch may use Digest there,
  // ESP8266WebServer's DIGEST_AUTH), and send Basic up front when it did not say.
  const preflight = () =>
    httpRequest(context.target, { path: '/update', timeoutMs: 3000, signal: context.signal, maxBodyBytes: 16 * 1024 });
  const res = await uploadLikeABrowserForm(context, 'firmware', { basicUpFront: true, preflight });
  if (res.status === 401) {
    throw credentials
      ? new UpdateError('auth-failed', 'The board rejected the user name or password.', deviceWords(res.body))
      : new UpdateError(
          'auth-failed',
          'The board wants a user name and password for updates (HTTP Basic); enter them and push again.',
          deviceWords(res.body),
        );
  }
  if (res.status === 200 && /update success/i.test(res.body))
    return { deviceMessage: deviceWords(res.body), rebootsByItself: true };
  if (res.status === 200 && /error/i.test(res.body)) throw arduinoUpdaterFailure(res.body, image.info.size);
  if (res.status === 404)
    throw new UpdateError(
      'unsupported-protocol',
      'The board has no /update handler: the sketch does not include HTTPUpdateServer.',
      deviceWords(res.body),
    );
  throw new UpdateError(
    'update-failed',
    `The board answered HTTP ${res.status} without saying whether the update worked.`,
    deviceWords(res.body),
  );
}

/** The web updater has no version endpoint: a GET of the form proves the board is up, nothing more. */
async function readReachable(target: Target, signal?: AbortSignal) {
  await httpRequest(target, { path: '/update', timeoutMs: 3000, signal });
  return EMPTY_FIRMWARE_INFO;
}

export const arduinoEsp8266: UpdateProtocol = {
  id: 'arduino-esp8266',
  push: pushToHttpUpdateServer,
  readFirmware: readReachable,
  recognise: recogniseArduino,
};
export const arduinoEsp32: UpdateProtocol = {
  id: 'arduino-esp32',
  push: pushToHttpUpdateServer,
  readFirmware: readReachable,
  recognise: recogniseArduino,
};
