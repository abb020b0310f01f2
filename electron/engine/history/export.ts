// History rows as a file to keep or share: CSV (a header line, RFC 4180 quoting) or JSON (an array).
// Device names, board messages and file names are whatever a board or a user said: a cell that a
// spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return) gets a
// leading apostrophe, so opening the export never evaluates something a board put there.
import type { HistoryEntry } from '../../../shared/history.ts';

const CSV_COLUMNS: Array<[string, (e: HistoryEntry) => string | number | null]> = [
  ['job_id', (e) => e.jobId],
  ['fleet_id', (e) => e.fleetId],
  ['started_at', (e) => new Date(e.startedAt).toISOString()],
  ['ended_at', (e) => (e.endedAt === null ? null : new Date(e.endedAt).toISOString())],
  ['device_id', (e) => e.deviceId],
  ['device_name', (e) => e.deviceName],
  ['mdns_id', (e) => e.identities.mdnsId],
  ['mac', (e) => e.identities.mac],
  ['ble_address', (e) => e.identities.bleAddress],
  ['hostname', (e) => e.identities.hostname],
  ['address', (e) => e.identities.address],
  ['protocol', (e) => e.protocol],
  ['file_name', (e) => e.fileName],
  ['size', (e) => e.size],
  ['sha256', (e) => e.sha256],
  ['image_version', (e) => e.imageVersion],
  ['from_version', (e) => e.fromVersion],
  ['to_version', (e) => e.toVersion],
  ['commit_policy', (e) => e.commitPolicy],
  ['mode', (e) => e.mode],
  ['state', (e) => e.state],
  ['result', (e) => e.result],
  ['result_code', (e) => e.resultCode],
  ['message', (e) => e.message],
  ['device_message', (e) => e.deviceMessage],
  ['bytes_sent', (e) => e.bytesSent],
  ['duration_ms', (e) => e.durationMs],
  ['bytes_per_second', (e) => (e.bytesPerSecond === null ? null : Math.round(e.bytesPerSecond))],
  ['retries', (e) => e.retries],
  ['initiated_by', (e) => e.initiatedBy],
  ['states', (e) => e.states.map((s) => `${s.state}@${new Date(s.at).toISOString()}`).join(' ')],
];

/** One CSV cell: formula-safe, quoted when it holds a comma, a quote or a line break. */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(entries: HistoryEntry[]): string {
  const lines = [CSV_COLUMNS.map(([name]) => name).join(',')];
  for (const entry of entries) lines.push(CSV_COLUMNS.map(([, read]) => csvCell(read(entry))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function toJson(entries: HistoryEntry[]): string {
  return `${JSON.stringify(entries, null, 2)}\n`;
}
