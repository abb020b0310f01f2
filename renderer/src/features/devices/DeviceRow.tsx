import type { Device, ProtocolEvidence } from '../../../../shared/domain.ts';
import { PROTOCOL_LABELS } from '../../../../shared/domain.ts';
import { formatEndpoint, formatRelativeTime } from '../../lib/format.ts';

const EVIDENCE: Record<ProtocolEvidence, string> = {
  txt: 'identified from its mDNS TXT record',
  'service-type': 'identified from the mDNS service type it announces',
  probe: 'identified by probing its HTTP server',
  user: 'chosen by you',
};

interface DeviceRowProps {
  device: Device;
  selected: boolean;
  now: number;
  onSelect: (deviceId: string) => void;
}

export function DeviceRow({ device, selected, now, onSelect }: DeviceRowProps) {
  const endpoint = formatEndpoint(device.address, device.hostname, device.port);
  const seen = formatRelativeTime(device.lastSeen, now);
  return (
    <li>
      <button
        type="button"
        className="device-row"
        aria-pressed={selected}
        data-testid="device-row"
        data-device-id={device.id}
        data-online={device.online}
        onClick={() => onSelect(device.id)}
      >
        <span className="device-row__line">
          <span className={`status-dot ${device.online ? 'status-dot--online' : ''}`} aria-hidden />
          {/* Names come from the network: React renders them as text; long ones are cut with a tooltip. */}
          <span className="device-row__name truncate" title={device.name}>
            {device.name}
          </span>
          <span className="device-row__version mono truncate" title="Firmware version the board reports">
            {device.firmwareVersion ?? '—'}
          </span>
        </span>
        <span className="device-row__line device-row__meta">
          <span className="mono truncate" title={device.hostname ?? endpoint}>
            {endpoint}
          </span>
          <span className={device.online ? 'device-row__seen' : 'device-row__seen device-row__seen--offline'}>
            {device.online ? 'online' : `offline · last seen ${seen}`}
          </span>
        </span>
        <span className="device-row__line device-row__meta">
          <span className="truncate" title={`${PROTOCOL_LABELS[device.protocol]}, ${EVIDENCE[device.protocolEvidence]}`}>
            {PROTOCOL_LABELS[device.protocol]}
          </span>
          {!device.pushSupported && <span className="tag">push arrives later</span>}
          {device.authRequired && <span className="tag">password</span>}
        </span>
      </button>
    </li>
  );
}
