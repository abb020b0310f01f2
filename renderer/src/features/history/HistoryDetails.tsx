// A History row opened: every state with its time, the result in words and the board's own, the
// numbers of the transfer, who the board was then, and the last lines of the job's log.
import { useEffect, useState } from 'react';
import { PROTOCOL_LABELS, SMP_COMMIT_MODES } from '../../../../shared/domain.ts';
import type { DeviceIdentities, HistoryEntry } from '../../../../shared/history.ts';
import {
  formatBytes,
  formatClockTime,
  formatCount,
  formatDuration,
  formatExactBytes,
  formatLogOffset,
  formatUploadRate,
  NO_VALUE,
  shortHash,
} from '../../../../shared/format.ts';
import { errorMessage, useApi } from '../../api.ts';
import { phaseLabel } from '../../lib/job-state.ts';
import { INTERRUPTED_SENTENCE } from './history-messages.ts';
import { RESULT_WORDS } from './history-words.ts';

const IDENTITY_LABELS: Record<keyof DeviceIdentities, string> = {
  mdnsId: 'mDNS id',
  mac: 'MAC',
  bleAddress: 'BLE address',
  hostname: 'Host name',
  address: 'Address',
};

/** The full row (with its log) for `row`, fetched again when the row changes state. */
function useFullEntry(row: HistoryEntry) {
  const api = useApi();
  const [entry, setEntry] = useState<HistoryEntry | null>(null);
  const [error, setError] = useState<string | null>(null);
  const changes = row.states.length;
  useEffect(() => {
    let live = true;
    api.historyEntry({ jobId: row.jobId }).then(
      (full) => live && setEntry(full),
      (caught: unknown) => live && setError(errorMessage(caught)),
    );
    return () => {
      live = false;
    };
  }, [api, row.jobId, changes]);
  return { entry, error };
}

export function HistoryDetails({ row }: { row: HistoryEntry }) {
  const { entry: full, error } = useFullEntry(row);
  // The list's row is newer when an event arrived after the fetch; the log comes from the fetch.
  const entry = { ...row, log: full?.log };
  const identities = (Object.keys(IDENTITY_LABELS) as Array<keyof DeviceIdentities>).filter(
    (key) => entry.identities[key],
  );
  return (
    <div className="history-details" data-testid="history-details" data-job-id={entry.jobId}>
      {entry.state === 'interrupted' && (
        <p className="callout callout--warning" data-testid="history-interrupted">
          {INTERRUPTED_SENTENCE}
        </p>
      )}
      <div className="history-details__columns">
        <section aria-label="States">
          <h3 className="subsection-title">States</h3>
          <ol className="history-states" data-testid="history-states">
            {entry.states.map((step, index) => (
              <li key={index} data-state={step.state}>
                <span className="mono muted">{formatClockTime(step.at)}</span>{' '}
                <span className="mono history-states__offset">{formatLogOffset(step.at - entry.startedAt)}</span>{' '}
                {step.state === 'interrupted' ? RESULT_WORDS.interrupted : phaseLabel(step.state, entry.protocol)}
              </li>
            ))}
          </ol>
        </section>
        <section aria-label="Outcome" className="history-details__outcome">
          <h3 className="subsection-title">Outcome</h3>
          {entry.message && (
            <p className="selectable" data-testid="history-message">
              {entry.resultCode && <span className="tag mono">{entry.resultCode}</span>} {entry.message}
            </p>
          )}
          {entry.deviceMessage && (
            <blockquote className="history-details__board-words selectable" data-testid="history-device-message">
              The board said: <span className="mono">{entry.deviceMessage}</span>
            </blockquote>
          )}
          <dl className="facts">
            <dt>Sent</dt>
            <dd title={formatExactBytes(entry.bytesSent)}>
              {formatBytes(entry.bytesSent)} of {formatBytes(entry.size)}
            </dd>
            <dt>Throughput</dt>
            <dd>{entry.bytesPerSecond ? formatUploadRate(entry.bytesPerSecond, entry.protocol) : NO_VALUE}</dd>
            <dt>Duration</dt>
            <dd>{entry.durationMs === null ? NO_VALUE : formatDuration(entry.durationMs / 1000)}</dd>
            <dt>Retries</dt>
            <dd>{formatCount(entry.retries)}</dd>
            <dt>Protocol</dt>
            <dd>
              {PROTOCOL_LABELS[entry.protocol]}
              {entry.mode ? ` · ${SMP_COMMIT_MODES[entry.mode].label}` : ` · commit ${entry.commitPolicy}`}
            </dd>
            <dt>File</dt>
            <dd className="selectable">
              <span className="truncate">{entry.fileName}</span>
              <span className="mono muted" title={entry.sha256}>
                {shortHash(entry.sha256)}
              </span>
            </dd>
            <dt>Ran by</dt>
            <dd>{entry.initiatedBy}</dd>
          </dl>
        </section>
        <section aria-label="Board">
          <h3 className="subsection-title">Board then</h3>
          <dl className="facts" data-testid="history-identities">
            <dt>Name</dt>
            <dd className="truncate">{entry.deviceName}</dd>
            {identities.map((key) => (
              <IdentityFact key={key} label={IDENTITY_LABELS[key]} value={entry.identities[key]!} />
            ))}
          </dl>
        </section>
      </div>
      <section aria-label="Log">
        <h3 className="subsection-title">Log (last lines)</h3>
        {error && (
          <p className="field-error" role="alert">
            Could not read this push's log: {error}
          </p>
        )}
        {full && (full.log ?? []).length === 0 && <p className="hint">No log lines were recorded.</p>}
        {full?.log && full.log.length > 0 && (
          <ol className="history-log mono selectable" data-testid="history-log">
            {full.log.map((line, index) => (
              <li key={index}>
                <span className="history-log__time">{formatLogOffset(line.at - entry.startedAt)}</span> {line.text}
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

function IdentityFact({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className="mono selectable truncate">{value}</dd>
    </>
  );
}
