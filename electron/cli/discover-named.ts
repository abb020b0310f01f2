// `ota-bench discover --serial PATH --udp HOST[:PORT]`: boards discovery cannot find by itself (a port
// the user allows, a pty the OS does not list, an MCUmgr board over UDP) added by what the user named,
// each probed; the ones that could not be added come back with the reason, for a line each.
import type { OtaEngine } from '../engine/engine-api.ts';
import { resolveDeviceRef } from './resolve-device.ts';

export interface NotAdded {
  ref: string;
  reason: string;
}

/** `--serial /dev/ttyACM0` and `--serial serial:/dev/ttyACM0@9600` alike; `--udp host` and `--udp udp://host`. */
export function namedRefs(serial: string[], udp: string[]): string[] {
  const serialRefs = serial.map((path) => (/^serial:/i.test(path) ? path : `serial:${path}`));
  const udpRefs = udp.map((host) => (/^udp:\/\//i.test(host) ? host : `udp://${host}`));
  return [...serialRefs, ...udpRefs];
}

export async function addNamedBoards(engine: OtaEngine, serial: string[], udp: string[]): Promise<NotAdded[]> {
  const failures: NotAdded[] = [];
  await Promise.all(
    namedRefs(serial, udp).map((ref) =>
      resolveDeviceRef(engine, ref, 0).catch((error: Error) => {
        failures.push({ ref, reason: error.message });
      }),
    ),
  );
  return failures;
}
