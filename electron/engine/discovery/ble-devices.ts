// The Bluetooth LE half of the device list: one Device per peripheral that advertises an update
// service we know (ble-protocols.md §1.1 SMP, §2.1 Mongoose OS RPC, §3.1 Espressif BLE OTA), built from
// the radio's advertisements. Advertisements are untrusted (anyone nearby can send any name, UUID
// list or manufacturer data) and arrive about ten times a second per device, so the table keeps
// RSSI and "last seen" current on every one but only announces 'changed' when something a user
// would see changed: name, services, online state, firmware, the signal moving to another bucket, or
// "last seen" having moved on by a few seconds (the list shows it; a stale one read "1 min ago" next
// to a green dot on a device that was advertising all along).
import { EventEmitter } from 'node:events';
import type { Device, ProtocolId } from '../../../shared/domain.ts';
import type { Advertisement } from '../ble/ble-radio.ts';
import { cleanName, cleanVersion } from '../net/sanitize.ts';

/** Update services in priority order: a device advertising several is shown with the first. */
export const BLE_UPDATE_SERVICES: ReadonlyArray<{ uuid: string; protocol: ProtocolId; label: string }> = [
  { uuid: '8d53dc1d1db74cd3868b8a527460aa84', protocol: 'mcumgr-smp', label: 'MCUmgr SMP' },
  { uuid: '5f6d4f535f5250435f5356435f49445f', protocol: 'mongoose-os-ble', label: 'Mongoose OS RPC' },
  { uuid: '8018', protocol: 'esp-ble-ota', label: 'Espressif BLE OTA' },
];

/** Not heard for this long: shown offline (devices stop advertising while connected, or sleep). */
export const OFFLINE_AFTER_MS = 15_000;
/** An advertising device's "last seen" is announced again once it is this much newer than the one shown. */
export const LAST_SEEN_ANNOUNCE_MS = 3000;
/** Not heard for this long: dropped from the list. */
export const FORGET_AFTER_MS = 10 * 60_000;
/** Random-address floods (or a busy lab) must not grow the table without bound. */
export const MAX_BLE_DEVICES = 256;
/** RSSI changes are announced when the value crosses into another 10 dB bucket… */
const RSSI_BUCKET_DB = 10;
/** …and has moved at least this far from the value last announced (no flapping at a bucket edge). */
const RSSI_HYSTERESIS_DB = 3;
/** At most this many advertised UUIDs are looked at per advertisement. */
const MAX_UUIDS = 64;

const BLUETOOTH_BASE_SUFFIX = '00001000800000805f9b34fb';

interface Entry {
  id: string;
  peripheralId: string;
  address: string | null;
  /** Raw name last cleaned, to skip re-cleaning the same string ten times a second. */
  rawName: string | null;
  name: string | null;
  /** Indexes into BLE_UPDATE_SERVICES ever advertised (scan responses and adverts alternate). */
  services: Set<number>;
  manufacturer: string | null;
  firmwareVersion: string | null;
  rssi: number | null;
  lastSeen: number;
  /** What was last announced with 'changed': everything shown except RSSI… */
  reported: string;
  /** …and the RSSI announced then… */
  reportedRssi: number | null;
  /** …and the last-seen time announced then. */
  reportedLastSeen: number;
}

/** noble's spelling of a UUID (lowercase hex, no dashes, 16-bit without leading zeros), or null. */
function normaliseUuid(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 64) return null;
  let hex = value.trim().toLowerCase().replace(/^0x/, '').replace(/-/g, '');
  if (hex.length === 32 && hex.startsWith('0000') && hex.endsWith(BLUETOOTH_BASE_SUFFIX)) hex = hex.slice(4, 8);
  if (/^[0-9a-f]{1,4}$/.test(hex)) return parseInt(hex, 16).toString(16);
  return /^[0-9a-f]{32}$/.test(hex) ? hex : null;
}

const UUID_INDEX = new Map(BLE_UPDATE_SERVICES.map((s, i) => [s.uuid, i]));

function updateServicesIn(uuids: unknown): number[] {
  if (!Array.isArray(uuids)) return [];
  const found = new Set<number>();
  for (const uuid of uuids.slice(0, MAX_UUIDS)) {
    const index = UUID_INDEX.get(normaliseUuid(uuid) ?? '');
    if (index !== undefined) found.add(index);
  }
  return [...found];
}

/** A Bluetooth address as `aa:bb:cc:dd:ee:ff`, or null (macOS reports '' and hides addresses). */
export function normaliseAddress(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const text = value.trim().toLowerCase();
  return /^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/.test(text) ? text.replace(/-/g, ':') : null;
}

/** Integer dBm in −127…20; null when the radio gave nothing usable (127 is HCI's "not available"). */
function normaliseRssi(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value === 127) return null;
  return Math.min(20, Math.max(-127, Math.round(value)));
}

/** The Bluetooth SIG company identifier: the first two bytes of manufacturer data, little-endian. */
function manufacturerOf(data: unknown): string | null {
  if (!(data instanceof Uint8Array) || data.length < 2) return null;
  return (data[0]! | (data[1]! << 8)).toString(16).padStart(4, '0');
}

/** cleanName, plus no half of a surrogate pair left where it cut a long name short. */
function displayName(raw: string): string | null {
  const name = cleanName(raw.length > 1024 ? raw.slice(0, 1024) : raw)
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .trim();
  return name || null;
}

function fallbackName(entry: Pick<Entry, 'address' | 'peripheralId'>): string {
  if (entry.address) return `BLE device ${entry.address}`;
  const id = entry.peripheralId.toLowerCase();
  const shown = id.length === 12 ? id.match(/../g)!.join(':') : id.length > 12 ? `${id.slice(0, 12)}…` : id;
  return `BLE device ${shown}`;
}

function rssiBucket(rssi: number): number {
  return Math.floor(rssi / RSSI_BUCKET_DB);
}

function rssiMoved(reported: number | null, current: number | null): boolean {
  if (reported === null || current === null) return reported !== current;
  return rssiBucket(reported) !== rssiBucket(current) && Math.abs(reported - current) >= RSSI_HYSTERESIS_DB;
}

export class BleDeviceTable extends EventEmitter<{ changed: [] }> {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    super();
    this.now = now;
  }

  observe(ad: Advertisement): void {
    if (!ad || typeof ad !== 'object') return;
    const peripheralId = ad.peripheralId;
    if (typeof peripheralId !== 'string' || !/^[0-9a-fA-F]{1,64}$/.test(peripheralId)) return;
    const id = `ble:${peripheralId.toLowerCase()}`;
    const services = updateServicesIn(ad.serviceUuids);
    let entry = this.entries.get(id);
    if (!entry) {
      if (services.length === 0) return;
      if (this.entries.size >= MAX_BLE_DEVICES) this.evictStalest();
      entry = {
        id,
        peripheralId,
        address: null,
        rawName: null,
        name: null,
        services: new Set(),
        manufacturer: null,
        firmwareVersion: null,
        rssi: null,
        lastSeen: 0,
        reported: '',
        reportedRssi: null,
        reportedLastSeen: 0,
      };
      this.entries.set(id, entry);
    }
    for (const index of services) entry.services.add(index);
    entry.address = normaliseAddress(ad.address) ?? entry.address;
    // A name stays until another usable one arrives: adverts without the scan response carry none.
    if (typeof ad.localName === 'string' && ad.localName !== entry.rawName) {
      entry.rawName = ad.localName;
      entry.name = displayName(ad.localName) ?? entry.name;
    }
    entry.manufacturer = manufacturerOf(ad.manufacturerData) ?? entry.manufacturer;
    // An unusable reading (NaN, HCI's 127) says nothing about the signal: keep the last good one.
    entry.rssi = normaliseRssi(ad.rssi) ?? entry.rssi;
    entry.lastSeen = this.now();
    this.announceIfChanged(entry);
  }

  list(): Device[] {
    const now = this.now();
    return [...this.entries.values()].map((entry) => this.describe(entry, now));
  }

  get(deviceId: string): Device | null {
    const entry = this.entries.get(deviceId);
    return entry ? this.describe(entry, this.now()) : null;
  }

  peripheralIdOf(deviceId: string): string | null {
    return this.entries.get(deviceId)?.peripheralId ?? null;
  }

  /**
   * After connecting: what the device runs (from its SMP image list), so the list shows it. Having
   * just talked to the device also counts as hearing from it (it does not advertise while connected).
   */
  recordFirmware(deviceId: string, firmwareVersion: string | null): void {
    const entry = this.entries.get(deviceId);
    if (!entry) return;
    entry.firmwareVersion = cleanVersion(firmwareVersion);
    entry.lastSeen = this.now();
    this.announceIfChanged(entry);
  }

  /** We are connected to it: it does not advertise then, but it is certainly there. */
  touch(deviceId: string): void {
    const entry = this.entries.get(deviceId);
    if (entry) entry.lastSeen = this.now();
  }

  /**
   * Called every second. Marks devices not heard for OFFLINE_AFTER_MS offline and forgets them after
   * FORGET_AFTER_MS; announces the "last seen" of devices still advertising every LAST_SEEN_ANNOUNCE_MS.
   */
  expire(): void {
    const now = this.now();
    let changed = false;
    for (const entry of [...this.entries.values()]) {
      if (now - entry.lastSeen >= FORGET_AFTER_MS) {
        this.entries.delete(entry.id);
        changed = true;
        continue;
      }
      const shown = this.shownState(entry, now);
      if (shown !== entry.reported || entry.lastSeen - entry.reportedLastSeen >= LAST_SEEN_ANNOUNCE_MS) {
        entry.reported = shown;
        entry.reportedLastSeen = entry.lastSeen;
        changed = true;
      }
    }
    if (changed) this.emit('changed');
  }

  private announceIfChanged(entry: Entry): void {
    const shown = this.shownState(entry, this.now());
    if (shown === entry.reported && !rssiMoved(entry.reportedRssi, entry.rssi)) return;
    entry.reported = shown;
    entry.reportedRssi = entry.rssi;
    entry.reportedLastSeen = entry.lastSeen;
    this.emit('changed');
  }

  /** Everything a row shows except RSSI and "last seen", as one comparable string. */
  private shownState(entry: Entry, now: number): string {
    const d = this.describe(entry, now);
    return JSON.stringify([d.name, d.address, d.protocol, d.services, d.firmwareVersion, d.txt, d.online]);
  }

  private evictStalest(): void {
    let stalest: Entry | null = null;
    for (const entry of this.entries.values()) if (!stalest || entry.lastSeen < stalest.lastSeen) stalest = entry;
    if (stalest) this.entries.delete(stalest.id);
  }

  private describe(entry: Entry, now: number): Device {
    const indexes = [...entry.services].sort((a, b) => a - b);
    const protocol = BLE_UPDATE_SERVICES[indexes[0] ?? -1]?.protocol ?? 'unknown';
    const txt: Record<string, string> = {};
    if (entry.manufacturer) txt.manufacturer = entry.manufacturer;
    return {
      id: entry.id,
      transport: 'ble',
      name: entry.name ?? fallbackName(entry),
      hostname: null,
      address: entry.address,
      port: 0,
      protocol,
      protocolEvidence: 'service-type',
      pushSupported: protocol === 'mcumgr-smp' || protocol === 'mongoose-os-ble' || protocol === 'esp-ble-ota',
      firmwareVersion: entry.firmwareVersion,
      firmwareId: null,
      app: null,
      arch: null,
      mac: null,
      services: indexes.map((i) => BLE_UPDATE_SERVICES[i]!.label),
      rssi: entry.rssi,
      online: now - entry.lastSeen < OFFLINE_AFTER_MS,
      lastSeen: entry.lastSeen,
      authRequired: false,
      txt,
    };
  }
}
