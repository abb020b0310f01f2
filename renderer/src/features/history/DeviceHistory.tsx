// In the Push card: the selected board's own last pushes, and a way to all of them in the History view.
import { use } from 'react';
import type { Device } from '../../../../shared/domain.ts';
import type { HistoryEntry } from '../../../../shared/history.ts';
import { useNow } from '../../lib/useNow.ts';
import { noDeviceHistory } from './history-messages.ts';
import { formatWhen, versionChange } from './history-words.ts';
import { NavigationContext } from './navigation.ts';
import { ResultWord } from './ResultWord.tsx';
import { useHistory } from './useHistory.ts';
import './history.css';

const LAST_PUSHES = 5;

export function DeviceHistory({ device }: { device: Device }) {
  const history = useHistory({ deviceId: device.id }, LAST_PUSHES);
  // The Push card also renders on its own (unit tests): the link needs the app's views.
  const navigation = use(NavigationContext);
  if (!history.loaded) return null;
  const rows = history.rows.slice(0, LAST_PUSHES);
  return (
    <section className="device-history" aria-label={`Last pushes to ${device.name}`} data-testid="device-history">
      <div className="device-history__header">
        <h3 className="subsection-title">Last pushes</h3>
        {navigation && rows.length > 0 && (
          <button
            type="button"
            className="button button--ghost button--small"
            data-testid="device-history-all"
            onClick={() => navigation.show({ name: 'history', deviceId: device.id })}
          >
            All pushes to this board →
          </button>
        )}
      </div>
      {history.error && <p className="hint">History unavailable: {history.error}</p>}
      {!history.error && rows.length === 0 && <p className="hint">{noDeviceHistory(device.name)}</p>}
      {rows.length > 0 && <DeviceHistoryRows rows={rows} />}
    </section>
  );
}

/** The rows, with their own clock (only once there are rows: a static render of the card has none). */
function DeviceHistoryRows({ rows }: { rows: HistoryEntry[] }) {
  const now = useNow(30_000);
  // data-history-job-id, not data-job-id: the job cards own that attribute on the Bench.
  return (
    <ol className="device-history__rows">
      {rows.map((row) => (
        <li key={row.jobId} data-testid="device-history-row" data-history-job-id={row.jobId} data-result={row.result}>
          <span className="mono muted">{formatWhen(row.startedAt, now)}</span>
          <span className="truncate" title={row.fileName}>
            {row.fileName}
          </span>
          <span className="version-text muted">{versionChange(row)}</span>
          <ResultWord entry={row} />
        </li>
      ))}
    </ol>
  );
}
