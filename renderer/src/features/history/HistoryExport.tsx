// Export CSV / Export JSON of the rows the filters select: the main process asks where to save.
import type { HistoryFilter } from './history-merge.ts';
import { useExport } from './useHistoryActions.ts';

export function HistoryExport({ filter, disabled }: { filter: HistoryFilter; disabled: boolean }) {
  const exporting = useExport(filter);
  return (
    <div className="history-export">
      <span className="history-export__status" aria-live="polite">
        {exporting.saved && (
          <span className="hint" data-testid="history-export-saved">
            {exporting.saved}
          </span>
        )}
        {exporting.error && (
          <span className="field-error" role="alert" data-testid="history-export-error">
            {exporting.error}
          </span>
        )}
      </span>
      <button
        type="button"
        className="button button--small"
        data-testid="history-export-csv"
        disabled={disabled || exporting.pending}
        onClick={() => void exporting.exportAs('csv')}
      >
        Export CSV
      </button>
      <button
        type="button"
        className="button button--small"
        data-testid="history-export-json"
        disabled={disabled || exporting.pending}
        onClick={() => void exporting.exportAs('json')}
      >
        Export JSON
      </button>
    </div>
  );
}
