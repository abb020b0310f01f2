// Derives the Device a user sees from everything the registry knows about one board. Kept pure
// (entry + clock in, Device out) so the merge rules are testable without sockets.
import type { Device, ProtocolEvidence, ProtocolId } from '../../../shared/domain.ts';
import { canPush } from '../protocols/index.ts';
import type { DeviceEntry, ServiceRecord } from './device-entry.ts';
import { isRecordFresh, liveness } from './liveness.ts';
import { cleanName, cleanVersion, normaliseMac } from '../net/sanitize.ts';

export type { AddressClaim, DeviceEntry, ServiceRecord } from './device-entry.ts';

/** The address mDNS and probes point to now, before any verification (the freshest record's first). */
export function announcedAddress(entry: DeviceEntry, now: number): string | null {
  const records = [...entry.services.values()].sort((a, b) => b.lastSeen - a.lastSeen);
  const fresh = records.filter((r) => isRecordFresh(r, now));
  return (
    fresh.find((r) => r.addresses.length)?.addresses[0] ??
    records.find((r) => r.addresses.length)?.addresses[0] ??
    entry.probe?.target.host ??
    null
  );
}

/** ArduinoOTA's record says which core runs (port 3232 / board id on ESP32); the web form does not. */
function arduinoCore(records: ServiceRecord[], probed: ProtocolId): ProtocolId {
  const ota = records.find((r) => r.type === '_arduino._tcp');
  if (!ota) return probed;
  return ota.port === 3232 || /esp32/i.test(ota.txt.board ?? '') ? 'arduino-esp32' : 'arduino-esp8266';
}

function protocolOf(
  entry: DeviceEntry,
  records: ServiceRecord[],
  txt: Record<string, string>,
  types: Set<string>,
): [ProtocolId, ProtocolEvidence] {
  const probe = entry.probe;
  const probed = probe?.protocol;
  // A firmware's own answer outranks mDNS; a probe that only saw how the board asks for a password
  // (a 401) is weaker than TXT and service types, and a protocol the user named fills in last.
  const answered = probed && probed !== 'unknown' && probe?.basis !== 'challenge' && probe?.basis !== 'user';
  if (answered && (probed === 'arduino-esp8266' || probed === 'arduino-esp32'))
    return [arduinoCore(records, probed), 'probe'];
  if (answered) return [probed, 'probe'];
  if (txt.fw_version !== undefined && txt.arch !== undefined) return ['mongoose-os', 'txt'];
  // An ESPHome node with a web server (announced, or answering a probe) keeps the web OTA; without
  // one, native OTA is what it has (ESPHome's default `ota: - platform: esphome`).
  if (types.has('_esphomelib._tcp'))
    return [types.has('_http._tcp') || probe ? 'esphome-web' : 'esphome-native', 'service-type'];
  if (probed === 'arduino-esp8266' || probed === 'arduino-esp32') return [arduinoCore(records, probed), 'probe'];
  if (probed && probed !== 'unknown') return [probed, probe?.basis === 'user' ? 'user' : 'probe'];
  // esp-link's only TXT string, on its _http._tcp record (cgiwifi.c wifiStartMDNS). ArduinoOTA puts
  // ssh_upload on _arduino._tcp too, so only the HTTP record's own TXT counts. The probe confirms it.
  const http = records.find((r) => r.type === '_http._tcp');
  if (http?.txt.ssh_upload !== undefined && !types.has('_arduino._tcp')) return ['esp-link', 'txt'];
  if (types.has('_arduino._tcp') && !types.has('_http._tcp')) return ['arduino-ota', 'service-type'];
  return ['unknown', 'service-type'];
}

/**
 * ESPHome does not announce its OTA port (`_esphomelib._tcp` carries the API port): the default of
 * `ota: - platform: esphome` for the TXT `platform` (components/esphome/ota/__init__.py).
 */
function esphomeOtaPort(records: ServiceRecord[]): number {
  const platform = (records.find((r) => r.type === '_esphomelib._tcp')?.txt.platform ?? '').toUpperCase();
  if (platform === 'ESP8266') return 8266;
  if (platform === 'RP2040') return 2040;
  return 3232;
}

/** The port the update protocol listens on: the web server for HTTP protocols, else the announced one. */
function updatePort(protocol: ProtocolId, records: ServiceRecord[], probePort: number | undefined): number {
  const http = records.find((r) => r.type === '_http._tcp');
  // A board typed in as host:port and named ArduinoOTA keeps the port the user typed.
  if (protocol === 'arduino-ota') return records.find((r) => r.type === '_arduino._tcp')?.port ?? probePort ?? 8266;
  if (protocol === 'esphome-native') return esphomeOtaPort(records);
  return probePort ?? http?.port ?? 80;
}

export function describeDevice(entry: DeviceEntry, now: number): Device {
  const records = [...entry.services.values()].sort((a, b) => b.lastSeen - a.lastSeen);
  const txt: Record<string, string> = {};
  for (const record of [...records].reverse()) Object.assign(txt, record.txt);
  const types = new Set(records.map((r) => r.type));
  const [protocol, protocolEvidence] = protocolOf(entry, records, txt, types);
  const info = entry.probe?.info ?? null;
  // Only a verified address: one that merely claims to be this board is shown as addressChange.
  const address = entry.home?.host ?? announcedAddress(entry, now);
  const esphomeVersion = txt.project_version ?? null;
  return {
    id: entry.id,
    transport: 'lan',
    name:
      cleanName(txt.friendly_name) ||
      records[0]?.instance ||
      cleanName(info?.app && info.identity ? info.identity : entry.probe?.target.host) ||
      'unnamed device',
    hostname: records.find((r) => r.host)?.host ?? null,
    address,
    port: updatePort(protocol, records, entry.probe?.target.port),
    protocol,
    protocolEvidence,
    pushSupported: canPush(protocol),
    firmwareVersion: cleanVersion(info?.version ?? txt.fw_version ?? esphomeVersion ?? txt.version),
    firmwareId: cleanVersion(info?.firmwareId ?? txt.fw_id),
    app: cleanVersion(info?.app ?? txt.app ?? txt.project_name),
    arch: cleanVersion(info?.arch ?? txt.arch ?? txt.platform),
    mac: normaliseMac(info?.mac ?? txt.mac),
    services: [...types].sort(),
    rssi: null,
    ...liveness(entry, now),
    authRequired: txt.auth_upload === 'yes' || Boolean(entry.probe?.authRequired),
    authChallenge: entry.probe?.authChallenge ?? null,
    probeNote: protocol === 'unknown' ? (entry.probe?.note ?? null) : null,
    addressChange: entry.claim
      ? { address: entry.claim.address, state: entry.claim.state, message: entry.claim.message }
      : null,
    txt,
  };
}
