// Identifies what update protocol an HTTP board speaks by asking it cheap questions
// (lan-protocols.md §6 notes): Mongoose OS answers POST /rpc/Sys.GetInfo, esp-link answers
// GET /flash/next with user1.bin/user2.bin, Arduino HTTPUpdateServer serves a form with a
// `firmware` file input at GET /update, ESPHome's web server names itself on GET /.
import type { ProtocolId } from '../../../shared/domain.ts';
import { type Target, httpRequest } from '../net/http-client.ts';
import { readEspLinkFirmware } from '../protocols/esp-link-device.ts';
import { readMongooseInfo } from '../protocols/mongoose-os.ts';
import type { FirmwareInfo } from '../protocols/update-protocol.ts';

export interface ProbeResult {
  protocol: ProtocolId;
  info: FirmwareInfo | null;
  authRequired: boolean;
}

const quiet = <T>(promise: Promise<T>): Promise<T | null> => promise.catch(() => null);

/**
 * Probes a host. Resolves `unknown` when the host answers HTTP but none of the protocols; rejects
 * when nothing answers at all (so "unreachable" and "not a board we know" stay distinct).
 * Which Arduino core runs is refined later from the `_arduino._tcp` record (describe-device.ts).
 */
export async function probeHttpDevice(target: Target, signal?: AbortSignal): Promise<ProbeResult> {
  const get = (path: string) => httpRequest(target, { path, timeoutMs: 2500, signal, maxBodyBytes: 64 * 1024 });
  // The root page is fetched first and without `quiet`: if nothing answers, the probe fails.
  const root = await get('/');
  const [mongoose, flashNext, updateForm] = await Promise.all([
    quiet(readMongooseInfo(target, signal)),
    quiet(get('/flash/next')),
    quiet(get('/update')),
  ]);
  if (mongoose) return { protocol: 'mongoose-os', info: mongoose, authRequired: false };
  if (flashNext?.status === 200 && /^user[12]\.bin$/.test(flashNext.body.trim())) {
    return { protocol: 'esp-link', info: await quiet(readEspLinkFirmware(target, signal)), authRequired: false };
  }
  if (updateForm && (updateForm.status === 401 || /name=['"]?firmware/i.test(updateForm.body))) {
    const protocol = /\.image/i.test(updateForm.body) ? 'arduino-esp32' : 'arduino-esp8266';
    return { protocol, info: null, authRequired: updateForm.status === 401 };
  }
  if (/esphome/i.test(root.body)) return { protocol: 'esphome-web', info: null, authRequired: root.status === 401 };
  return { protocol: 'unknown', info: null, authRequired: root.status === 401 };
}
