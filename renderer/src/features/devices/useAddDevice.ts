// "Add by address" for boards mDNS cannot see (other subnet, VPN, mDNS off on the board), MCUmgr boards
// over UDP, and serial ports the OS does not list.
import { useCallback, useState } from 'react';
import type { Device } from '../../../../shared/domain.ts';
import { SERIAL_BAUD_RATES } from '../../../../shared/request-schemas.ts';
import { useApi } from '../../api.ts';
import { useAsyncAction } from '../../lib/useAsyncAction.ts';

/** What the form takes, for its hint and its first error. */
export const ADDRESS_FORMS =
  'host[:port] (e.g. 192.168.1.42:80), udp://host[:port] for MCUmgr over UDP (port 1337 by default), or serial:/dev/ttyACM0@115200 for a serial port';

/**
 * host, host:port, [v6]:port; `udp://host[:port]` (MCUmgr over UDP) and `serial:<path>[@baud]` (a port
 * the OS does not list). Rejects other URLs and spaces early so the engine gets something it can probe;
 * the engine has the last word (and its sentence is shown as it says it).
 */
export function addressProblem(target: string): string | null {
  const value = target.trim();
  if (!value) return `Type an address: ${ADDRESS_FORMS}.`;
  if (/\s/.test(value)) return 'An address cannot contain spaces.';
  if (/^serial:/i.test(value)) return serialTargetProblem(value.slice('serial:'.length));
  if (/^https:\/\//i.test(value))
    return 'OTA Bench talks plain HTTP to boards; https:// is not supported yet. Type host[:port], e.g. 192.168.1.42:80.';
  const udp = /^udp:\/\//i.test(value);
  const host = udp ? value.slice('udp://'.length) : value;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(host))
    return 'Leave out the scheme: type 192.168.1.42:80, not http://… (only udp:// is taken, for MCUmgr over UDP).';
  if (udp && !host) return 'Type the board after udp://, e.g. udp://192.168.1.50 or udp://192.168.1.50:1337.';
  const port = /^(?:\[[^\]]+\]|[^:]+):(\d*)$/.exec(host)?.[1];
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535)) return 'The port must be 1–65535.';
  return null;
}

/** `serial:/dev/ttyACM0`, `serial:COM5@115200`: a path, and a baud rate a port may be set to. */
function serialTargetProblem(rest: string): string | null {
  const [path, baud, ...more] = rest.split('@');
  if (!path) return 'Type the port after serial:, e.g. serial:/dev/ttyACM0 or serial:/dev/ttyACM0@115200.';
  if (more.length > 0 || (baud !== undefined && !SERIAL_BAUD_RATES.some((rate) => String(rate) === baud))) {
    return `The baud rate after @ must be one of ${SERIAL_BAUD_RATES.join(', ')}.`;
  }
  return null;
}

export function useAddDevice(onAdded: (device: Device) => void) {
  const api = useApi();
  const [target, setTarget] = useState('');
  const add = useCallback((value: string) => api.addDevice({ target: value }), [api]);
  const action = useAsyncAction(add);
  const [localProblem, setLocalProblem] = useState<string | null>(null);

  const submit = async () => {
    const problem = addressProblem(target);
    setLocalProblem(problem);
    if (problem) return;
    const device = await action.run(target.trim());
    if (device) {
      setTarget('');
      onAdded(device);
    }
  };

  const change = (value: string) => {
    setTarget(value);
    setLocalProblem(null);
    action.clearError();
  };

  return { target, change, submit, pending: action.pending, error: localProblem ?? action.error };
}
