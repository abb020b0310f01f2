// Above the board list: LAN / BLE / all, with counts, and a text filter (name, address, protocol,
// version…). Escape clears the text. The list itself is shaped by device-filter.ts.
import type { Device } from '../../../../shared/domain.ts';
import {
  type DeviceFilterState,
  hasBothTransports,
  type TransportFilter,
  TRANSPORT_LABELS,
  TRANSPORT_ORDER,
  transportCounts,
} from './device-filter.ts';
import './device-filter.css';

interface DeviceFilterProps {
  devices: Device[];
  filter: DeviceFilterState;
  onChange: (filter: DeviceFilterState) => void;
}

export function DeviceFilter({ devices, filter, onChange }: DeviceFilterProps) {
  const counts = transportCounts(devices);
  // LAN / BLE only means something when both are in the list; the text filter is always there.
  const mixed = hasBothTransports(devices);
  const options: { value: TransportFilter; label: string; count: number }[] = [
    { value: 'all', label: 'All', count: devices.length },
    // Only the transports that have boards: a "Serial 0" button would filter to nothing.
    ...TRANSPORT_ORDER.filter((transport) => counts[transport] > 0 || filter.transport === transport).map(
      (transport) => ({
        value: transport,
        label: TRANSPORT_LABELS[transport],
        count: counts[transport],
      }),
    ),
  ];
  return (
    <div className="device-filter" data-testid="device-filter">
      {mixed && (
        <div className="device-filter__transports" role="radiogroup" aria-label="Show boards on">
          {options.map((option) => (
            <label
              key={option.value}
              className="device-filter__option"
              data-checked={filter.transport === option.value}
            >
              <input
                type="radio"
                name="device-transport-filter"
                value={option.value}
                checked={filter.transport === option.value}
                data-testid={`device-filter-${option.value}`}
                onChange={() => onChange({ ...filter, transport: option.value })}
              />
              {option.label} <span className="device-filter__count">{option.count}</span>
            </label>
          ))}
        </div>
      )}
      <input
        type="search"
        className="input device-filter__text"
        placeholder="Filter: name, address, protocol, version"
        aria-label="Filter boards"
        data-testid="device-filter-text"
        value={filter.text}
        spellCheck={false}
        onChange={(event) => onChange({ ...filter, text: event.target.value })}
        onKeyDown={(event) => {
          if (event.key === 'Escape') onChange({ ...filter, text: '' });
        }}
      />
    </div>
  );
}
