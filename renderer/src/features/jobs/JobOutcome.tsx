// How a finished job ended, in the engine's words and the board's own words.
import type { Job } from '../../../../shared/domain.ts';
import { stateTone } from '../../lib/job-state.ts';

export function JobOutcome({ job }: { job: Job }) {
  const { result } = job;
  return (
    <div className={`outcome outcome--${stateTone(job.state)}`} data-testid="job-outcome">
      <p className="outcome__message" data-testid="job-result-message">
        {result?.message ?? fallbackMessage(job)}
      </p>
      {result?.deviceMessage && (
        <p className="outcome__device">
          <span className="outcome__device-label">Board said</span>
          <q className="mono selectable" data-testid="job-device-message">
            {result.deviceMessage}
          </q>
        </p>
      )}
      <VersionTrail job={job} />
    </div>
  );
}

/** 1.0.0 → 1.1.0, or for a rollback 1.0.0 → 1.1.0, back to 1.0.0. Nothing when versions are unknown. */
function VersionTrail({ job }: { job: Job }) {
  const { fromVersion, toVersion } = job;
  if (!fromVersion || !toVersion) return null;
  const arrow = <span className="muted">→</span>;
  return (
    <p className="outcome__versions mono" data-testid="job-versions">
      {job.state === 'rolled-back' ? (
        <>
          {fromVersion} {arrow} {job.image.version ?? 'new firmware'}, back to {toVersion}
        </>
      ) : (
        <>
          {fromVersion} {arrow} {toVersion}
        </>
      )}
    </p>
  );
}

/** The engine always sends a result for terminal jobs; this only covers an older engine or a bug. */
function fallbackMessage(job: Job): string {
  const last = job.log.at(-1)?.text;
  return last ? `Ended as “${job.state}”. Last log line: ${last}` : `Ended as “${job.state}” without a result message.`;
}
