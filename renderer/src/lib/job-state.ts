// How the UI names and colours a job's state (numbers are said by shared/format.ts). No React, no
// window: unit-tested under Node.
import type { JobState, ProtocolId } from '../../../shared/domain.ts';

const PHASE_LABELS: Record<JobState, string> = {
  queued: 'Queued',
  connecting: 'Connecting',
  transferring: 'Uploading',
  rebooting: 'Rebooting',
  verifying: 'Checking new firmware',
  'awaiting-commit': 'Awaiting commit',
  committing: 'Committing',
  reverting: 'Reverting',
  updated: 'Updated',
  committed: 'Committed',
  'rolled-back': 'Rolled back',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** MCUboot's own words for the same states: it resets into the image and confirms it. */
const SMP_PHASE_LABELS: Partial<Record<JobState, string>> = {
  rebooting: 'Resetting',
  committing: 'Confirming',
  committed: 'Confirmed',
};

export function phaseLabel(state: JobState, protocol?: ProtocolId): string {
  return (protocol === 'mcumgr-smp' ? SMP_PHASE_LABELS[state] : undefined) ?? PHASE_LABELS[state];
}

/** Colour is reserved for state: every job state maps to exactly one tone. */
export type Tone = 'neutral' | 'active' | 'attention' | 'success' | 'warning' | 'danger';

const STATE_TONES: Record<JobState, Tone> = {
  queued: 'neutral',
  connecting: 'active',
  transferring: 'active',
  rebooting: 'active',
  verifying: 'active',
  'awaiting-commit': 'attention',
  committing: 'active',
  reverting: 'warning',
  updated: 'success',
  committed: 'success',
  'rolled-back': 'warning',
  failed: 'danger',
  cancelled: 'neutral',
};

export function stateTone(state: JobState): Tone {
  return STATE_TONES[state];
}
