// A run's totals and state, always computed from its members so they cannot drift: every member is
// counted exactly once (planning counts as running), so the totals add up to the member count.
import {
  FLEET_MEMBER_TERMINAL,
  type FleetMember,
  type FleetMemberState,
  type FleetRunState,
  type FleetTotals,
} from '../../../shared/fleet.ts';

const TOTAL_OF: Record<FleetMemberState, keyof FleetTotals> = {
  waiting: 'waiting',
  planning: 'running',
  running: 'running',
  'awaiting-commit': 'awaitingCommit',
  succeeded: 'succeeded',
  failed: 'failed',
  'rolled-back': 'rolledBack',
  skipped: 'skipped',
  cancelled: 'cancelled',
};

export function totalsOf(members: readonly FleetMember[]): FleetTotals {
  const totals: FleetTotals = {
    waiting: 0,
    running: 0,
    awaitingCommit: 0,
    succeeded: 0,
    failed: 0,
    rolledBack: 0,
    skipped: 0,
    cancelled: 0,
  };
  for (const member of members) totals[TOTAL_OF[member.state]]++;
  return totals;
}

export const isMemberTerminal = (state: FleetMemberState): boolean => FLEET_MEMBER_TERMINAL.includes(state);

/** Holds a slot under the concurrency cap: choosing its image, or its job working. */
export const holdsSlot = (state: FleetMemberState): boolean => state === 'planning' || state === 'running';

/**
 * `ended` once every member is terminal; `awaiting-commit` when nothing waits or runs and healthy
 * boards wait for "Commit all healthy"; else `running`.
 */
export function runStateOf(members: readonly FleetMember[]): FleetRunState {
  if (members.every((m) => isMemberTerminal(m.state))) return 'ended';
  const moving = members.some((m) => m.state === 'waiting' || holdsSlot(m.state));
  return !moving && members.some((m) => m.state === 'awaiting-commit') ? 'awaiting-commit' : 'running';
}
