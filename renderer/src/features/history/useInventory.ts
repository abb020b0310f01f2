// Every board ever seen (listInventory), read again when boards come and go or a push is recorded:
// at most once a second, however many events arrive (twenty pushes change state many times a second).
import { useCallback, useEffect, useState } from 'react';
import type { InventoryDevice } from '../../../../shared/history.ts';
import { errorMessage, useApi } from '../../api.ts';

const REFRESH_AT_MOST_EVERY_MS = 1000;

export interface InventoryState {
  devices: InventoryDevice[];
  loaded: boolean;
  error: string | null;
  /** A row the user changed (label, notes), replaced without waiting for the next read. */
  replace: (device: InventoryDevice) => void;
}

/** `live`: read again as boards and pushes change (the Devices view); else once (a filter's board list). */
export function useInventory({ live: following = true } = {}): InventoryState {
  const api = useApi();
  const [devices, setDevices] = useState<InventoryDevice[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let lastRead = 0;
    const read = () => {
      timer = null;
      lastRead = Date.now();
      api.listInventory().then(
        (listed) => {
          if (!live) return;
          setDevices(listed);
          setError(null);
          setLoaded(true);
        },
        (caught: unknown) => {
          if (!live) return;
          setError(errorMessage(caught));
          setLoaded(true);
        },
      );
    };
    const soon = () => {
      if (timer !== null) return;
      timer = setTimeout(read, Math.max(0, lastRead + REFRESH_AT_MOST_EVERY_MS - Date.now()));
    };
    read();
    const offDevices = following ? api.onDevicesChanged(soon) : () => undefined;
    const offHistory = following ? api.onHistoryChanged(soon) : () => undefined;
    return () => {
      live = false;
      if (timer !== null) clearTimeout(timer);
      offDevices();
      offHistory();
    };
  }, [api, following]);

  const replace = useCallback(
    (device: InventoryDevice) =>
      setDevices((listed) => listed.map((known) => (known.deviceId === device.deviceId ? device : known))),
    [],
  );
  return { devices, loaded, error, replace };
}
