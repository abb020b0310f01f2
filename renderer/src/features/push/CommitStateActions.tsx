// A plan refused because the board runs an uncommitted update (Mongoose OS takes no other update
// until then): Commit and Revert right here, so the user does not have to find the board's own tools.
// After either, the board is asked again (a revert reboots it; the engine waits for it to come back).
import { useCallback, useState } from 'react';
import type { DeviceStatus } from '../../../../shared/domain.ts';
import { useApi } from '../../api.ts';
import { useAsyncAction } from '../../lib/useAsyncAction.ts';

interface CommitStateActionsProps {
  deviceId: string;
  /** Ask for the plan again once the board has answered. */
  onDone: () => void;
}

export function CommitStateActions({ deviceId, onDone }: CommitStateActionsProps) {
  const api = useApi();
  const [doing, setDoing] = useState<'commit' | 'revert' | null>(null);
  const [outcome, setOutcome] = useState<string | null>(null);
  const decide = useCallback(
    async (decision: 'commit' | 'revert'): Promise<DeviceStatus> => {
      setDoing(decision);
      setOutcome(null);
      try {
        return decision === 'commit' ? await api.commitDevice({ deviceId }) : await api.revertDevice({ deviceId });
      } finally {
        setDoing(null);
      }
    },
    [api, deviceId],
  );
  const action = useAsyncAction(decide);
  const run = async (decision: 'commit' | 'revert') => {
    const status = await action.run(decision);
    if (status) {
      setOutcome(status.outcome ?? null);
      onDone();
    }
  };
  return (
    <div className="commit-prompt" data-testid="commit-state-actions">
      <p className="hint">
        Commit keeps the firmware it runs now; Revert reboots it into the previous one. Then push again.
      </p>
      <div className="commit-prompt__actions">
        <button
          type="button"
          className="button button--primary"
          data-testid="plan-commit-button"
          disabled={action.pending}
          onClick={() => void run('commit')}
        >
          {doing === 'commit' ? 'Committing…' : 'Commit'}
        </button>
        <button
          type="button"
          className="button"
          data-testid="plan-revert-button"
          disabled={action.pending}
          onClick={() => void run('revert')}
        >
          {doing === 'revert' ? 'Reverting… (the board reboots)' : 'Revert'}
        </button>
      </div>
      {outcome && (
        <p className="hint selectable" data-testid="commit-state-outcome" role="status">
          {outcome}
        </p>
      )}
      {action.error && (
        <p className="field-error selectable" role="alert">
          {action.error}
        </p>
      )}
    </div>
  );
}
