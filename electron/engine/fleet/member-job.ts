// What a member's job says about the member: its state and the sentence to show. The job's progress
// is not copied (the UI follows the job by its id through jobChanged).
import type { CommitPolicy, Job } from '../../../shared/domain.ts';
import type { FleetMemberState } from '../../../shared/fleet.ts';

export function memberStateOf(job: Pick<Job, 'state'>, policy: CommitPolicy): FleetMemberState {
  switch (job.state) {
    case 'committed':
    case 'updated':
      return 'succeeded';
    case 'rolled-back':
      return 'rolled-back';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    case 'awaiting-commit':
      // With auto the job waits only for its own health check: still working. Otherwise it is
      // healthy and waits for a decision ("Commit all healthy", or nobody with never).
      return policy === 'auto' ? 'running' : 'awaiting-commit';
    default:
      return 'running';
  }
}

/** The result's sentence once the job ended; nothing while it works (the job card says that). */
export const memberMessageOf = (job: Pick<Job, 'result'>): string | null => job.result?.message ?? null;
