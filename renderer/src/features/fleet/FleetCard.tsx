// One fleet run: its files and options, totals chips, a row per board, and the run's buttons
// (Cancel all, Retry failed (N), Commit all healthy (N), Dismiss once it ended).
import { memo, useCallback } from 'react';
import type { Job } from '../../../../shared/domain.ts';
import type { FleetRun } from '../../../../shared/fleet.ts';
import { formatBytes, formatCount } from '../../../../shared/format.ts';
import { useApi } from '../../api.ts';
import { useAsyncAction } from '../../lib/useAsyncAction.ts';
import { boardsWord, optionChips, RETRY_WHILE_RUNNING } from './fleet-messages.ts';
import { cancellable, retryableCount, totalChips } from './fleet-view.ts';
import { FleetRow } from './FleetRow.tsx';

type FleetAction = 'cancel' | 'retry' | 'commit' | 'dismiss';

interface FleetCardProps {
  run: FleetRun;
  jobsById: ReadonlyMap<string, Job>;
  onDismissed: (fleetId: string) => void;
}

export const FleetCard = memo(function FleetCard({ run, jobsById, onDismissed }: FleetCardProps) {
  const api = useApi();
  const perform = useCallback(
    async (action: FleetAction) => {
      const ref = { fleetId: run.id };
      // The run's new state arrives as fleetChanged; the command's copy is not needed here.
      if (action === 'cancel') await api.cancelFleet(ref);
      else if (action === 'retry') await api.retryFleet(ref);
      else if (action === 'commit') await api.commitFleet(ref);
      else {
        await api.dismissFleet(ref);
        onDismissed(run.id);
      }
    },
    [api, run.id, onDismissed],
  );
  const action = useAsyncAction(perform);
  const retryable = retryableCount(run.totals);
  const healthy = run.totals.awaitingCommit;
  const ended = run.state === 'ended';
  return (
    <article className="card fleet-card" data-testid="fleet-card" data-fleet-id={run.id} data-state={run.state}>
      <header className="fleet-card__header">
        <div className="fleet-card__title">
          <h3 className="panel-title">
            Fleet push <span className="count">{boardsWord(run.members.length)}</span>
          </h3>
          <ul className="fleet-card__images" aria-label="Files">
            {run.images.map((image) => (
              <li key={image.imageId} className="fleet-card__image" data-testid="fleet-card-image">
                <span className="mono truncate" title={image.fileName}>
                  {image.fileName}
                </span>
                <span className="muted">
                  {image.version ? `${image.version} · ` : ''}
                  {formatBytes(image.size)}
                </span>
              </li>
            ))}
          </ul>
          <p className="fleet-card__options" data-testid="fleet-card-options">
            {optionChips(run.options).map((chip) => (
              <span key={chip} className="tag">
                {chip}
              </span>
            ))}
          </p>
        </div>
        <ul className="fleet-card__totals" aria-label="Totals" data-testid="fleet-totals">
          {totalChips(run.totals)
            .filter((chip) => chip.count > 0 || chip.key === 'running' || chip.key === 'done' || chip.key === 'failed')
            .map((chip) => (
              <li
                key={chip.key}
                className={`fleet-chip fleet-chip--${chip.tone}`}
                data-testid={`fleet-total-${chip.key}`}
                data-count={chip.count}
              >
                <strong className="mono">{formatCount(chip.count)}</strong> {chip.label}
              </li>
            ))}
        </ul>
      </header>

      {run.message && (
        <p className="callout callout--neutral" data-testid="fleet-message">
          {run.message}
        </p>
      )}

      <ol className="fleet-rows" aria-label="Boards of this run">
        {run.members.map((member) => (
          <FleetRow key={member.deviceId} member={member} job={member.jobId ? jobsById.get(member.jobId) : undefined} />
        ))}
      </ol>

      <footer className="fleet-card__actions">
        {!ended && (
          <button
            type="button"
            className="button button--small button--danger"
            data-testid="fleet-cancel"
            disabled={action.pending || !cancellable(run)}
            onClick={() => void action.run('cancel')}
          >
            Cancel all
          </button>
        )}
        {run.options.commitPolicy === 'prompt' && (
          <button
            type="button"
            className="button button--small button--primary"
            data-testid="fleet-commit"
            disabled={action.pending || healthy === 0}
            title={healthy === 0 ? 'No board is waiting for a commit.' : undefined}
            onClick={() => void action.run('commit')}
          >
            Commit all healthy ({healthy})
          </button>
        )}
        {retryable > 0 && (
          <button
            type="button"
            className="button button--small"
            data-testid="fleet-retry"
            disabled={action.pending || run.state === 'running'}
            title={run.state === 'running' ? RETRY_WHILE_RUNNING : undefined}
            onClick={() => void action.run('retry')}
          >
            Retry failed ({retryable})
          </button>
        )}
        {ended && (
          <button
            type="button"
            className="button button--small button--ghost"
            data-testid="fleet-dismiss"
            disabled={action.pending}
            onClick={() => void action.run('dismiss')}
          >
            Dismiss
          </button>
        )}
        {action.error && (
          <p className="callout callout--danger" role="alert" data-testid="fleet-action-error">
            {action.error}
          </p>
        )}
      </footer>
    </article>
  );
});
