import type { JobLogEntry } from '../../../../shared/domain.ts';
import { formatLogOffset } from '../../../../shared/format.ts';

/** The step-by-step log, folded away: there when a developer wants to know exactly what happened. */
export function JobLog({ entries, startedAt }: { entries: JobLogEntry[]; startedAt: number }) {
  if (entries.length === 0) return null;
  return (
    <details className="job-log">
      <summary>Log ({entries.length})</summary>
      <ol className="job-log__lines mono selectable">
        {entries.map((entry, index) => (
          <li key={index}>
            <span className="job-log__time">{formatLogOffset(entry.at - startedAt)}</span> {entry.text}
          </li>
        ))}
      </ol>
    </details>
  );
}
