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

/** Longest a jobChanged event waits to be merged with the others that arrive meanwhile. */
const FLUSH_MS = 50;

export function useJobs(): JobsState {
  const api = useApi();
  const [jobs, setJobs] = useState<Job[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let active = true;
    // Twenty pushes at once send ~80 jobChanged a second: they are merged in one render per
    // FLUSH_MS instead of one each, so the window stays responsive (the fleet card's frame times).
    let pending: Job[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      flushTimer = null;
      const arrived = pending;
      pending = [];
      setJobs((previous) => arrived.reduce(upsertJob, previous));
    };
    const unsubscribe = api.onJobChanged((job) => {
      pending.push(job);
      flushTimer ??= setTimeout(flush, FLUSH_MS);
    });
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
      if (flushTimer) clearTimeout(flushTimer);
    };
  }, [api]);

  const upsert = useCallback((job: Job) => setJobs((previous) => upsertJob(previous, job)), []);
  const remove = useCallback((jobId: string) => setJobs((previous) => previous.filter((job) => job.id !== jobId)), []);

  return { jobs, loaded, error, upsert, remove };
}
