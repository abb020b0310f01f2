import { memo } from 'react';
import type { Job } from '../../../../shared/domain.ts';
import { isTerminal, PROTOCOL_LABELS, SMP_COMMIT_MODES } from '../../../../shared/domain.ts';
import { formatBytes, formatDuration, shortHash } from '../../../../shared/format.ts';
import { phaseLabel, stateTone } from '../../lib/job-state.ts';
import { CommitPrompt } from './CommitPrompt.tsx';
import { bootModeNote, uploadThenResetOnly } from './job-boot-mode.ts';
import { JobLink } from './JobLink.tsx';
import { JobLog } from './JobLog.tsx';
import { JobOutcome } from './JobOutcome.tsx';
import { JobProgress } from './JobProgress.tsx';
import { useJobActions } from './useJobActions.ts';

const CANCELLABLE: Job['state'][] = ['queued', 'connecting', 'transferring'];

interface JobCardProps {
  job: Job;
  now: number;
  upsert: (job: Job) => void;
  remove: (jobId: string) => void;
}

// Memoised: with twenty pushes at once (a fleet run) each jobChanged re-renders only its own card.
export const JobCard = memo(function JobCard({ job, now, upsert, remove }: JobCardProps) {
  const actions = useJobActions(job.id, upsert, remove);
  const tone = stateTone(job.state);
  const finished = isTerminal(job.state);
  // A finished bar only tells something when the upload stopped part-way.
  const stoppedPartWay = job.progress.bytesSent > 0 && job.progress.bytesSent < job.progress.totalBytes;
  const showProgress = !finished || stoppedPartWay;
  // MCUboot serial recovery and the like: no test, no confirm, so no commit mode and no Commit button.
  const resetOnly = uploadThenResetOnly(job);
  const bootNote = bootModeNote(job);
  return (
    <article
      className={`job-card job-card--${tone}`}
      data-testid="job-card"
      data-job-id={job.id}
      data-state={job.state}
    >
      <header className="job-card__header">
        <div className="job-card__title">
          <span className="job-card__device truncate" title={job.deviceName}>
            {job.deviceName}
          </span>
          <span className="mono muted truncate" title={PROTOCOL_LABELS[job.protocol]}>
            {job.target}
          </span>
        </div>
        <span className="job-card__badges">
          {resetOnly ? (
            <span
              className="tag"
              data-testid="job-mode"
              data-mode="upload-and-reset"
              title={job.bootMode?.summary ?? undefined}
            >
              Upload and reset
            </span>
          ) : (
            job.mode && (
              <span
                className="tag"
                data-testid="job-mode"
                data-mode={job.mode}
                title={SMP_COMMIT_MODES[job.mode].description}
              >
                {SMP_COMMIT_MODES[job.mode].label}
              </span>
            )
          )}
          <span className={`pill pill--${tone}`} data-testid="job-phase">
            {phaseLabel(job.state, job.protocol)}
          </span>
        </span>
      </header>
      <p className="job-card__file">
        <span className="truncate" title={job.image.fileName}>
          {job.image.fileName}
        </span>
        <span
          className="muted mono job-card__meta"
          title={`${job.image.version ?? 'no version'} · SHA-256 ${job.image.sha256}`}
        >
          {job.image.version ?? 'no version'} · {formatBytes(job.image.size)} · {shortHash(job.image.sha256)}
        </span>
        {finished && job.endedAt !== null && (
          <span className="muted job-card__took">took {formatDuration((job.endedAt - job.createdAt) / 1000)}</span>
        )}
      </p>
      {showProgress && <JobProgress job={job} now={now} />}
      {job.link && <JobLink link={job.link} />}
      {bootNote && (
        <p className="hint job-card__boot-mode" data-testid="job-boot-mode" title={job.bootMode?.summary}>
          {bootNote}
        </p>
      )}
      {job.state === 'awaiting-commit' && !resetOnly && (
        <CommitPrompt
          job={job}
          now={now}
          busy={actions.pending}
          onCommit={() => void actions.run('commit')}
          onRevert={() => void actions.run('revert')}
        />
      )}
      {finished && <JobOutcome job={job} />}
      {actions.error && (
        <p className="callout callout--danger" role="alert" data-testid="job-action-error">
          {actions.error}
        </p>
      )}
      <footer className="job-card__footer">
        <JobLog entries={job.log} startedAt={job.createdAt} />
        <div className="job-card__buttons">
          {CANCELLABLE.includes(job.state) && (
            <button
              type="button"
              className="button button--small"
              data-testid="cancel-button"
              disabled={actions.pending}
              onClick={() => void actions.run('cancel')}
            >
              Cancel
            </button>
          )}
          {finished && (
            <button
              type="button"
              className="button button--small button--ghost"
              data-testid="dismiss-button"
              disabled={actions.pending}
              onClick={() => void actions.run('dismiss')}
            >
              Dismiss
            </button>
          )}
        </div>
      </footer>
    </article>
  );
});
