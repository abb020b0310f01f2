import type { DiscoveryStatus } from '../../../../shared/contract.ts';
import { bleStatusLabel } from './transport.ts';

const LABELS: Record<DiscoveryStatus['state'], string> = {
  starting: 'Starting mDNS…',
  running: 'Browsing mDNS',
  unavailable: 'mDNS unavailable',
};

/**
 * mDNS and BLE side by side. A machine without a Bluetooth adapter is common: its BLE line is
 * information in muted grey with the engine's sentence, not a warning and not an error page.
 */
export function DiscoveryBadge({ status }: { status: DiscoveryStatus | null }) {
  const state = status?.state ?? 'starting';
  const ble = status?.ble;
  const bleLabel = bleStatusLabel(ble);
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
    </div>
  );
}
