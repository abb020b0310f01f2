// Left column: discovered and added boards, discovery status, and "Add by address".
import type { Device } from '../../../../shared/domain.ts';
import type { DiscoveryState } from './useDiscoveryStatus.ts';
import type { DevicesState } from './useDevices.ts';
import { useNow } from '../../lib/useNow.ts';
import { AddDeviceForm } from './AddDeviceForm.tsx';
import { DeviceRow } from './DeviceRow.tsx';
import { DevicesEmpty } from './DevicesEmpty.tsx';
import { DiscoveryBadge } from './DiscoveryBadge.tsx';
import './devices.css';

interface DevicePanelProps {
  devices: DevicesState;
  discovery: DiscoveryState;
  selectedId: string | null;
  onSelect: (deviceId: string) => void;
  onAdded: (device: Device) => void;
}

export function DevicePanel({ devices, discovery, selectedId, onSelect, onAdded }: DevicePanelProps) {
  // Every second: "last seen 12 s ago" must count like a clock, not jump in 5 s steps.
  const now = useNow(1000);
  const online = devices.devices.filter((device) => device.online).length;
  return (
    <aside className="device-panel" aria-label="Boards">
      <header className="device-panel__header">
        <h2 className="panel-title">
          Boards <span className="count">{devices.devices.length > 0 ? `${online}/${devices.devices.length} online` : ''}</span>
        </h2>
        <DiscoveryBadge status={discovery.status} />
      </header>
      {devices.error && (
        <p className="field-error" role="alert">
          Could not list boards: {devices.error}
        </p>
      )}
      <div className="device-panel__list">
        {devices.loaded && devices.devices.length === 0 ? (
          <DevicesEmpty discovery={discovery.status} />
        ) : (
          <ul className="device-list" data-testid="device-list">
            {devices.devices.map((device) => (
              <DeviceRow key={device.id} device={device} selected={device.id === selectedId} now={now} onSelect={onSelect} />
            ))}
          </ul>
        )}
      </div>
      <AddDeviceForm onAdded={onAdded} />
    </aside>
  );
}
