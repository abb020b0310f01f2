// The third line of a serial port's row: what tells the cable apart (USB or UART, vendor:product, the
// board its ids name) and what the MCUmgr probe found, in words with the engine's sentence on hover.
import type { SerialPortFacts } from '../../../../shared/domain.ts';
import { probeExplanation, probeTone, probeWords, serialMaker, usbIds } from './serial.ts';

const TONE_CLASS = { neutral: 'tag', success: 'tag tag--success', warning: 'tag tag--warning' } as const;

export function SerialFacts({ serial }: { serial: SerialPortFacts }) {
  const ids = usbIds(serial);
  const maker = serialMaker(serial);
  const about = [
    ids ? `USB ${ids}` : 'not a USB device',
    serial.knownBoard,
    serial.manufacturer,
    serial.serialNumber ? `serial number ${serial.serialNumber}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <span className="device-row__line device-row__meta">
      {/* vendor:product already says USB; a port without USB ids (a UART on a header) says what it is. */}
      {!ids && (
        <span className="transport-badge" data-testid="transport-badge" title="A serial port that is not a USB device">
          UART
        </span>
      )}
      <span className="truncate" data-testid="serial-identity" title={about}>
        {ids && <span className="mono">{ids}</span>}
        {ids && maker && ' · '}
        {maker}
      </span>
      <span
        className={TONE_CLASS[probeTone(serial.probe)]}
        data-testid="serial-probe"
        data-probe={serial.probe}
        title={probeExplanation(serial)}
      >
        {probeWords(serial)}
      </span>
    </span>
  );
}
