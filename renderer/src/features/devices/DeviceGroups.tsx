// The board list in sections, LAN then BLE, each with its count ("2" or, while filtering, "1 of 2").
// What passes the filter comes from device-filter.ts; each row is DeviceRow as before.
import type { Device } from '../../../../shared/domain.ts';
import { type DeviceFilterState, groupDevices, isFiltering, NO_FILTER, TRANSPORT_LABELS } from './device-filter.ts';
import { DeviceRow } from './DeviceRow.tsx';

interface DeviceGroupsProps {
  devices: Device[];
  filter: DeviceFilterState;
  onFilterChange: (filter: DeviceFilterState) => void;
  selectedId: string | null;
  now: number;
  onSelect: (deviceId: string) => void;
  /** Ticked for a fleet push, and the tick handler (absent: no checkboxes). */
  checked?: ReadonlySet<string>;
  onCheck?: (deviceId: string, range: boolean) => void;
}

const GROUP_TITLES = {
  lan: 'LAN · mDNS and added by address',
  ble: 'Bluetooth LE',
  serial: 'Serial ports · USB and UART',
} as const;

export function DeviceGroups({
  devices,
  filter,
  onFilterChange,
  selectedId,
  now,
  onSelect,
  checked,
  onCheck,
}: DeviceGroupsProps) {
  const selecting = (checked?.size ?? 0) > 0;
  const groups = groupDevices(devices, filter);
  const filtering = isFiltering(filter);
  const shown = groups.reduce((sum, group) => sum + group.devices.length, 0);
  return (
    <div className="device-groups" data-testid="device-list">
      {groups.map((group) => (
        <section
          key={group.transport}
          className="device-group"
          data-testid="device-group"
          data-transport={group.transport}
          aria-label={GROUP_TITLES[group.transport]}
        >
          <h3 className="device-group__title" title={GROUP_TITLES[group.transport]}>
            {TRANSPORT_LABELS[group.transport]}{' '}
            <span className="device-group__count" data-testid="device-group-count">
              {group.devices.length === group.total ? group.total : `${group.devices.length} of ${group.total}`}
            </span>
          </h3>
          {group.devices.length > 0 && (
            <ul className="device-list">
              {group.devices.map((device) => (
                <DeviceRow
                  key={device.id}
                  device={device}
                  selected={device.id === selectedId}
                  now={now}
                  onSelect={onSelect}
                  checked={checked?.has(device.id) ?? false}
                  onCheck={onCheck}
                  selecting={selecting}
                />
              ))}
            </ul>
          )}
        </section>
      ))}
      {filtering && shown === 0 && (
        <p className="device-groups__none" data-testid="device-filter-none">
          No board matches{filter.text.trim() ? ` “${filter.text.trim()}”` : ''}
          {filter.transport !== 'all' ? ` on ${TRANSPORT_LABELS[filter.transport]}` : ''}.{' '}
          <button
            type="button"
            className="button button--small button--ghost"
            data-testid="device-filter-clear"
            onClick={() => onFilterChange(NO_FILTER)}
          >
            Show all
          </button>
        </p>
      )}
    </div>
  );
}
