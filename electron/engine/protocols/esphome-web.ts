// ESPHome's web_server OTA (lan-protocols.md §4.4): POST /update, multipart, and the answer is always
// HTTP 200 with "Update Successful!" or "Update Failed!" — the body is the only verdict, and on
// failure the board gives no reason, so our message says where to look.
import { UpdateError, deviceWords } from '../update-error.ts';
import { type Target, httpRequest } from '../net/http-client.ts';
import { uploadLikeABrowserForm } from './web-form-upload.ts';
import { recogniseEsphome } from './recognise.ts';
import type { PushContext, UpdateProtocol } from './update-protocol.ts';
import { EMPTY_FIRMWARE_INFO } from './update-protocol.ts';

export const esphomeWeb: UpdateProtocol = {
  id: 'esphome-web',

  recognise: recogniseEsphome,

  async push(context: PushContext) {
    const { credentials, target, signal } = context;
    // ESP8266 builds challenge with Digest, ESP-IDF ones with Basic: a GET / learns which before
    // the image goes out (only when there are credentials to answer with).
    const res = await uploadLikeABrowserForm(context, 'update', {
      preflight: () => httpRequest(target, { path: '/', timeoutMs: 3000, signal, maxBodyBytes: 4096 }),
    });
    if (res.status === 401) {
      const words = credentials
        ? 'The board rejected the user name or password.'
        : "The board's web server requires a user name and password (web_server auth:); enter them and push again.";
      throw new UpdateError('auth-failed', words, deviceWords(res.body));
    }
    // The board restarts 100 ms after answering (App.safe_reboot); until then mDNS still carries its old TXT.
    if (/update successful/i.test(res.body))
      return { deviceMessage: deviceWords(res.body), rebootsByItself: true, rebootAfterMs: 300 };
    // Forced onto a board that is not ESPHome: say what its answer means rather than "no verdict".
    if (/update success! rebooting/i.test(res.body)) {
      context.log("The board answered as Arduino's HTTPUpdateServer does, not ESPHome: it took the image and reboots.");
      return { deviceMessage: deviceWords(res.body), rebootsByItself: true };
    }
    if (/^update error/i.test(res.body.trim())) {
      throw new UpdateError(
        'update-failed',
        "The board answered as Arduino's HTTPUpdateServer does, not ESPHome, and refused the image.",
        deviceWords(res.body),
      );
    }
    if (/update failed/i.test(res.body)) {
      const causes =
        'it is not a firmware .bin for this chip, or it does not fit the OTA partition; `esphome logs` on the board says which.';
      throw new UpdateError(
        'update-failed',
        `ESPHome refused the image without a reason. Usual causes: ${causes}`,
        deviceWords(res.body),
      );
    }
    if (res.status === 404)
      throw new UpdateError(
        'unsupported-protocol',
        'The board has no web OTA: add `ota: - platform: web_server` to its ESPHome config.',
        deviceWords(res.body),
      );
    throw new UpdateError(
      'update-failed',
      `The board answered HTTP ${res.status} without saying whether the update worked.`,
      deviceWords(res.body),
    );
  },

  async readFirmware(target: Target, signal?: AbortSignal) {
    await httpRequest(target, { path: '/', timeoutMs: 3000, signal, maxBodyBytes: 4096 });
    return EMPTY_FIRMWARE_INFO;
  },
};
