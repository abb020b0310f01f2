// The CLI's lines for `history` and `devices`. Numbers and times are said by shared/format.ts, as
// the History view says them; everything a board or a file named passes through Output (forTerminal).
import { PROTOCOL_LABELS } from '../../shared/domain.ts';
import type { HistoryEntry, InventoryDevice } from '../../shared/history.ts';
import { formatDuration, formatRelativeTime, formatUploadRate, shortHash } from '../../shared/format.ts';

/** "2026-12-04 14:03" on the local clock: a history spans days, so the date is part of it. */
export function formatWhen(epochMs: number): string {
  const at = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}`;
}

const RESULT_WORDS: Record<HistoryEntry['result'], string> = {
  success: '✔',
  failed: '✖ failed',
  'rolled-back': '↺ rolled back',
  cancelled: '– cancelled',
  interrupted: '⚠ interrupted',
  running: '… running',
};

/** `2026-12-04 14:03  kitchen  fw.zip (2.0.0)  1.0.0 → 2.0.0  ✔ committed  took 12 s, 1.25 MiB/s` */
export function historyLine(entry: HistoryEntry): string {
  const file = entry.imageVersion ? `${entry.fileName} (${entry.imageVersion})` : entry.fileName;
  const versions = `${entry.fromVersion ?? '?'} → ${entry.toVersion ?? 'not reported'}`;
  const took = entry.durationMs === null ? '' : `  took ${formatDuration(entry.durationMs / 1000)}`;
  const rate = entry.bytesPerSecond === null ? '' : `, ${formatUploadRate(entry.bytesPerSecond, entry.protocol)}`;
  const retries = entry.retries ? `, ${entry.retries} retr${entry.retries === 1 ? 'y' : 'ies'}` : '';
  return `${formatWhen(entry.startedAt)}  ${entry.deviceName}  ${file}  ${versions}  ${RESULT_WORDS[entry.result]} ${entry.state}${took}${rate}${retries}`;
}

/** The row's own words, indented under it, when it failed or was interrupted. */
export function historyDetail(entry: HistoryEntry): string | null {
  if (entry.result === 'success' || !entry.message) return null;
  const board = entry.deviceMessage ? ` (board: "${entry.deviceMessage}")` : '';
  return `    ${entry.message}${board}`;
}

export const historyCount = (shown: number, limited: boolean) =>
  shown === 0
    ? 'No pushes in the history.'
    : `${shown} push${shown === 1 ? '' : 'es'}${limited ? ' (the newest; --limit N shows more)' : ''}.`;

/**
 * `kitchen  Mongoose OS  192.168.1.20  reports 2.0.0  last seen 3 h ago`. `devices` does not search, so
 * it cannot know a board is offline: it says when the board was last seen, never "offline".
 */
export function inventoryLine(device: InventoryDevice, now: number): string {
  const label = device.label ? ` [${device.label}]` : '';
  const where =
    device.identities.address ?? device.identities.bleAddress ?? device.identities.hostname ?? device.deviceId;
  const runs = device.reportedVersion ? `reports ${device.reportedVersion}` : 'reports no version';
  const seen = device.online ? 'online' : `last seen ${formatRelativeTime(device.lastSeen, now)}`;
  return `${device.name}${label}  ${PROTOCOL_LABELS[device.protocol] ?? device.protocol}  ${where}  ${runs}  ${seen}`;
}

/** `    last push: fw.zip 2.0.0 (sha256 0123456789ab…), 3 h ago, success; the board reported it afterwards` */
export function lastPushLine(device: InventoryDevice, now: number): string | null {
  const push = device.lastPush;
  if (!push) return null;
  const version = push.imageVersion ? ` ${push.imageVersion}` : '';
  const reported =
    device.reportedPushedVersion === true
      ? 'the board reported that version afterwards'
      : device.reportedPushedVersion === false
        ? `the board has not reported ${push.imageVersion} since`
        : push.imageVersion
          ? 'no version reported since'
          : 'the image declares no version';
  return `    last push: ${push.fileName}${version} (sha256 ${shortHash(push.sha256)}…), ${formatRelativeTime(push.at, now)}, ${push.result}; ${reported}`;
}

export const devicesCount = (total: number, online: number) =>
  total === 0
    ? 'No boards seen yet: run `ota-bench discover` or push to one.'
    : `${total} board(s) seen, ${online} online now (this command does not search: run \`ota-bench discover\` for that).`;

export const noHistoryFor = (ref: string) =>
  `No board called "${ref}" appears in the history or the inventory (matched by id, name, label, mDNS id, MAC, address or host name).`;

export const ambiguousHistoryRef = (ref: string, names: string[]) =>
  `"${ref}" matches ${names.length} boards in the inventory (${names.join(', ')}); give its id.`;
