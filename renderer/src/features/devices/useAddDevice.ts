// "Add by address" for boards mDNS cannot see (other subnet, VPN, mDNS off on the board).
import { useCallback, useState } from 'react';
import type { Device } from '../../../../shared/domain.ts';
import { useApi } from '../../api.ts';
import { useAsyncAction } from '../../lib/useAsyncAction.ts';

/** host, host:port, [v6]:port; rejects URLs and spaces early so the engine gets something probeable. */
export function addressProblem(target: string): string | null {
  const value = target.trim();
  if (!value) return 'Type an IP address or host name, e.g. 192.168.1.42 or esp32.local:8080.';
  if (/^https:\/\//i.test(value))
    return 'OTA Bench talks plain HTTP to boards; https:// is not supported yet. Type host[:port], e.g. 192.168.1.42:80.';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return 'Leave out the scheme: type 192.168.1.42:80, not http://…';
  if (/\s/.test(value)) return 'An address cannot contain spaces.';
  const port = /^(?:\[[^\]]+\]|[^:]+):(\d*)$/.exec(value)?.[1];
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535)) return 'The port must be 1–65535.';
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
