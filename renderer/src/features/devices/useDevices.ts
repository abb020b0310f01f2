// The device list: loaded once, then replaced by every devicesChanged event (the event carries the
// whole list). `loaded` turns true when the first listDevices call settles, even if it failed, so the
// window never hangs on "loading" — the error is shown instead.
import { useEffect, useState } from 'react';
import type { Device } from '../../../../shared/domain.ts';
import { errorMessage, useApi } from '../../api.ts';

export interface DevicesState {
  devices: Device[];
  loaded: boolean;
  error: string | null;
}

export function sortDevices(devices: Device[]): Device[] {
  // By name, not by online state: a board that reboots must not jump around under the cursor.
  return [...devices].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

export function useDevices(): DevicesState {
  const api = useApi();
  const [state, setState] = useState<DevicesState>({ devices: [], loaded: false, error: null });

  useEffect(() => {
    let active = true;
    // An event that arrives before the initial list resolves is newer than that list.
    let eventSeen = false;
    const unsubscribe = api.onDevicesChanged((devices) => {
      eventSeen = true;
      setState((previous) => ({ ...previous, devices: sortDevices(devices), error: null }));
    });
    api.listDevices().then(
      (devices) => {
        if (!active) return;
        setState((previous) => ({
          devices: eventSeen ? previous.devices : sortDevices(devices),
          loaded: true,
          error: null,
        }));
      },
      (error: unknown) => {
        if (active) setState((previous) => ({ ...previous, loaded: true, error: errorMessage(error) }));
      },
    );
    return () => {
      active = false;
      unsubscribe();
    };
  }, [api]);

  return state;
}
