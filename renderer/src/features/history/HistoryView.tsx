// The History view: every push this machine's OTA Bench (app or CLI) made, newest first, filtered by
// board, result and file; a row opens with its states and log, and its file can be pushed again.
import { useCallback, useState } from 'react';
import type { HistoryEntry } from '../../../../shared/history.ts';
import { useNow } from '../../lib/useNow.ts';
import type { HistoryFilter } from './history-merge.ts';
import { noRowsSentence, pushCount } from './history-messages.ts';
import { HistoryExport } from './HistoryExport.tsx';
import { HistoryFilters } from './HistoryFilters.tsx';
import { HistoryTable } from './HistoryTable.tsx';
import { usePushAgain } from './useHistoryActions.ts';
import { useHistory } from './useHistory.ts';
import { useInventory } from './useInventory.ts';
import './history.css';

export function HistoryView({ deviceId }: { deviceId: string | null }) {
  const [filter, setFilter] = useState<HistoryFilter>(deviceId ? { deviceId } : {});
  const history = useHistory(filter);
  const boards = useInventory({ live: false });
  const now = useNow(30_000);
  const [openJobId, setOpenJobId] = useState<string | null>(null);
  const again = usePushAgain();
  const toggle = useCallback((jobId: string) => setOpenJobId((open) => (open === jobId ? null : jobId)), []);
  const onPushAgain = useCallback((row: HistoryEntry) => void again.pushAgain(row), [again]);
  const filtered = Boolean(filter.deviceId || filter.result || filter.fileName);

  return (
    <main className="history-view" aria-label="History" data-testid="history-view">
      <header className="history-view__header">
        <h2 className="panel-title">
          History{' '}
          <span className="count" data-testid="history-count">
            {history.loaded && !history.error ? pushCount(history.rows.length, history.hasOlder) : ''}
          </span>
        </h2>
        <HistoryExport filter={filter} disabled={history.rows.length === 0} />
      </header>
      <HistoryFilters filter={filter} boards={boards.devices} onChange={setFilter} />
      {history.error && (
        <p className="callout callout--danger" role="alert" data-testid="history-error">
          Could not read the history: {history.error}
        </p>
      )}
      {history.loaded && !history.error && history.rows.length === 0 && (
        <p className="hint history-view__empty" data-testid="history-empty">
          {noRowsSentence(filtered)}
        </p>
      )}
      {history.rows.length > 0 && (
        <HistoryTable
          rows={history.rows}
          now={now}
          openJobId={openJobId}
          onToggle={toggle}
          pushAgain={{ pendingJobId: again.pendingJobId, error: again.error }}
          onPushAgain={onPushAgain}
        />
      )}
      {history.hasOlder && (
        <button
          type="button"
          className="button history-view__older"
          data-testid="history-show-older"
          disabled={history.loadingOlder}
          onClick={() => void history.showOlder()}
        >
          {history.loadingOlder ? 'Reading…' : 'Show older'}
        </button>
      )}
    </main>
  );
}
