// How a fleet card shows a board: its phase, tone, flag and progress, from its member entry (the
// run's view) and its job (phase, progress, the board's words). Pure: unit-tested under Node.
import type { Job } from '../../../../shared/domain.ts';
import { isTerminal } from '../../../../shared/domain.ts';
import type { FleetMember, FleetMemberState, FleetRun, FleetTotals } from '../../../../shared/fleet.ts';
import { percentOf } from '../../../../shared/format.ts';
import { phaseLabel, stateTone, type Tone } from '../../lib/job-state.ts';

const MEMBER_LABELS: Record<FleetMemberState, string> = {
  waiting: 'Waiting for a slot',
  planning: 'Planning',
  running: 'Starting',
  'awaiting-commit': 'Healthy, awaiting commit',
  succeeded: 'Done',
  failed: 'Failed',
  'rolled-back': 'Rolled back',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
};

const MEMBER_TONES: Record<FleetMemberState, Tone> = {
  waiting: 'neutral',
  planning: 'active',
  running: 'active',
  'awaiting-commit': 'attention',
  succeeded: 'success',
  failed: 'danger',
  'rolled-back': 'warning',
  skipped: 'neutral',
  cancelled: 'neutral',
};

/** A flagged row says so three ways: colour, an icon and a word (never colour alone). */
export interface RowFlag {
  icon: string;
  word: string;
}

const FLAGS: Partial<Record<FleetMemberState, RowFlag>> = {
  failed: { icon: '✕', word: 'Failed' },
  'rolled-back': { icon: '↺', word: 'Rolled back' },
};

export interface MemberView {
  phase: string;
  tone: Tone;
  /** Holds one of the run's slots: planning, or its job works (not waiting on a decision). */
  active: boolean;
  /** Null before the upload starts. */
  percent: number | null;
  flag: RowFlag | null;
  /** The result's sentence, or why it was skipped. */
  message: string | null;
  /** What the board itself said, verbatim. */
  deviceMessage: string | null;
}

export function memberView(member: FleetMember, job: Job | undefined): MemberView {
  const ended = (FLEET_ENDED as readonly FleetMemberState[]).includes(member.state);
  // While it runs, the job's own state is the phase; once the member ended, the run's verdict speaks
  // (a job can be "updated" while the run calls the board failed: its health check did not pass).
  const fromJob = job && !ended && member.state !== 'waiting';
  const phase = fromJob ? phaseLabel(job.state, job.protocol) : MEMBER_LABELS[member.state];
  const tone = fromJob ? stateTone(job.state) : MEMBER_TONES[member.state];
  const active =
    (member.state === 'planning' || member.state === 'running') &&
    !(job && (isTerminal(job.state) || job.state === 'awaiting-commit'));
  // An ended job that never sent a byte has no bar to show (as a job card's).
  const sentNothing = job !== undefined && isTerminal(job.state) && job.progress.bytesSent === 0;
  const percent =
    job && job.progress.totalBytes > 0 && !sentNothing
      ? percentOf(job.progress.bytesSent, job.progress.totalBytes)
      : null;
  return {
    phase,
    tone,
    active,
    percent,
    flag: FLAGS[member.state] ?? null,
    message: member.message ?? job?.result?.message ?? null,
    deviceMessage: job?.result?.deviceMessage ?? null,
  };
}

const FLEET_ENDED: readonly FleetMemberState[] = ['succeeded', 'failed', 'rolled-back', 'skipped', 'cancelled'];

/** "Retry failed (N)": the boards that failed or rolled back. */
export function retryableCount(totals: FleetTotals): number {
  return totals.failed + totals.rolledBack;
}

/** The totals chips, in reading order; `key` names the data-testid. */
export function totalChips(totals: FleetTotals): Array<{ key: string; label: string; count: number; tone: Tone }> {
  return [
    { key: 'waiting', label: 'waiting', count: totals.waiting, tone: 'neutral' },
    { key: 'running', label: 'running', count: totals.running, tone: 'active' },
    { key: 'awaiting', label: 'awaiting commit', count: totals.awaitingCommit, tone: 'attention' },
    { key: 'done', label: 'done', count: totals.succeeded, tone: 'success' },
    { key: 'failed', label: 'failed', count: totals.failed, tone: 'danger' },
    { key: 'rolled-back', label: 'rolled back', count: totals.rolledBack, tone: 'warning' },
    { key: 'skipped', label: 'skipped', count: totals.skipped, tone: 'neutral' },
    { key: 'cancelled', label: 'cancelled', count: totals.cancelled, tone: 'neutral' },
  ];
}

/** Can "Cancel all" still stop something? */
export function cancellable(run: FleetRun): boolean {
  return run.state !== 'ended';
}
