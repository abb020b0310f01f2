// In the Push card: the selected board's own last pushes, and a way to all of them in the History view.
import type { Device } from '../../../../shared/domain.ts';
import { useNow } from '../../lib/useNow.ts';
import { noDeviceHistory } from './history-messages.ts';
import { formatWhen, versionChange } from './history-words.ts';
import { useNavigation } from './navigation.ts';
import { ResultWord } from './ResultWord.tsx';
import { useHistory } from './useHistory.ts';
import './history.css';

const LAST_PUSHES = 5;

export function DeviceHistory({ device }: { device: Device }) {
  const history = useHistory({ deviceId: device.id }, LAST_PUSHES);
  const navigation = useNavigation();
  const now = useNow(30_000);
  if (!history.loaded) return null;
  const rows = history.rows.slice(0, LAST_PUSHES);
  return (
    <section className="device-history" aria-label={`Last pushes to ${device.name}`} data-testid="device-history">
      <div className="device-history__header">
        <h3 className="subsection-title">Last pushes</h3>
        {rows.length > 0 && (
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
      {rows.length > 0 && (
        // data-history-job-id, not data-job-id: the job cards own that attribute on the Bench.
        <ol className="device-history__rows">
          {rows.map((row) => (
            <li
              key={row.jobId}
              data-testid="device-history-row"
              data-history-job-id={row.jobId}
              data-result={row.result}
            >
              <span className="mono muted">{formatWhen(row.startedAt, now)}</span>
              <span className="truncate" title={row.fileName}>
                {row.fileName}
              </span>
              <span className="version-text muted">{versionChange(row)}</span>
              <ResultWord entry={row} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
