// Above the History table: board (every board ever seen), result, and a file-name substring.
// The text is sent a moment after typing stops, so each key press is not a query.
import { useEffect, useState } from 'react';
import type { HistoryResult, InventoryDevice } from '../../../../shared/history.ts';
import type { HistoryFilter } from './history-merge.ts';
import { HISTORY_RESULTS, RESULT_WORDS } from './history-words.ts';

const TYPING_PAUSE_MS = 250;

interface HistoryFiltersProps {
  filter: HistoryFilter;
  boards: InventoryDevice[];
  onChange: (filter: HistoryFilter) => void;
}

export function HistoryFilters({ filter, boards, onChange }: HistoryFiltersProps) {
  const [text, setText] = useState(filter.fileName ?? '');
  useEffect(() => {
    const trimmed = text.trim().slice(0, 200);
    const fileName = trimmed === '' ? undefined : trimmed;
    if (fileName === filter.fileName) return;
    const timer = setTimeout(() => onChange({ ...filter, fileName }), TYPING_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [text, filter, onChange]);

  // A board filtered to from its panel is listed even before the inventory has answered.
  const listed = boards.some((board) => board.deviceId === filter.deviceId);
  return (
    <div className="history-filters" role="search" aria-label="Filter the history">
      <label className="history-filters__field">
        <span className="field-label">Board</span>
        <select
          className="input"
          data-testid="history-filter-board"
          value={filter.deviceId ?? ''}
          onChange={(event) => onChange({ ...filter, deviceId: event.target.value || undefined })}
        >
          <option value="">All boards</option>
          {filter.deviceId && !listed && <option value={filter.deviceId}>{filter.deviceId}</option>}
          {boards.map((board) => (
            <option key={board.deviceId} value={board.deviceId}>
              {board.label ? `${board.label} (${board.name})` : board.name}
            </option>
          ))}
        </select>
      </label>
      <label className="history-filters__field">
        <span className="field-label">Result</span>
        <select
          className="input"
          data-testid="history-filter-result"
          value={filter.result ?? ''}
          onChange={(event) => onChange({ ...filter, result: (event.target.value || undefined) as HistoryResult })}
        >
          <option value="">Any result</option>
          {HISTORY_RESULTS.map((result) => (
            <option key={result} value={result}>
              {RESULT_WORDS[result]}
            </option>
          ))}
        </select>
      </label>
      <label className="history-filters__field history-filters__file">
        <span className="field-label">File</span>
        <input
          type="search"
          className="input"
          placeholder="Part of the file name"
          maxLength={200}
          data-testid="history-filter-file"
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => event.key === 'Escape' && setText('')}
        />
      </label>
    </div>
  );
}
