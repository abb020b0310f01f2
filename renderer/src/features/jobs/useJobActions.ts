// Cancel / Commit / Revert / Dismiss for one job card. One action at a time; the engine's error
// message (e.g. "the board is not awaiting a commit any more") is shown on the card.
import { useCallback } from 'react';
import type { Job } from '../../../../shared/domain.ts';
import { useApi } from '../../api.ts';
import { useAsyncAction } from '../../lib/useAsyncAction.ts';

export type JobAction = 'cancel' | 'commit' | 'revert' | 'dismiss';

export function useJobActions(jobId: string, upsert: (job: Job) => void, remove: (jobId: string) => void) {
  const api = useApi();
  const perform = useCallback(
    async (action: JobAction): Promise<void> => {
      const ref = { jobId };
      if (action === 'dismiss') {
        await api.dismissJob(ref);
        remove(jobId);
        return;
      }
      const job =
        action === 'cancel'
          ? await api.cancelJob(ref)
          : action === 'commit'
            ? await api.commitJob(ref)
            : await api.revertJob(ref);
      upsert(job);
    },
    [api, jobId, upsert, remove],
  );
  const { run, pending, error } = useAsyncAction(perform);
  return { run, pending, error };
}
