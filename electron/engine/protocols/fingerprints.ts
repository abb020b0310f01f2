// What each firmware's HTTP answers look like, including how it asks for a password: a 401 is
// evidence, not a verdict. Sources: lan-protocols.md §3.2 (Mongoose RPC auth), §4.1 (Arduino
// WebServer), §4.4 (ESPHome web_server); ESPAsyncWebServer's requestAuthentication().
import type { HttpResponse } from '../net/http-client.ts';
import { digestChallenge } from '../net/digest-auth.ts';
import { parseChallenges } from '../net/www-authenticate.ts';

function digestOf(res: HttpResponse) {
  for (const challenge of parseChallenges(res.headers['www-authenticate'])) {
    const digest = digestChallenge(challenge);
    if (digest) return digest;
  }
  return null;
}

/**
 * Mongoose's mg_http_send_digest_auth_request: Digest, qop="auth", a nonce that is the time in hex,
 * and no opaque (ESPAsyncWebServer and ESP8266WebServer always send an opaque).
 */
export function isMongooseChallenge(res: HttpResponse): boolean {
  const digest = digestOf(res);
  return res.status === 401 && digest !== null && digest.opaque === null && /^[0-9a-f]{1,16}$/i.test(digest.nonce);
}

/** ESPAsyncWebServer's default Digest challenge (realm "asyncesp", with opaque): ESPHome on ESP8266. */
export function isEspAsyncChallenge(res: HttpResponse): boolean {
  const digest = digestOf(res);
  return res.status === 401 && digest !== null && digest.opaque !== null && digest.realm === 'asyncesp';
}

/** A 401 with a Basic challenge: Arduino's WebServer ("Login Required" by default) and ESPHome on ESP-IDF. */
export function isBasicChallenge(res: HttpResponse): boolean {
  return res.status === 401 && parseChallenges(res.headers['www-authenticate']).some((c) => c.scheme === 'basic');
}

/** HTTPUpdateServer's GET /update page: a form with a `firmware` file input. */
export function isArduinoUpdateForm(res: HttpResponse): boolean {
  return res.status === 200 && /name=['"]?firmware/i.test(res.body);
}

/** ESP32 HTTPUpdateServer's form also accepts `.image` files; ESP8266's does not. */
export function isEsp32UpdateForm(res: HttpResponse): boolean {
  return /\.image/i.test(res.body);
}

/** ESPHome web_server's root page: `<esp-app>` and its script from ESPHome's host (v2), or its name. */
export function isEsphomePage(res: HttpResponse): boolean {
  return res.status === 200 && /<esp-app|esphome/i.test(res.body);
}
