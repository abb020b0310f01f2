// The inventory: every device ever seen, one row each, written cheaply. Discovery reports the whole
// device list on every change (a TXT record, a liveness tick), so a device's row is written only when
// something about it changed, and its last-seen time at most once a second.
import type { Device } from '../../../shared/domain.ts';
import type { HistoryResult, InventoryDevice } from '../../../shared/history.ts';
import { identitiesOf, type JobRow } from './job-row.ts';
import type { DatabaseSync, StatementSync } from './sqlite.ts';

/** A device's last-seen time is written again only this long after the last write of it. */
export const LAST_SEEN_WRITE_MS = 1000;

export interface DeviceRow {
  device_id: string;
  name: string;
  transport: string;
  protocol: string;
  mdns_id: string | null;
  mac: string | null;
  ble_address: string | null;
  hostname: string | null;
  address: string | null;
  first_seen: number;
  last_seen: number;
  reported_version: string | null;
  reported_at: number | null;
  label: string | null;
  notes: string | null;
}

// Identities a device stops announcing are kept; the reported version (and its time) change only
// when the board reports another one, so `reported_at` says since when it runs what it runs.
const UPSERT = `INSERT INTO devices (device_id, name, transport, protocol, mdns_id, mac, ble_address, hostname,
    address, first_seen, last_seen, reported_version, reported_at)
  VALUES (:device_id, :name, :transport, :protocol, :mdns_id, :mac, :ble_address, :hostname, :address,
    :seen, :seen, :reported_version, :reported_at)
  ON CONFLICT (device_id) DO UPDATE SET
    name = excluded.name, transport = excluded.transport,
    protocol = CASE WHEN excluded.protocol = 'unknown' THEN devices.protocol ELSE excluded.protocol END,
    mdns_id = COALESCE(excluded.mdns_id, devices.mdns_id), mac = COALESCE(excluded.mac, devices.mac),
    ble_address = COALESCE(excluded.ble_address, devices.ble_address),
    hostname = COALESCE(excluded.hostname, devices.hostname), address = COALESCE(excluded.address, devices.address),
    first_seen = MIN(devices.first_seen, excluded.first_seen),
    last_seen = MAX(devices.last_seen, excluded.last_seen),
    reported_at = CASE WHEN excluded.reported_version IS NOT NULL
      AND excluded.reported_version IS NOT devices.reported_version THEN excluded.reported_at ELSE devices.reported_at END,
    reported_version = COALESCE(excluded.reported_version, devices.reported_version)`;

/** What about a device, when it changes, is worth a write at once. */
function fingerprint(device: Device): string {
  const ids = identitiesOf(device);
  return JSON.stringify([device.name, device.transport, device.protocol, ids, device.firmwareVersion]);
}

export class InventoryWriter {
  private readonly written = new Map<string, { fingerprint: string; lastSeen: number }>();
  private upsert: StatementSync | null = null;

  private readonly db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  /** The devices whose row would change: new, changed, or seen again a second after the last write. */
  changed(devices: Device[]): Device[] {
    return devices.filter((device) => {
      const before = this.written.get(device.id);
      if (!before || before.fingerprint !== fingerprint(device)) return true;
      return device.lastSeen - before.lastSeen >= LAST_SEEN_WRITE_MS;
    });
  }

  /** Writes one device (inside the caller's transaction). `reportedAt`: when its version was heard. */
  write(device: Device, now: number, reportedVersion: string | null = device.firmwareVersion): void {
    const ids = identitiesOf(device);
    const seen = device.lastSeen || now;
    this.upsert ??= this.db.prepare(UPSERT);
    this.upsert.run({
      device_id: device.id,
      name: device.name,
      transport: device.transport,
      protocol: device.protocol,
      mdns_id: ids.mdnsId,
      mac: ids.mac,
      ble_address: ids.bleAddress,
      hostname: ids.hostname,
      address: ids.address,
      seen,
      reported_version: reportedVersion,
      reported_at: reportedVersion === null ? null : now,
    });
    this.written.set(device.id, { fingerprint: fingerprint(device), lastSeen: seen });
  }
}

/**
 * Whether the board reported the pushed image's version after that push. The newest report after the
 * push started decides: the inventory's (a version change heard since) or, failing that, the job's own
 * (what the board said after its reboot). null while the push runs, when the image declares no
 * version, or when this board has never reported any version.
 */
export function reportedPushedVersion(device: DeviceRow, push: JobRow | null): boolean | null {
  if (!push || push.image_version === null || push.result === 'running') return null;
  if (device.reported_version !== null && device.reported_at !== null && device.reported_at >= push.started_at)
    return device.reported_version === push.image_version;
  if (push.to_version !== null) return push.to_version === push.image_version;
  const everReported = device.reported_version ?? push.from_version;
  return everReported === null ? null : false;
}

export function inventoryOf(device: DeviceRow, push: JobRow | null, online: Device | undefined): InventoryDevice {
  return {
    deviceId: device.device_id,
    name: device.name,
    transport: device.transport as InventoryDevice['transport'],
    protocol: device.protocol as InventoryDevice['protocol'],
    identities: {
      mdnsId: device.mdns_id,
      mac: device.mac,
      bleAddress: device.ble_address,
      hostname: device.hostname,
      address: device.address,
    },
    firstSeen: device.first_seen,
    lastSeen: Math.max(device.last_seen, online?.lastSeen ?? 0),
    online: online?.online ?? false,
    reportedVersion: device.reported_version,
    reportedAt: device.reported_at,
    lastPush: push
      ? {
          jobId: push.job_id,
          fileName: push.file_name,
          sha256: push.sha256,
          imageVersion: push.image_version,
          at: push.started_at,
          result: push.result as HistoryResult,
        }
      : null,
    reportedPushedVersion: reportedPushedVersion(device, push),
    label: device.label,
    notes: device.notes,
  };
}
