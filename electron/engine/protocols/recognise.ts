// Each web protocol's own test of "does this board speak me?", for a protocol the user forces with
// --protocol: the plan names the protocol and says what the board answered, and a board that
// plainly runs other firmware is refused before a byte is sent (overridable: the user may know better).
import { type HttpResponse, type Target, httpRequest } from '../net/http-client.ts';
import { describeChallenge } from '../net/board-auth.ts';
import {
  isArduinoUpdateForm,
  isBasicChallenge,
  isEspAsyncChallenge,
  isEsphomePage,
  isMongooseChallenge,
} from './fingerprints.ts';
import { parseSysInfo } from './mongoose-sysinfo.ts';
import type { Recognition } from './update-protocol.ts';

const get = (target: Target, path: string, signal?: AbortSignal, method = 'GET') =>
  httpRequest(target, {
    method,
    path,
    timeoutMs: 3000,
    signal,
    maxBodyBytes: 64 * 1024,
    ...(method === 'POST' ? { body: '{}', headers: { 'Content-Type': 'application/json' } } : {}),
  }).catch(() => null);

const status = (res: HttpResponse) =>
  `HTTP ${res.status}${res.status === 401 ? ` asking for a password (${describeChallenge(res.headers['www-authenticate']) ?? 'no challenge'})` : ''}`;

export async function recogniseMongoose(target: Target, signal?: AbortSignal): Promise<Recognition> {
  const rpc = await get(target, '/rpc/Sys.GetInfo', signal, 'POST');
  if (!rpc) return { verdict: 'unknown', detail: 'POST /rpc/Sys.GetInfo got no answer.' };
  if (rpc.status === 200 && parseSysInfo(rpc.body))
    return { verdict: 'yes', detail: 'It answers Sys.GetInfo like Mongoose OS.' };
  if (isMongooseChallenge(rpc))
    return {
      verdict: 'yes',
      detail: `Its RPC asks for a password the way Mongoose OS does (${describeChallenge(rpc.headers['www-authenticate'])}).`,
    };
  if (rpc.status === 404)
    return { verdict: 'no', detail: 'POST /rpc/Sys.GetInfo: HTTP 404: no Mongoose OS RPC service.' };
  return { verdict: 'unknown', detail: `POST /rpc/Sys.GetInfo: ${status(rpc)}.` };
}

export async function recogniseEsphome(target: Target, signal?: AbortSignal): Promise<Recognition> {
  const [root, update] = await Promise.all([get(target, '/', signal), get(target, '/update', signal)]);
  // ESPHome's /update takes only POST: a page there is another updater's (it would flash the file
  // under ESPHome's field name and answer in its own words).
  if (update && isArduinoUpdateForm(update))
    return {
      verdict: 'no',
      detail: "GET /update serves Arduino HTTPUpdateServer's upload form; ESPHome has no page there.",
    };
  if (update && isBasicChallenge(update)) {
    const challenge = describeChallenge(update.headers['www-authenticate']);
    return {
      verdict: 'no',
      detail: `GET /update asks for a password (${challenge}) as Arduino's HTTPUpdateServer does; ESPHome answers 404 there.`,
    };
  }
  if (!root) return { verdict: 'unknown', detail: 'GET / got no answer.' };
  if (isEsphomePage(root)) return { verdict: 'yes', detail: "Its root page is ESPHome's web server." };
  if (isEspAsyncChallenge(root))
    return {
      verdict: 'yes',
      detail: `It asks for a password as ESPHome does on ESP8266 (${describeChallenge(root.headers['www-authenticate'])}).`,
    };
  return {
    verdict: 'unknown',
    detail: `GET /: ${status(root)}; GET /update: ${update ? status(update) : 'no answer'}.`,
  };
}

export async function recogniseArduino(target: Target, signal?: AbortSignal): Promise<Recognition> {
  const update = await get(target, '/update', signal);
  if (!update) return { verdict: 'unknown', detail: 'GET /update got no answer.' };
  if (isArduinoUpdateForm(update)) return { verdict: 'yes', detail: "GET /update serves HTTPUpdateServer's form." };
  if (isBasicChallenge(update))
    return {
      verdict: 'yes',
      detail: `GET /update asks for a password as HTTPUpdateServer does (${describeChallenge(update.headers['www-authenticate'])}).`,
    };
  if (update.status === 404)
    return { verdict: 'no', detail: 'GET /update: HTTP 404: the sketch has no HTTPUpdateServer.' };
  return { verdict: 'unknown', detail: `GET /update: ${status(update)}.` };
}
