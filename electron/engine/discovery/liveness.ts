// Whether a LAN board is there, from the evidence the registry holds: its mDNS records (each alive
// until its TTL runs out or a goodbye, a record with TTL 0, ends it) and what probing it said. The
// rules, so that the list says who is there whatever the protocol and however it was identified:
// - mDNS says a board is gone (every record said goodbye or ran out of TTL): it is offline, unless
//   it answered us *after* that (a probe or a status read is newer evidence than the goodbye).
// - A board we probe (plain _http._tcp, or added by address) that has stopped answering our
//   re-checks is offline even while old mDNS records are still within their TTL.
// - A board added by address (no mDNS) is online while it answered within PROBE_FRESH_MS; the
//   engine re-checks it every few seconds (reachability-watch.ts).
import type { DeviceEntry, ServiceRecord } from './device-entry.ts';

/** An answer to a probe or re-check vouches for a board this long (re-checks come every 5 s). */
export const PROBE_FRESH_MS = 30_000;

export function isRecordFresh(record: ServiceRecord, now: number): boolean {
  return !record.gone && record.lastSeen + record.ttlSeconds * 1000 > now;
}

/** When mDNS last said the board left: its latest goodbye or TTL expiry; null while a record lives. */
function mdnsEndedAt(records: ServiceRecord[], now: number): number | null {
  if (records.length === 0 || records.some((r) => isRecordFresh(r, now))) return null;
  return Math.max(...records.map((r) => (r.gone ? (r.goneAt ?? r.lastSeen) : r.lastSeen + r.ttlSeconds * 1000)));
}

export function liveness(entry: DeviceEntry, now: number): { online: boolean; lastSeen: number } {
  const records = [...entry.services.values()];
  const probe = entry.probe;
  const unreachable = probe?.reachable === false;
  const endedAt = mdnsEndedAt(records, now);
  const mdnsAlive = records.length > 0 && endedAt === null;
  const probeVouches = Boolean(probe && probe.at + PROBE_FRESH_MS > now && (endedAt === null || probe.at > endedAt));
  return {
    online: !unreachable && (mdnsAlive || probeVouches),
    // The last time the board said anything: an mDNS record, or an answer to a probe or re-check.
    lastSeen: Math.max(0, ...records.map((r) => r.lastSeen), probe?.at ?? 0),
  };
}
