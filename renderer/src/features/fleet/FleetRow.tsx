// One board of a fleet run. Memoised and keyed by deviceId: a job's progress re-renders only its
// own row, so twenty concurrent pushes stay cheap.
import { memo } from 'react';
import type { Job } from '../../../../shared/domain.ts';
import type { FleetMember } from '../../../../shared/fleet.ts';
import { memberView } from './fleet-view.ts';

interface FleetRowProps {
  member: FleetMember;
  job: Job | undefined;
}

function FleetRowView({ member, job }: FleetRowProps) {
  const view = memberView(member, job);
  return (
    <li
      className={`fleet-row fleet-row--${view.tone}`}
      data-testid="fleet-row"
      data-device-id={member.deviceId}
      data-state={member.state}
      data-job-state={job?.state ?? ''}
      data-active={view.active}
      data-flagged={view.flag !== null}
      data-attempt={member.attempt}
    >
      <span className="fleet-row__name truncate" title={member.deviceName}>
        {member.pilot && (
          <span className="tag" title="Staged rollout: this board goes first">
            first
          </span>
        )}{' '}
        {member.deviceName}
      </span>
      <span className="fleet-row__file mono truncate muted" title={member.fileName ?? 'No file fits this board'}>
        {member.fileName ?? '—'}
      </span>
      <span className={`pill pill--${view.tone} fleet-row__phase`} data-testid="fleet-row-phase">
        {view.flag && (
          <span className="fleet-row__flag" aria-hidden>
            {view.flag.icon}
          </span>
        )}
        {view.phase}
        {member.attempt > 1 && <span className="fleet-row__attempt"> · try {member.attempt}</span>}
      </span>
      <span className="fleet-row__progress">
        {view.percent !== null && (
          <>
            <span
              className={`progress progress--${view.tone}`}
              role="progressbar"
              aria-label={`Upload to ${member.deviceName}`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={view.percent}
            >
              {/* Scaled, not resized: twenty bars moving must not lay the page out again every frame. */}
              <span className="fleet-row__fill" style={{ transform: `scaleX(${view.percent / 100})` }} />
            </span>
            <span className="mono fleet-row__percent" data-testid="fleet-row-percent">
              {view.percent}%
            </span>
          </>
        )}
      </span>
      {(view.message || view.deviceMessage) && (
        <span
          className="fleet-row__words"
          title={[view.message, view.deviceMessage].filter(Boolean).join(' — The board: ')}
        >
          {view.message && (
            <span className="fleet-row__message" data-testid="fleet-row-message">
              {view.message}
            </span>
          )}
          {view.deviceMessage && (
            <q className="fleet-row__device-says mono" data-testid="fleet-row-device-says" title="What the board said">
              {view.deviceMessage}
            </q>
          )}
        </span>
      )}
    </li>
  );
}

/** Re-renders when its job object or a field of its member changed (a new run copy is not a change). */
export const FleetRow = memo(
  FleetRowView,
  (before, after) => before.job === after.job && sameMember(before.member, after.member),
);

function sameMember(a: FleetMember, b: FleetMember): boolean {
  return (
    a.state === b.state &&
    a.jobId === b.jobId &&
    a.message === b.message &&
    a.attempt === b.attempt &&
    a.fileName === b.fileName &&
    a.deviceName === b.deviceName &&
    a.pilot === b.pilot
  );
}
