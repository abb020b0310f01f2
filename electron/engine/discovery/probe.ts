// Identifies what update protocol an HTTP board speaks by asking it cheap questions
// (lan-protocols.md §6 notes): Mongoose OS answers POST /rpc/Sys.GetInfo, esp-link answers
// GET /flash/next with user1.bin/user2.bin, Arduino HTTPUpdateServer serves a form with a
// `firmware` file input at GET /update, ESPHome's web server names itself on GET /.
// A board that wants a password is still identified: how it asks (fingerprints.ts) is evidence,
// weaker than an answer, so mDNS TXT and service types outrank it (describe-device.ts).
import type { ProtocolId } from '../../../shared/domain.ts';
import { type HttpResponse, type Target, httpRequest } from '../net/http-client.ts';
import { describeChallenge, lastChallenge } from '../net/board-auth.ts';
import { readEspLinkFirmware } from '../protocols/esp-link-device.ts';
import { parseSysInfo } from '../protocols/mongoose-sysinfo.ts';
import { readEspLinkMac } from '../protocols/board-identity.ts';
import type { FirmwareInfo } from '../protocols/update-protocol.ts';
import {
  isArduinoUpdateForm,
  isBasicChallenge,
  isEsp32UpdateForm,
  isEspAsyncChallenge,
  isEsphomePage,
  isMongooseChallenge,
} from '../protocols/fingerprints.ts';

export interface ProbeResult {
  protocol: ProtocolId;
  info: FirmwareInfo | null;
  authRequired: boolean;
  /** How the board asked for credentials, in words (`HTTP Digest (realm "RPC", MD5)`). */
  authChallenge?: string | null;
  /**
   * `answer`: the firmware answered a question only it answers; `challenge`: known only by how it
   * asks for a password; `user`: named with --protocol when the probe could not tell.
   */
  basis?: 'answer' | 'challenge' | 'user';
  /** For a board it could not identify: each question and the answer, for the error message. */
  note?: string | null;
}

const quiet = <T>(promise: Promise<T>): Promise<T | null> => promise.catch(() => null);

function said(question: string, res: HttpResponse | null): string {
  if (!res) return `${question}: no answer`;
  const challenge = res.status === 401 ? describeChallenge(res.headers['www-authenticate']) : null;
  return `${question}: HTTP ${res.status}${challenge ? `, asks for a password (${challenge})` : ''}`;
}

/**
 * Probes a host. Resolves `unknown` when the host answers HTTP but none of the protocols; rejects
 * when nothing answers at all (so "unreachable" and "not a board we know" stay distinct).
 * Which Arduino core runs is refined later from the `_arduino._tcp` record (describe-device.ts).
 * Credentials remembered for the board (board-auth.ts) are used, so a board behind a password
 * shows what it is once the user has given one.
 */
export async function probeHttpDevice(target: Target, signal?: AbortSignal): Promise<ProbeResult> {
  const ask = (path: string, method = 'GET') =>
    httpRequest(target, {
      method,
      path,
      timeoutMs: 2500,
      signal,
      maxBodyBytes: 64 * 1024,
      ...(method === 'POST' ? { body: '{}', headers: { 'Content-Type': 'application/json' } } : {}),
    });
  // The root page is fetched first and without `quiet`: if nothing answers, the probe fails.
  const root = await ask('/');
  const [rpc, flashNext, updateForm] = await Promise.all([
    quiet(ask('/rpc/Sys.GetInfo', 'POST')),
    quiet(ask('/flash/next')),
    quiet(ask('/update')),
  ]);
  const asked = [root, rpc, flashNext, updateForm].some((r) => r?.status === 401);
  const authChallenge = lastChallenge(target);
  const found = (
    protocol: ProtocolId,
    basis: 'answer' | 'challenge',
    info: FirmwareInfo | null = null,
  ): ProbeResult => ({
    protocol,
    info,
    authRequired: asked || authChallenge !== null,
    authChallenge,
    basis,
    note: null,
  });

  const mongoose = rpc?.status === 200 ? parseSysInfo(rpc.body) : null;
  if (mongoose) return found('mongoose-os', 'answer', mongoose);
  if (flashNext?.status === 200 && /^user[12]\.bin$/.test(flashNext.body.trim())) {
    // Its MAC (/wifi/info) is what tells this board apart if it ever appears at another address.
    const [firmware, mac] = await Promise.all([
      quiet(readEspLinkFirmware(target, signal)),
      quiet(readEspLinkMac(target, signal)),
    ]);
    return found('esp-link', 'answer', firmware && { ...firmware, mac: mac ?? firmware.mac });
  }
  const arduino = () => (updateForm && isEsp32UpdateForm(updateForm) ? 'arduino-esp32' : 'arduino-esp8266');
  if (updateForm && isArduinoUpdateForm(updateForm)) return found(arduino(), 'answer');
  if (isEsphomePage(root)) return found('esphome-web', 'answer');
  // Nothing answered without a password: how each path asks for one tells the firmware apart.
  // Arduino and ESPHome have no /rpc (404); Mongoose's RPC challenge has no opaque.
  if (rpc && isMongooseChallenge(rpc)) return found('mongoose-os', 'challenge');
  // HTTPUpdateServer guards GET /update; ESPHome's /update takes only POST, so GET is a plain 404.
  if (updateForm && isBasicChallenge(updateForm)) return found(arduino(), 'challenge');
  if (isEspAsyncChallenge(root)) return found('esphome-web', 'challenge');
  const note = [
    said('GET /', root),
    said('POST /rpc/Sys.GetInfo', rpc),
    said('GET /flash/next', flashNext),
    said('GET /update', updateForm),
  ].join('; ');
  return { protocol: 'unknown', info: null, authRequired: asked, authChallenge, note };
}
