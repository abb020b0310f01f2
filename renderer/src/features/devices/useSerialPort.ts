// Changing a serial port's settings (baud, flow control, whether OTA Bench may write to it). The
// engine answers with the device as it is now; the list follows with its own devicesChanged event, so
// nothing is kept here but what is being sent and the engine's sentence when it refused.
import { useCallback } from 'react';
import type { SerialPortSettings } from '../../../../shared/domain.ts';
import { useApi } from '../../api.ts';
import { useAsyncAction } from '../../lib/useAsyncAction.ts';

export type SerialPortChange = Omit<SerialPortSettings, 'deviceId'>;

export function useSerialPort(deviceId: string) {
  const api = useApi();
  const send = useCallback((change: SerialPortChange) => api.setSerialPort({ deviceId, ...change }), [api, deviceId]);
  const action = useAsyncAction(send);
  return { change: action.run, pending: action.pending, error: action.error };
}
