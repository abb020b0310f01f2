// The ticked boards of the device list (a fleet push from 2 on) and the "Skip offline" choice that
// goes with them into the fleet request. Callbacks are stable, so memoised rows skip re-rendering.
import { useCallback, useMemo, useRef, useState } from 'react';
import type { Device } from '../../../../shared/domain.ts';
import {
  dropUpToDate,
  NO_SELECTION,
  type OfferedImage,
  type Selection,
  selectFitting,
  toggle,
  toggleRange,
} from './selection.ts';

export interface DeviceSelection {
  selection: Selection;
  skipOffline: boolean;
  /** A tick on a row's checkbox; `range` = shift held: everything from the last tick to this row. */
  check: (deviceId: string, range: boolean, order: readonly string[]) => void;
  selectFitting: (devices: readonly Device[], images: readonly OfferedImage[]) => void;
  dropUpToDate: (devices: readonly Device[], images: readonly OfferedImage[]) => void;
  setSkipOffline: (skip: boolean) => void;
  clear: () => void;
}

export function useDeviceSelection(): DeviceSelection {
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const [skipOffline, setSkipOffline] = useState(false);
  // The last row ticked by hand: where a shift-click range starts.
  const anchor = useRef<string | null>(null);

  const check = useCallback((deviceId: string, range: boolean, order: readonly string[]) => {
    // Read now: React may run the updater later, after the anchor has moved to this row.
    const from = anchor.current;
    setSelection((previous) => (range ? toggleRange(previous, order, from, deviceId) : toggle(previous, deviceId)));
    anchor.current = deviceId;
  }, []);

  const selectAll = useCallback((devices: readonly Device[], images: readonly OfferedImage[]) => {
    setSelection(selectFitting(devices, images));
    anchor.current = null;
  }, []);

  const dropCurrent = useCallback((devices: readonly Device[], images: readonly OfferedImage[]) => {
    setSelection((previous) => dropUpToDate(previous, devices, images));
  }, []);

  const clear = useCallback(() => {
    setSelection(NO_SELECTION);
    anchor.current = null;
  }, []);

  return useMemo(
    () => ({
      selection,
      skipOffline,
      check,
      selectFitting: selectAll,
      dropUpToDate: dropCurrent,
      setSkipOffline,
      clear,
    }),
    [selection, skipOffline, check, selectAll, dropCurrent, clear],
  );
}
