// Left column: discovered and added boards, discovery status, and "Add by address".
import type { Device } from '../../../../shared/domain.ts';
import type { DiscoveryState } from './useDiscoveryStatus.ts';
import type { DevicesState } from './useDevices.ts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useNow } from '../../lib/useNow.ts';
import { AddDeviceForm } from './AddDeviceForm.tsx';
import { applicableFilter, groupDevices, NO_FILTER } from './device-filter.ts';
import { DeviceFilter } from './DeviceFilter.tsx';
import { DeviceGroups } from './DeviceGroups.tsx';
import { DevicesEmpty } from './DevicesEmpty.tsx';
import { DiscoveryBadge } from './DiscoveryBadge.tsx';
import type { OfferedImage } from './selection.ts';
import { SelectionBar } from './SelectionBar.tsx';
import type { DeviceSelection } from './useDeviceSelection.ts';
import './devices.css';

interface DevicePanelProps {
  devices: DevicesState;
  discovery: DiscoveryState;
  selectedId: string | null;
  onSelect: (deviceId: string) => void;
  onAdded: (device: Device) => void;
  /** The boards ticked for a fleet push, and the images it would send (for "select all that can take this file"). */
  selection?: DeviceSelection;
  images?: OfferedImage[];
}

export function DevicePanel({
  devices,
  discovery,
  selectedId,
  onSelect,
  onAdded,
  selection,
  images = [],
}: DevicePanelProps) {
  // Every second: "last seen 12 s ago" must count like a clock, not jump in 5 s steps.
  const now = useNow(1000);
  const online = devices.devices.filter((device) => device.online).length;
  const [filter, setFilter] = useState(NO_FILTER);
  // The filter shows from two boards on (its LAN / BLE buttons when both are listed).
  const filterable = devices.devices.length > 1;
  const shownFilter = applicableFilter(devices.devices, filter);
  // Shift-click ranges follow the rows as shown (groups, filter); a ref keeps the tick handler stable.
  const order = useRef<string[]>([]);
  useEffect(() => {
    order.current = groupDevices(devices.devices, shownFilter).flatMap((group) => group.devices.map((d) => d.id));
  });
  const check = selection?.check;
  const onCheck = useCallback((deviceId: string, range: boolean) => check?.(deviceId, range, order.current), [check]);
  return (
    <aside className="device-panel" aria-label="Boards">
      <header className="device-panel__header">
        <h2 className="panel-title">
          Boards{' '}
          <span className="count">
            {devices.devices.length > 0 ? `${online}/${devices.devices.length} online` : ''}
          </span>
        </h2>
        <DiscoveryBadge status={discovery.status} />
      </header>
      {devices.error && (
        <p className="field-error" role="alert">
          Could not list boards: {devices.error}
        </p>
      )}
      {filterable && <DeviceFilter devices={devices.devices} filter={filter} onChange={setFilter} />}
      {selection && selection.selection.size > 0 && (
        <SelectionBar devices={devices.devices} images={images} selection={selection} />
      )}
      <div className="device-panel__list">
        {devices.loaded && devices.devices.length === 0 ? (
          <DevicesEmpty discovery={discovery.status} />
        ) : (
          <DeviceGroups
            devices={devices.devices}
            filter={shownFilter}
            onFilterChange={setFilter}
            selectedId={selectedId}
            now={now}
            onSelect={onSelect}
            checked={selection?.selection}
            onCheck={selection ? onCheck : undefined}
          />
        )}
      </div>
      <AddDeviceForm onAdded={onAdded} />
    </aside>
  );
}
