// One board of the inventory: online or greyed with when it was last seen, what we last pushed and
// what it reports (kept apart, flagged when they differ), its identities, and the user's label/notes.
import { useState } from 'react';
import type { InventoryDevice } from '../../../../shared/history.ts';
import { formatRelativeTime } from '../../../../shared/format.ts';
import { DeviceNoteForm } from './DeviceNoteForm.tsx';
import { inventoryVersions } from './history-words.ts';
import { useNavigation } from './navigation.ts';
import { protocolLabel } from '../devices/transport.ts';

interface InventoryRowProps {
  device: InventoryDevice;
  now: number;
  onSaved: (device: InventoryDevice) => void;
}

export function InventoryRow({ device, now, onSaved }: InventoryRowProps) {
  const navigation = useNavigation();
  const [editing, setEditing] = useState(false);
  const versions = inventoryVersions(device);
  const { identities } = device;
  const ids = [
    identities.mdnsId && `id ${identities.mdnsId}`,
    identities.mac && `MAC ${identities.mac}`,
    identities.bleAddress && `BLE ${identities.bleAddress}`,
    identities.address,
  ].filter(Boolean);
  return (
    <li
      className={`inventory-row${device.online ? '' : ' inventory-row--offline'}`}
      data-testid="inventory-row"
      data-device-id={device.deviceId}
      data-online={device.online}
    >
      <div className="inventory-row__main">
        <div className="inventory-row__name">
          <span className="strong truncate" data-testid="inventory-name" title={device.name}>
            {device.label ?? device.name}
          </span>
          {device.label && <span className="muted truncate">{device.name}</span>}
          <span className="tag">{protocolLabel(device)}</span>
        </div>
        <p className="inventory-row__seen" data-testid="inventory-seen">
          {device.online ? (
            <span className="inventory-row__online">● online</span>
          ) : (
            <span>offline · last seen {formatRelativeTime(device.lastSeen, now)}</span>
          )}
        </p>
        <p
          className={`inventory-row__versions${versions.differ ? ' inventory-row__versions--differ' : ''}`}
          data-testid="inventory-versions"
          data-differ={versions.differ}
        >
          {versions.differ && (
            <span className="inventory-row__flag" aria-hidden="true">
              ⚠{' '}
            </span>
          )}
          {versions.pushed ? `${versions.pushed} · ${versions.reports}` : versions.reports}
          {versions.differ && <span className="visually-hidden"> (they differ)</span>}
        </p>
        {ids.length > 0 && <p className="mono muted inventory-row__ids selectable">{ids.join(' · ')}</p>}
        {device.notes && !editing && (
          <p className="inventory-row__notes selectable" data-testid="inventory-notes">
            {device.notes}
          </p>
        )}
        {editing && <DeviceNoteForm device={device} onSaved={onSaved} onClose={() => setEditing(false)} />}
      </div>
      <div className="inventory-row__actions">
        {!editing && (
          <button
            type="button"
            className="button button--small"
            data-testid="inventory-edit-note"
            aria-label={`Label and notes of ${device.label ?? device.name}`}
            onClick={() => setEditing(true)}
          >
            {device.label || device.notes ? 'Edit label' : 'Add label'}
          </button>
        )}
        {device.lastPush && (
          <button
            type="button"
            className="button button--ghost button--small"
            data-testid="inventory-history"
            onClick={() => navigation.show({ name: 'history', deviceId: device.deviceId })}
          >
            History →
          </button>
        )}
      </div>
    </li>
  );
}
