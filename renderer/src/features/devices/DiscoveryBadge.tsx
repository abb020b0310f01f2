import type { DiscoveryStatus } from '../../../../shared/contract.ts';
import { serialStatusLabel } from './serial.ts';
import { bleStatusLabel } from './transport.ts';

const LABELS: Record<DiscoveryStatus['state'], string> = {
  starting: 'Starting mDNS…',
  running: 'Browsing mDNS',
  unavailable: 'mDNS unavailable',
};

/**
 * mDNS, BLE and serial ports side by side. A machine without a Bluetooth adapter is common: its BLE line is
 * information in muted grey with the engine's sentence, not a warning and not an error page; so is
 * a serial port list that cannot be read (the native module did not load).
 */
export function DiscoveryBadge({ status }: { status: DiscoveryStatus | null }) {
  const state = status?.state ?? 'starting';
  const ble = status?.ble;
  const bleLabel = bleStatusLabel(ble);
  const serial = status?.serial;
  const serialLabel = serialStatusLabel(serial);
  return (
    <div className="discovery-strip">
      <span
        className={`discovery discovery--${state}`}
        data-testid="discovery-status"
        data-state={state}
        title={status?.message}
      >
        <span className="discovery__pulse" aria-hidden />
        {LABELS[state]}
      </span>
      {ble && bleLabel && (
        <span
          className={`discovery discovery--ble discovery--ble-${ble.state}`}
          data-testid="ble-status"
          data-state={ble.state}
          title={ble.message || undefined}
        >
          <span className="discovery__pulse" aria-hidden />
          <span className="discovery__text">{bleLabel}</span>
        </span>
      )}
      {serial && serialLabel && (
        <span
          className={`discovery discovery--ble discovery--serial-${serial.state}`}
          data-testid="serial-status"
          data-state={serial.state}
          title={serial.message || undefined}
        >
          <span className="discovery__pulse" aria-hidden />
          <span className="discovery__text">{serialLabel}</span>
        </span>
      )}
    </div>
  );
}
