// Under a serial port OTA Bench may not write to: the reason, and Allow. A sibling of the row's button
// (a button cannot hold another), indented to the row's text. Allowing starts the engine's probe.
import type { Device } from '../../../../shared/domain.ts';
import { NOT_ALLOWED_NOTE } from './serial.ts';
import { useSerialPort } from './useSerialPort.ts';

export function SerialAllow({ device }: { device: Device }) {
  const port = useSerialPort(device.id);
  return (
    <div className="serial-allow" data-testid="serial-allow">
      <span className="serial-allow__note">{NOT_ALLOWED_NOTE}</span>
      <button
        type="button"
        className="button button--small"
        data-testid="serial-allow-button"
        disabled={port.pending}
        onClick={() => void port.change({ allowed: true })}
        title={`Let OTA Bench write to ${device.serial?.path ?? device.name}: it asks the port for MCUmgr, and pushes go through it`}
      >
        {port.pending ? 'Allowing…' : 'Allow'}
      </button>
      {port.error && (
        <p className="field-error serial-allow__error" role="alert" data-testid="serial-allow-error">
          {port.error}
        </p>
      )}
    </div>
  );
}
