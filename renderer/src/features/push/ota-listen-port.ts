// ArduinoOTA boards connect back to OTA Bench for the image: the user may fix that port (to open it
// in a host firewall) or leave it blank for a free one per push.
import type { Device } from '../../../../shared/domain.ts';
import { OTA_LISTEN_PORT_LIMITS } from '../../../../shared/request-schemas.ts';

/** Only ArduinoOTA boards connect back; other protocols have nothing to fix. */
export const asksOtaListenPort = (device: Device | null): boolean =>
  device !== null && device.pushSupported && device.protocol === 'arduino-ota';

/** The port as typed: blank is "any free port" (undefined); null when it is no port we can listen on. */
export function otaListenPortFrom(text: string): number | undefined | null {
  if (text.trim() === '') return undefined;
  if (!/^\d+$/.test(text.trim())) return null;
  const port = Number(text);
  return port >= OTA_LISTEN_PORT_LIMITS.min && port <= OTA_LISTEN_PORT_LIMITS.max ? port : null;
}

export const OTA_LISTEN_PORT_REFUSAL = `The port the board connects back to must be a whole number from ${OTA_LISTEN_PORT_LIMITS.min} to ${OTA_LISTEN_PORT_LIMITS.max}, or blank for any free port.`;
