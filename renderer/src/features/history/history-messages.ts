// Sentences the History and Devices views say to the user (numbers through shared/format.ts).
import { formatCount } from '../../../../shared/format.ts';

export const INTERRUPTED_SENTENCE =
  'The process ended while this push ran (OTA Bench or the CLI closed, crashed or was killed). What was known by then is kept; the board may have taken the new firmware or not: check the version it reports.';

export function exportSaved(rows: number, fileName: string): string {
  return `Saved ${formatCount(rows)} ${rows === 1 ? 'row' : 'rows'} to ${fileName}.`;
}

/** "1 push", "50+ pushes" (more are older than the last one shown). */
export function pushCount(shown: number, more: boolean): string {
  return `${formatCount(shown)}${more ? '+' : ''} ${shown === 1 && !more ? 'push' : 'pushes'}`;
}

export function noRowsSentence(filtered: boolean): string {
  return filtered
    ? 'No push matches these filters.'
    : 'No pushes recorded yet. Every push from OTA Bench or its CLI is listed here.';
}

export function noDeviceHistory(deviceName: string): string {
  return `No pushes to ${deviceName} recorded yet.`;
}

export function noteTooLong(what: 'Label' | 'Notes', max: number): string {
  return `${what} can be at most ${formatCount(max)} characters.`;
}

export const NO_INVENTORY =
  'No boards seen yet. Every board OTA Bench or its CLI finds is remembered here, online or not.';
