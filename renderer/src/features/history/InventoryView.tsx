// The Devices view: every board ever seen, online or not (greyed, with when it was last seen), what
// was pushed to it and what it reports, kept apart; the user's label and notes.
import { useState } from 'react';
import { useNow } from '../../lib/useNow.ts';
import { NO_INVENTORY } from './history-messages.ts';
import { filterInventory, type InventoryFilter } from './inventory-filter.ts';
import { InventoryRow } from './InventoryRow.tsx';
import { useInventory } from './useInventory.ts';
import './history.css';

export function InventoryView() {
  const inventory = useInventory();
  const now = useNow(10_000);
  const [filter, setFilter] = useState<InventoryFilter>({ text: '', onlineOnly: false });
  const shown = filterInventory(inventory.devices, filter);
  const online = inventory.devices.filter((device) => device.online).length;
  return (
    <main className="history-view" aria-label="Devices" data-testid="inventory-view">
      <header className="history-view__header">
        <h2 className="panel-title">
          Devices{' '}
          <span className="count" data-testid="inventory-count">
            {inventory.loaded ? `${online} online · ${inventory.devices.length} ever seen` : ''}
          </span>
        </h2>
      </header>
      <div className="history-filters" role="search" aria-label="Filter the devices">
        <input
          type="search"
          className="input history-filters__file"
          placeholder="Filter: name, label, id, address, notes"
          aria-label="Filter devices"
          data-testid="inventory-filter"
          value={filter.text}
          onChange={(event) => setFilter({ ...filter, text: event.target.value })}
          onKeyDown={(event) => event.key === 'Escape' && setFilter({ ...filter, text: '' })}
        />
        <label className="history-filters__check">
          <input
            type="checkbox"
            data-testid="inventory-online-only"
            checked={filter.onlineOnly}
            onChange={(event) => setFilter({ ...filter, onlineOnly: event.target.checked })}
          />{' '}
          Online only
        </label>
      </div>
      {inventory.error && (
        <p className="callout callout--danger" role="alert" data-testid="inventory-error">
          Could not read the devices: {inventory.error}
        </p>
      )}
      {inventory.loaded && !inventory.error && inventory.devices.length === 0 && (
        <p className="hint history-view__empty">{NO_INVENTORY}</p>
      )}
      <ul className="inventory-list">
        {shown.map((device) => (
          <InventoryRow key={device.deviceId} device={device} now={now} onSaved={inventory.replace} />
        ))}
      </ul>
    </main>
  );
}
