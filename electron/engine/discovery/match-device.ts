// Which listed devices a reference typed by a user means: an id matches exactly one device; a name
// or host name can match several (two BLE sensors flashed with one name), and then the user must
// choose: picking one silently could flash the wrong board.
import type { Device } from '../../../shared/domain.ts';
import { UpdateError } from '../update-error.ts';
import { normaliseAddress } from './ble-devices.ts';

export function matchDevices(devices: Device[], ref: string): Device[] {
  const wanted = ref.trim().toLowerCase();
  const byId = devices.filter((d) => d.id.toLowerCase() === wanted);
  if (byId.length > 0) return byId;
  const bluetooth = normaliseAddress(wanted);
  if (bluetooth) return devices.filter((d) => d.transport === 'ble' && d.address === bluetooth);
  return devices.filter(
    (d) =>
      d.name.toLowerCase() === wanted ||
      d.hostname?.toLowerCase() === wanted ||
      d.hostname?.toLowerCase() === `${wanted}.local`,
  );
}

/** The error for a reference that matches several devices, listing each with its id and where it is. */
export function ambiguousDevice(ref: string, matches: Device[]): UpdateError {
  const where = (d: Device) => (d.transport === 'ble' ? `BLE ${d.address ?? '?'}` : `${d.address ?? '?'}:${d.port}`);
  const list = matches.map((d) => `  ${d.name}  ${where(d)}  id ${d.id}`).join('\n');
  return new UpdateError('invalid-uri', `"${ref}" matches ${matches.length} devices; name one by its id:\n${list}`);
}
