import { memo } from 'react';
import type { Device, ProtocolEvidence } from '../../../../shared/domain.ts';
import { formatRelativeTime } from '../../../../shared/format.ts';
import { SignalStrength } from './SignalStrength.tsx';
import { CommitStateTag } from './CommitStateTag.tsx';
import { SerialAllow } from './SerialAllow.tsx';
import { SerialFacts } from './SerialFacts.tsx';
import { deviceEndpoint, protocolLabel } from './transport.ts';

const EVIDENCE: Record<ProtocolEvidence, string> = {
  txt: 'identified from its mDNS TXT record',
  'service-type': 'identified from the service it announces',
  probe: 'identified by probing its HTTP server',
  user: 'chosen by you',
  'usb-id': 'recognised by its USB vendor and product id',
};

/** Another address claims to be this board (engine: discovery/verify-address.ts); the full words are in the title. */
const ADDRESS_CHANGE: Record<NonNullable<Device['addressChange']>['state'], string> = {
  checking: 'address changed, checking',
  unverified: 'address changed, not verified',
  'different-device': 'another device claims to be it',
};

interface DeviceRowProps {
  device: Device;
  selected: boolean;
  now: number;
  onSelect: (deviceId: string) => void;
  /** Ticked for a fleet push (the checkbox); a click on the row itself only picks the single push's board. */
  checked?: boolean;
  /** `range`: shift was held, so every row from the last tick to this one follows. */
  onCheck?: (deviceId: string, range: boolean) => void;
  /** Any row is ticked: every checkbox stays shown (otherwise they show on hover and keyboard focus). */
  selecting?: boolean;
}

// Memoised: a job's progress re-renders the app several times a second; a row changes only with its board.
export const DeviceRow = memo(function DeviceRow({
  device,
  selected,
  now,
  onSelect,
  checked = false,
  onCheck,
  selecting = false,
}: DeviceRowProps) {
  const endpoint = deviceEndpoint(device);
  const seen = formatRelativeTime(device.lastSeen, now);
  const ble = device.transport === 'ble';
  const services = ble && device.services.length > 0 ? `; advertises ${device.services.join(', ')}` : '';
  const serial = device.transport === 'serial' ? (device.serial ?? null) : null;
  const protocol = protocolLabel(device);
  return (
    <li className="device-row-item" data-selecting={selecting || checked}>
      {onCheck && (
        // A sibling of the row's button, not inside it: its own click target and its own Tab stop.
        // The zone is the row's left edge (over the status dot): pointing there shows the box.
        <label className="device-row__check-zone" title="Select for a push to several boards (shift-click: a range)">
          <input
            type="checkbox"
            className="device-row__check"
            data-testid="device-check"
            aria-label={`Select ${device.name} for a push to several boards`}
            checked={checked}
            onChange={(event) => onCheck(device.id, (event.nativeEvent as MouseEvent).shiftKey === true)}
          />
        </label>
      )}
      <button
        type="button"
        className="device-row"
        aria-pressed={selected}
        data-testid="device-row"
        data-device-id={device.id}
        data-online={device.online}
        data-transport={device.transport}
        onClick={() => onSelect(device.id)}
      >
        <span className="device-row__line">
          <span className={`status-dot ${device.online ? 'status-dot--online' : ''}`} aria-hidden />
          {/* Names come from the network: React renders them as text; long ones are cut with a tooltip. */}
          <span className="device-row__name truncate" title={device.name}>
            {device.name}
          </span>
          {/* A version is never cut: a long one (1.2.3-rc.4+build.5678) wraps onto its own line. */}
          <span
            className="device-row__version mono"
            data-testid="device-version"
            title={
              device.firmwareVersion
                ? `Firmware version the board reports: ${device.firmwareVersion}`
                : 'The board reports no version'
            }
          >
            {device.firmwareVersion ?? '—'}
          </span>
        </span>
        <span className="device-row__line device-row__meta">
          <span
            className="mono truncate"
            data-testid="device-address"
            title={
              ble ? `Bluetooth address ${endpoint}` : serial ? `Serial port ${endpoint}` : (device.hostname ?? endpoint)
            }
          >
            {endpoint}
          </span>
          {/* Offline, the path and when it was last seen need the room more than the baud rate. */}
          {serial && device.online && (
            <span className="device-row__baud mono" data-testid="serial-baud">
              {serial.baudRate} baud
            </span>
          )}
          {ble && device.online && <SignalStrength rssi={device.rssi} seen={seen} />}
          {ble && device.online ? (
            <span
              className="device-row__seen device-row__seen--ble"
              data-testid="device-seen"
              title="Last advertisement received"
            >
              {seen}
            </span>
          ) : (
            <span
              className={device.online ? 'device-row__seen' : 'device-row__seen device-row__seen--offline'}
              data-testid="device-seen"
            >
              {device.online ? 'online' : `offline · last seen ${seen}`}
            </span>
          )}
        </span>
        {serial ? (
          <SerialFacts serial={serial} />
        ) : (
          <span className="device-row__line device-row__meta">
            {ble && (
              <span className="transport-badge" data-testid="transport-badge" title="Bluetooth Low Energy">
                BLE
              </span>
            )}
            <span
              className="truncate"
              data-testid="device-protocol"
              title={`${protocol}, ${EVIDENCE[device.protocolEvidence]}${services}`}
            >
              {protocol}
            </span>
            {!device.pushSupported && <span className="tag">push arrives later</span>}
            {device.authRequired && (
              <span className="tag" title={device.authChallenge ? `It asks: ${device.authChallenge}` : undefined}>
                needs a password
              </span>
            )}
            {device.addressChange && (
              <span
                className={device.addressChange.state === 'checking' ? 'tag' : 'tag tag--warning'}
                data-testid="address-change"
                data-state={device.addressChange.state}
                title={device.addressChange.message}
              >
                {ADDRESS_CHANGE[device.addressChange.state]}
              </span>
            )}
            <CommitStateTag state={device.commitState} now={now} />
          </span>
        )}
      </button>
      {serial && !serial.allowed && <SerialAllow device={device} />}
    </li>
  );
});
