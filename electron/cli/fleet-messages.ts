// The words of `ota-bench push … --to A --to B` (a fleet run), built here so fleet-command.ts and
// fleet-output.ts read as control flow. Numbers are said by shared/format.ts, as the desktop app says them.
import type { Device, ImageInfo, Job, JobState } from '../../shared/domain.ts';
import type { FleetMemberState, FleetRun } from '../../shared/fleet.ts';
import { formatBytesOf, formatCountdown, formatUploadRate, percentOf } from '../../shared/format.ts';
import type { FleetRequestOptions } from './fleet-request.ts';

/** A board's end in a run, as the summary counts it. */
export type FleetOutcome = 'succeeded' | 'failed' | 'rolled-back' | 'skipped' | 'cancelled';

export interface FleetSummary {
  succeeded: number;
  failed: number;
  rolledBack: number;
  skipped: number;
  cancelled: number;
}

const COMMIT_WORDS = {
  auto: 'each board committed after its own health check',
  prompt: 'healthy boards wait for one "commit all"',
  never: 'boards left uncommitted',
} as const;

/** `Pushing to 5 boards, 4 at a time, one first (staged); each board committed after its own health check.` */
export function fleetStarting(boards: number, options: FleetRequestOptions): string {
  const atOnce = Math.min(options.concurrency, boards);
  const extras = [
    options.staged ? 'one board first (staged)' : null,
    options.onlyOutdated ? 'only those not on the version yet' : null,
    options.skipOffline ? 'offline ones skipped' : null,
    options.stopOnFailure ? 'stopping after the first failure' : null,
  ].filter(Boolean);
  const more = extras.length > 0 ? `, ${extras.join(', ')}` : '';
  return `Pushing to ${boards} board(s), ${atOnce} at a time${more}; ${COMMIT_WORDS[options.commitPolicy]}.`;
}

/** Nothing the user named can take any of the files (--all). */
export function noBoardTakes(images: ImageInfo[], seen: Device[], seconds: number): string {
  const takes = [...new Set(images.flatMap((i) => i.pushableWith))].join(', ') || 'nothing';
  const list = seen.length === 0 ? `none in ${seconds} s` : seen.map((d) => `${d.name} (${d.protocol})`).join(', ');
  return `no discovered board can take ${images.map((i) => i.fileName).join(', ')} (they go with ${takes}; seen: ${list}). Try a longer --timeout, or name boards with --to.`;
}

/** An image that cannot be pushed stops the whole run before a byte is sent. */
export function imageRefused(image: ImageInfo): string {
  return `Not pushed to any board: ${image.fileName}: ${image.problem}`;
}

/** A board named with --to that could not be found, left out with --skip-offline. */
export function boardNotFound(why: string): string {
  return `Skipped: ${why}`;
}

const JOB_PHASES: Partial<Record<JobState, string>> = {
  connecting: 'connecting',
  rebooting: 'rebooting',
  verifying: 'reading the version it boots',
  committing: 'committing',
  reverting: 'reverting',
};

/** What a board is doing now, or null when its state says nothing new (queued, a job's own end). */
export function phaseWords(
  memberState: FleetMemberState,
  job: Job | undefined,
  fileName: string | null,
): string | null {
  if (memberState === 'planning') return `checking${fileName ? ` ${fileName}` : ''} against the board`;
  if (memberState === 'awaiting-commit') return 'healthy, waiting for the commit decision';
  if (memberState !== 'running' || !job) return null;
  if (job.state === 'transferring') return `sending ${job.image.fileName}`;
  if (job.state === 'awaiting-commit')
    return job.commitPolicy === 'auto'
      ? 'running the new firmware, health check'
      : 'running the new firmware uncommitted';
  return JOB_PHASES[job.state] ?? null;
}

/** `42%  1.30 MiB of 3.00 MiB  120 KiB/s` */
export function progressWords(job: Job): string {
  const { bytesSent, totalBytes, bytesPerSecond } = job.progress;
  return `${percentOf(bytesSent, totalBytes)}%  ${formatBytesOf(bytesSent, totalBytes)}  ${formatUploadRate(bytesPerSecond, job.protocol)}`;
}

const OUTCOME_MARKS: Record<FleetOutcome, string> = {
  succeeded: '✔',
  failed: '✖',
  'rolled-back': '↺',
  skipped: '–',
  cancelled: '✖',
};

export const OUTCOME_WORDS: Record<FleetOutcome, string> = {
  succeeded: 'succeeded',
  failed: 'failed',
  'rolled-back': 'rolled back',
  skipped: 'skipped',
  cancelled: 'cancelled',
};

/** `✔ succeeded: Committed 1.1.0.` — the line a board gets when it ends, with the board's own words when it failed. */
export function outcomeLine(
  outcome: FleetOutcome,
  message: string | null,
  deviceMessage: string | null = null,
): string {
  const said = deviceMessage && outcome !== 'succeeded' ? ` The board said: ${deviceMessage}` : '';
  return `${OUTCOME_MARKS[outcome]} ${OUTCOME_WORDS[outcome]}${message ? `: ${message}` : ''}${said}`;
}

/** `1.0.0 → 1.1.0`, `? → 1.1.0`; `—` for a board nothing was sent to. */
export function versionChange(fromVersion: string | null, toVersion: string | null, pushed: boolean): string {
  if (!pushed) return fromVersion ?? '—';
  return `${fromVersion ?? '?'} → ${toVersion ?? '?'}`;
}

/** `4 succeeded, 1 failed, 1 rolled back, 2 skipped` (cancelled only when some were). */
export function totalsLine(summary: FleetSummary): string {
  const parts = [
    `${summary.succeeded} succeeded`,
    `${summary.failed} failed`,
    `${summary.rolledBack} rolled back`,
    `${summary.skipped} skipped`,
  ];
  if (summary.cancelled > 0) parts.push(`${summary.cancelled} cancelled`);
  return parts.join(', ');
}

/** The one question of a run with the prompt policy, once nothing runs any more. */
export function commitAllQuestion(run: FleetRun, jobs: Job[]): string {
  const waiting = run.members.filter((m) => m.state === 'awaiting-commit').length;
  const deadlines = jobs.map((j) => j.commitDeadline).filter((d): d is number => d !== null);
  const first =
    deadlines.length > 0
      ? ` (the first reverts in ${formatCountdown((Math.min(...deadlines) - Date.now()) / 1000)})`
      : '';
  return `Commit all ${waiting} healthy boards${first}? [c]ommit all / [r]evert all / [w]ait `;
}

export function commitAllAnswerRefused(answer: string): string {
  return `Please answer c (commit all), r (revert all) or w (wait), not "${answer}".`;
}

export const FLEET_CANCELLING =
  'Cancelling the run: the boards being pushed stop, the rest are not started (Ctrl-C again to quit at once).';
export const FLEET_WAITING_FOR_WINDOWS = 'Waiting for the commit windows to end (the boards go back by themselves)…';

/** A board left uncommitted at the end of a run (--commit never): how to keep its firmware. */
export function uncommittedInRun(job: Job): string {
  const version = job.toVersion ?? 'the new firmware';
  const left = job.commitDeadline ? formatCountdown((job.commitDeadline - Date.now()) / 1000) : 'a few minutes';
  return `Runs ${version} uncommitted; it reverts in ${left} unless you run: ota-bench commit ${job.deviceId}`;
}
