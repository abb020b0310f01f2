// Mongoose OS boots the new firmware uncommitted; unless it is committed before commitDeadline the
// bootloader goes back to the old one. The countdown makes that deadline impossible to miss.
import type { Job } from '../../../../shared/domain.ts';
import { formatCountdown } from '../../../../shared/format.ts';

interface CommitPromptProps {
  job: Job;
  now: number;
  busy: boolean;
  onCommit: () => void;
  onRevert: () => void;
}

export function CommitPrompt({ job, now, busy, onCommit, onRevert }: CommitPromptProps) {
  const msLeft = job.commitDeadline === null ? null : job.commitDeadline - now;
  const running = job.toVersion ?? job.image.version ?? 'the new firmware';
  const previous = job.fromVersion ?? 'the previous firmware';
  return (
    <div className="commit-prompt" data-testid="commit-prompt">
      <p className="commit-prompt__headline" data-testid="commit-countdown" aria-live="off">
        Awaiting commit —{' '}
        {msLeft === null
          ? 'no deadline reported'
          : msLeft > 0
            ? `${formatCountdown(msLeft / 1000)} left`
            : 'the board should revert any moment'}
      </p>
      <p className="hint">
        The board runs <span className="mono">{running}</span> uncommitted. Commit keeps it; Revert boots{' '}
        <span className="mono">{previous}</span> again. Without an answer it reverts by itself.
      </p>
      <div className="commit-prompt__actions">
        <button
          type="button"
          className="button button--primary"
          data-testid="commit-button"
          disabled={busy}
          onClick={onCommit}
        >
          Commit
        </button>
        <button type="button" className="button" data-testid="revert-button" disabled={busy} onClick={onRevert}>
          Revert
        </button>
      </div>
    </div>
  );
}
