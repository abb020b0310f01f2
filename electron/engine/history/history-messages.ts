// The history's sentences for users (the CLI prints them, the History view shows them).

export const newerSchema = (file: string, found: number, known: number) =>
  `The history file ${file} was written by a newer OTA Bench (schema ${found}; this one knows up to ${known}), ` +
  'so it is left untouched and no history is kept. Update OTA Bench, or move that file away to start a new history.';

export const historyUnavailable = (why: string) => `The push history cannot be used: ${why}`;

export const noSuchJob = (jobId: string) => `No push ${jobId.slice(0, 8)} in the history (it may have been pruned).`;

export const noSuchDevice = (deviceId: string) =>
  `No device ${deviceId} has been seen yet, so it cannot have a label or notes; discover it first.`;

export const interruptedMessage = (processName: string, lastState: string) =>
  `Interrupted: ${processName} stopped (crashed or was killed) while the push was ${lastState}; what the board runs now is unknown until it reports.`;
