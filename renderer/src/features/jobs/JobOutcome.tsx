// How a finished job ended, in the engine's words and the board's own words.
import type { Job } from '../../../../shared/domain.ts';
import { stateTone } from '../../lib/format.ts';

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
      {(job.fromVersion || job.toVersion) && (
        <p className="outcome__versions mono" data-testid="job-versions">
          {job.fromVersion ?? '?'} <span className="muted">→</span> {job.toVersion ?? '?'}
        </p>
      )}
    </div>
  );
}

/** The engine always sends a result for terminal jobs; this only covers an older engine or a bug. */
function fallbackMessage(job: Job): string {
  const last = job.log.at(-1)?.text;
  return last ? `Ended as “${job.state}”. Last log line: ${last}` : `Ended as “${job.state}” without a result message.`;
}
