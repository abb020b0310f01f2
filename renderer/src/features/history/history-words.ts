// How the History and Devices views name a past push: its result (an icon and a word, never colour
// alone), its versions, its time. Numbers are said by shared/format.ts. No React, no window:
// unit-tested under Node (test/unit/renderer/history.test.ts).
import type { HistoryEntry, HistoryResult, InventoryDevice } from '../../../../shared/history.ts';
import { NO_VALUE } from '../../../../shared/format.ts';
import { phaseLabel, type Tone } from '../../lib/job-state.ts';

export const HISTORY_RESULTS: readonly HistoryResult[] = [
  'success',
  'failed',
  'rolled-back',
  'cancelled',
  'interrupted',
  'running',
];

/** The filter's words for a result (a row names its own state: "Committed", "Updated"). */
export const RESULT_WORDS: Record<HistoryResult, string> = {
  success: 'Succeeded',
  failed: 'Failed',
  'rolled-back': 'Rolled back',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
  running: 'Running',
};

/** The icon beside the word: the result reads the same for someone who does not see the colour. */
export const RESULT_ICONS: Record<HistoryResult, string> = {
  success: '✓',
  failed: '✕',
  'rolled-back': '↺',
  cancelled: '–',
  interrupted: '!',
  running: '…',
};

const RESULT_TONES: Record<HistoryResult, Tone> = {
  success: 'success',
  failed: 'danger',
  'rolled-back': 'warning',
  cancelled: 'neutral',
  interrupted: 'warning',
  running: 'active',
};

export function resultTone(result: HistoryResult): Tone {
  return RESULT_TONES[result];
}

/** A row's own word: the state it ended in ("Committed", "Confirmed", "Uploading"), or "Interrupted". */
export function rowResultWord(entry: Pick<HistoryEntry, 'state' | 'result' | 'protocol'>): string {
  if (entry.state === 'interrupted') return RESULT_WORDS.interrupted;
  return phaseLabel(entry.state, entry.protocol);
}

/** "1.1.0 → 1.2.0": before, and what the board reported after (never the file's own version). */
export function versionChange(entry: Pick<HistoryEntry, 'fromVersion' | 'toVersion' | 'result'>): string {
  const before = entry.fromVersion ?? '?';
  if (entry.result === 'running') return `${before} → …`;
  return `${before} → ${entry.toVersion ?? 'not reported'}`;
}

const two = (n: number) => String(n).padStart(2, '0');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * When a push started, on the local clock: "09:29" today, "2 Mar 09:29" this year, "2 Mar 2025 09:29"
 * before. History spans days, so a clock time alone (formatClockTime) would be ambiguous.
 */
export function formatWhen(epochMs: number, now: number): string {
  if (!Number.isFinite(epochMs)) return NO_VALUE;
  const at = new Date(epochMs);
  const today = new Date(now);
  const time = `${two(at.getHours())}:${two(at.getMinutes())}`;
  const sameYear = at.getFullYear() === today.getFullYear();
  if (sameYear && at.getMonth() === today.getMonth() && at.getDate() === today.getDate()) return time;
  const day = `${at.getDate()} ${MONTHS[at.getMonth()]}`;
  return sameYear ? `${day} ${time}` : `${day} ${at.getFullYear()} ${time}`;
}

/** The inventory's two facts, kept apart: what we last pushed, and what the board says it runs. */
export interface VersionFacts {
  pushed: string | null;
  reports: string;
  /** The board does not report the version we pushed (rolled back, never came back, flashed since). */
  differ: boolean;
}

export function inventoryVersions(device: InventoryDevice): VersionFacts {
  const push = device.lastPush;
  const reports = device.reportedVersion ? `reports ${device.reportedVersion}` : 'reports no version';
  if (!push) return { pushed: null, reports, differ: false };
  const what = push.imageVersion ?? push.fileName;
  const pushed = `pushed ${what} (${RESULT_WORDS[push.result].toLowerCase()})`;
  const versionsDiffer =
    push.imageVersion !== null && device.reportedVersion !== null && push.imageVersion !== device.reportedVersion;
  // A push still running has not had its chance to be reported yet.
  if (push.result === 'running') return { pushed, reports, differ: false };
  return { pushed, reports, differ: device.reportedPushedVersion === false || versionsDiffer };
}
