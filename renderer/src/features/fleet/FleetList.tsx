// The fleet cards, newest first, above the single pushes. Jobs are looked up by id from useJobs
// (one map per jobs change); each card's rows re-render only for their own job.
import { useMemo } from 'react';
import type { Job } from '../../../../shared/domain.ts';
import type { FleetsState } from './useFleets.ts';
import { FleetCard } from './FleetCard.tsx';
import './fleet.css';

export function FleetList({ fleets, jobs }: { fleets: FleetsState; jobs: Job[] }) {
  const jobsById = useMemo(() => new Map(jobs.map((job) => [job.id, job])), [jobs]);
  if (fleets.runs.length === 0 && !fleets.error) return null;
  return (
    <section className="fleet-list" aria-label="Fleet pushes" data-testid="fleet-list">
      {fleets.error && (
        <p className="callout callout--danger" role="alert">
          Could not list fleet pushes: {fleets.error}
        </p>
      )}
      {fleets.runs.map((run) => (
        <FleetCard key={run.id} run={run} jobsById={jobsById} onDismissed={fleets.remove} />
      ))}
    </section>
  );
}
