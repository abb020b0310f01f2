// What members must not do at the same time, whatever their run: every Bluetooth board goes through
// the one radio (BleSide has one today), and ArduinoOTA boards given a fixed connect-back port would
// each listen on it. A member holds its resource while it plans or runs.
import type { FleetMember, FleetRequest } from '../../../shared/fleet.ts';
import type { ProtocolId } from '../../../shared/domain.ts';

export const RADIO = 'ble-radio';

/** The port ArduinoOTA boards connect back to when one is fixed (the request's, else OTA_BENCH_OTA_PORT). */
function fixedOtaPort(request: Pick<FleetRequest, 'otaListenPort'>): number | null {
  const port = request.otaListenPort ?? Number(process.env.OTA_BENCH_OTA_PORT ?? 0);
  return port > 0 ? port : null;
}

export function resourceOf(
  member: Pick<FleetMember, 'transport'>,
  protocol: ProtocolId | null,
  request: Pick<FleetRequest, 'otaListenPort'>,
): string | null {
  if (member.transport === 'ble') return RADIO;
  const port = protocol === 'arduino-ota' ? fixedOtaPort(request) : null;
  return port ? `ota-port:${port}` : null;
}
