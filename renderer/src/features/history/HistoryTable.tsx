// The History rows, newest first. The time opens a row's details (a disclosure button, so the
// keyboard reaches it); "Push again" re-opens the file that row sent.
import { Fragment } from 'react';
import type { HistoryEntry } from '../../../../shared/history.ts';
import { formatDuration, formatUploadRate, NO_VALUE } from '../../../../shared/format.ts';
import { HistoryDetails } from './HistoryDetails.tsx';
import { formatWhen, versionChange } from './history-words.ts';
import { ResultWord } from './ResultWord.tsx';

interface HistoryTableProps {
  rows: HistoryEntry[];
  now: number;
  openJobId: string | null;
  onToggle: (jobId: string) => void;
  /** The row whose file is being re-opened, and the refusal of the last try. */
  pushAgain: { pendingJobId: string | null; error: { jobId: string; message: string } | null };
  onPushAgain: (row: HistoryEntry) => void;
}

const COLUMNS = 8;

export function HistoryTable({ rows, now, openJobId, onToggle, pushAgain, onPushAgain }: HistoryTableProps) {
  return (
    <table className="history-table" data-testid="history-table">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Board</th>
          <th scope="col">File</th>
          <th scope="col" title="The version before the push → the one the board reported after it">
            Before → after
          </th>
          <th scope="col">Result</th>
          <th scope="col" className="history-table__number">
            Duration
          </th>
          <th scope="col" className="history-table__number">
            Throughput
          </th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => {
          const open = row.jobId === openJobId;
          const refused = pushAgain.error?.jobId === row.jobId ? pushAgain.error.message : null;
          return (
            <Fragment key={row.jobId}>
              <tr
                className={`history-row${open ? ' history-row--open' : ''}`}
                data-testid="history-row"
                data-job-id={row.jobId}
                data-device-id={row.deviceId}
                data-result={row.result}
              >
                <td>
                  <button
                    type="button"
                    className="history-row__toggle"
                    aria-expanded={open}
                    aria-controls={`history-details-${row.jobId}`}
                    data-testid="history-row-toggle"
                    onClick={() => onToggle(row.jobId)}
                  >
                    <span aria-hidden="true" className="history-row__chevron">
                      {open ? '▾' : '▸'}
                    </span>{' '}
                    {formatWhen(row.startedAt, now)}
                  </button>
                </td>
                <td className="truncate" title={row.deviceName}>
                  {row.deviceName}
                </td>
                <td className="truncate" title={row.fileName}>
                  {row.fileName}
                </td>
                <td className="version-text" data-testid="history-versions">
                  {versionChange(row)}
                </td>
                <td data-testid="history-result">
                  <ResultWord entry={row} />
                </td>
                <td className="history-table__number">
                  {row.durationMs === null ? NO_VALUE : formatDuration(row.durationMs / 1000)}
                </td>
                <td className="history-table__number">
                  {row.bytesPerSecond ? formatUploadRate(row.bytesPerSecond, row.protocol) : NO_VALUE}
                </td>
                <td className="history-table__actions">
                  <button
                    type="button"
                    className="button button--small"
                    data-testid="push-again-button"
                    aria-label={`Push ${row.fileName} to ${row.deviceName} again`}
                    disabled={pushAgain.pendingJobId !== null}
                    onClick={() => onPushAgain(row)}
                  >
                    {pushAgain.pendingJobId === row.jobId ? 'Opening…' : 'Push again'}
                  </button>
                </td>
              </tr>
              {refused && (
                <tr className="history-row__refusal">
                  <td colSpan={COLUMNS}>
                    <p className="callout callout--danger" role="alert" data-testid="push-again-error">
                      {refused}
                    </p>
                  </td>
                </tr>
              )}
              {open && (
                <tr className="history-row__details" id={`history-details-${row.jobId}`}>
                  <td colSpan={COLUMNS}>
                    <HistoryDetails row={row} />
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
