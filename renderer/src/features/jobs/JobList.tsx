// One card per job, newest first. A single 1 s clock drives every countdown and elapsed time.
import type { JobsState } from './useJobs.ts';
import { useNow } from '../../lib/useNow.ts';
import { JobCard } from './JobCard.tsx';
import './jobs.css';

export function JobList({ state }: { state: JobsState }) {
  const now = useNow(1000);
  return (
    <section className="job-list" aria-label="Pushes" data-testid="job-list">
      <header className="panel-header">
        <h2 className="panel-title">
          Pushes <span className="count">{state.jobs.length || ''}</span>
        </h2>
      </header>
      {state.error && (
        <p className="callout callout--danger" role="alert">
          Could not list pushes: {state.error}
        </p>
      )}
      {state.jobs.length === 0 ? (
        <p className="muted job-list__empty">No pushes yet. Pick a board, drop a firmware file, press Push.</p>
      ) : (
        state.jobs.map((job) => (
          <JobCard key={job.id} job={job} now={now} upsert={state.upsert} remove={state.remove} />
        ))
      )}
    </section>
  );
}
