import { formatRssi } from '../../../../shared/format.ts';
import { signalLevel, signalWord } from '../../lib/ble.ts';

/** Four bars and the dBm figure of the last advertisement. */
export function SignalStrength({ rssi, seen }: { rssi: number | null; seen?: string }) {
  const level = signalLevel(rssi);
  const title = `Signal ${signalWord(rssi)}: ${formatRssi(rssi)}${seen ? `, last advertisement ${seen}` : ''}`;
  return (
    <span className="signal" data-testid="device-rssi" data-level={level} title={title}>
      <span className="signal__bars" aria-hidden>
        {[1, 2, 3, 4].map((bar) => (
          <span key={bar} className="signal__bar" data-on={bar <= level} />
        ))}
      </span>
      <span className="signal__dbm mono">{formatRssi(rssi)}</span>
    </span>
  );
}
