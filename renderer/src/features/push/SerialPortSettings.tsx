// A serial port's settings in the push card: baud, flow control, and whether OTA Bench may write to it.
// Each control sends its own change (setSerialPort) and shows the engine's refusal beside itself; the
// values shown are the engine's (the device as listed), except for the one being sent.
import { useState } from 'react';
import type { Device, SerialFlowControl, SerialPortFacts } from '../../../../shared/domain.ts';
import { SERIAL_BAUD_RATES } from '../../../../shared/request-schemas.ts';
import { NOT_ALLOWED_NOTE } from '../devices/serial.ts';
import { useSerialPort } from '../devices/useSerialPort.ts';

const FLOW_CONTROL: Record<SerialFlowControl, string> = { none: 'none', 'rts-cts': 'RTS/CTS' };

export function SerialPortSettings({ device, serial }: { device: Device; serial: SerialPortFacts }) {
  const baud = useSerialPort(device.id);
  const flow = useSerialPort(device.id);
  const allow = useSerialPort(device.id);
  const [askedBaud, setAskedBaud] = useState<number | null>(null);
  const [askedFlow, setAskedFlow] = useState<SerialFlowControl | null>(null);
  const shownBaud = baud.pending && askedBaud !== null ? askedBaud : serial.baudRate;
  const shownFlow = flow.pending && askedFlow !== null ? askedFlow : serial.flowControl;
  return (
    <fieldset className="serial-settings" data-testid="serial-settings">
      <legend className="field-label">Port settings</legend>
      <div className="serial-settings__grid">
        <label className="field-label" htmlFor="serial-baud">
          Baud
        </label>
        <span className="serial-settings__control">
          <select
            id="serial-baud"
            className="input"
            data-testid="serial-baud-select"
            value={shownBaud}
            disabled={baud.pending}
            aria-invalid={baud.error !== null}
            onChange={(event) => {
              const baudRate = Number(event.target.value);
              setAskedBaud(baudRate);
              void baud.change({ baudRate });
            }}
          >
            {/* A rate the engine reports that the list lacks is still shown as it is. */}
            {[...new Set([...SERIAL_BAUD_RATES, serial.baudRate])]
              .sort((a, b) => a - b)
              .map((rate) => (
                <option key={rate} value={rate}>
                  {rate}
                  {rate === 115200 ? ' (MCUmgr default)' : ''}
                </option>
              ))}
          </select>
          {baud.error && (
            <span className="field-error" role="alert" data-testid="serial-baud-error">
              {baud.error}
            </span>
          )}
        </span>
        <label className="field-label" htmlFor="serial-flow">
          Flow control
        </label>
        <span className="serial-settings__control">
          <select
            id="serial-flow"
            className="input"
            data-testid="serial-flow-select"
            value={shownFlow}
            disabled={flow.pending}
            aria-invalid={flow.error !== null}
            onChange={(event) => {
              const flowControl = event.target.value as SerialFlowControl;
              setAskedFlow(flowControl);
              void flow.change({ flowControl });
            }}
          >
            {(Object.keys(FLOW_CONTROL) as SerialFlowControl[]).map((value) => (
              <option key={value} value={value}>
                {FLOW_CONTROL[value]}
              </option>
            ))}
          </select>
          {flow.error && (
            <span className="field-error" role="alert" data-testid="serial-flow-error">
              {flow.error}
            </span>
          )}
        </span>
      </div>
      <label className="serial-settings__allow">
        <input
          type="checkbox"
          data-testid="serial-allowed"
          checked={allow.pending ? !serial.allowed : serial.allowed}
          disabled={allow.pending}
          onChange={(event) => void allow.change({ allowed: event.target.checked })}
        />
        <span>
          Let OTA Bench write to <span className="mono">{serial.path}</span>
          <span className="hint serial-settings__why">
            {serial.allowed
              ? ' It asks the port for MCUmgr and pushes through it.'
              : ` ${NOT_ALLOWED_NOTE} Allowing it sends an MCUmgr request to find out what answers.`}
          </span>
        </span>
      </label>
      {allow.error && (
        <p className="field-error" role="alert" data-testid="serial-allowed-error">
          {allow.error}
        </p>
      )}
    </fieldset>
  );
}
