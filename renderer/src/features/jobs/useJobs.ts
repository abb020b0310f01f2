// All jobs, newest first: listJobs once, then every jobChanged event merged in by id.
import { useCallback, useEffect, useState } from 'react';
import type { Job } from '../../../../shared/domain.ts';
import { errorMessage, useApi } from '../../api.ts';
import { mergeJobLists, upsertJob } from './job-merge.ts';

export interface JobsState {
  jobs: Job[];
  loaded: boolean;
  error: string | null;
  /** Command results (push, commit…) go through here too, so the card updates before the event. */
  upsert: (job: Job) => void;
  /** After dismissJob: the engine forgets the job and sends no event for it. */
  remove: (jobId: string) => void;
}

export function useJobs(): JobsState {
  const api = useApi();
  const [jobs, setJobs] = useState<Job[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    const unsubscribe = api.onJobChanged((job) => setJobs((previous) => upsertJob(previous, job)));
    api.listJobs().then(
      (listed) => {
        if (!active) return;
        setJobs((previous) => mergeJobLists(previous, listed));
        setLoaded(true);
      },
      (caught: unknown) => {
        if (!active) return;
        setError(errorMessage(caught));
        setLoaded(true);
      },
    );
    return () => {
      active = false;
      unsubscribe();
    };
  }, [api]);

  const upsert = useCallback((job: Job) => setJobs((previous) => upsertJob(previous, job)), []);
  const remove = useCallback((jobId: string) => setJobs((previous) => previous.filter((job) => job.id !== jobId)), []);

  return { jobs, loaded, error, upsert, remove };
}
