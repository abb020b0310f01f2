// The fleet push's sentences for users, in one place (the form, the card's header and its buttons).
import type { CommitPolicy } from '../../../../shared/domain.ts';
import type { FleetRun } from '../../../../shared/fleet.ts';
import { FLEET_LIMITS } from '../../../../shared/request-schemas.ts';

export const FLEET_POLICIES: { value: CommitPolicy; label: string; explains: string }[] = [
  {
    value: 'auto',
    label: 'Auto',
    explains: 'Each board is committed as soon as its own health check passes; one that fails it is reverted.',
  },
  {
    value: 'prompt',
    label: 'Ask me',
    explains: 'Healthy boards wait; one “Commit all healthy” commits them together.',
  },
  {
    value: 'never',
    label: "Don't commit",
    explains: 'Boards are left as they boot (a board with a watchdog reverts).',
  },
];

export const POLICY_CHIPS: Record<CommitPolicy, string> = {
  auto: 'commit each after its health check',
  prompt: 'commit when you say',
  never: 'no commit',
};

export function optionChips(options: FleetRun['options']): string[] {
  const chips = [`${options.concurrency} at a time`, POLICY_CHIPS[options.commitPolicy]];
  if (options.staged) chips.push('one board first');
  if (options.stopOnFailure) chips.push('stop on first failure');
  if (options.skipOffline) chips.push('skip offline');
  if (options.onlyOutdated) chips.push('only outdated');
  return chips;
}

export const CONCURRENCY_HINT = `1 to ${FLEET_LIMITS.maxConcurrency}; Bluetooth boards go one at a time per radio.`;

export function boardsWord(count: number): string {
  return `${count} board${count === 1 ? '' : 's'}`;
}

export const NO_IMAGE_BLOCKER = 'Open a firmware file first (Choose file… or drop it on the window).';
export const CONCURRENCY_BLOCKER = `Concurrency is a whole number from 1 to ${FLEET_LIMITS.maxConcurrency}.`;
export const NOTHING_FITS_BLOCKER = 'None of the selected boards can take the open file: open one for their kind.';
export const RETRY_WHILE_RUNNING = 'Wait until the run has stopped pushing: failed boards are retried together.';
