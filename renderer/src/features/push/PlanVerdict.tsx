// What stops this push, right above the Push button. A refusal is final; a failed check that is only
// strong evidence (the slot an image was linked for) can be overridden, but only by an explicit tick
// that says what happens when the evidence was right.
import type { PushPlan } from '../../../../shared/domain.ts';
import type { PushPlanState } from './usePushPlan.ts';
import { CommitStateActions } from './CommitStateActions.tsx';

export function PlanVerdict({ plan, planning }: { plan: PushPlan; planning: PushPlanState }) {
  if (plan.verdict === 'ready') return null;
  const failed = plan.checks.filter((check) => check.status === 'fail');
  const message = plan.message ?? failed[0]?.detail ?? 'The pre-flight checks failed.';
  if (plan.verdict === 'refused') {
    return (
      <div className="verdict verdict--refused" data-testid="plan-verdict" data-verdict="refused">
        <p className="verdict__headline">Refused before sending anything</p>
        <p className="verdict__message selectable" data-testid="plan-message">
          {message}
        </p>
        {/* Uncommitted firmware (Mongoose OS): the way out is right here. */}
        {failed.some((check) => check.id === 'commit-state') && (
          <CommitStateActions deviceId={plan.deviceId} onDone={planning.refresh} />
        )}
      </div>
    );
  }
  return (
    <div
      className="verdict verdict--override"
      data-testid="plan-verdict"
      data-verdict="needs-override"
      data-overridden={planning.override}
    >
      <p className="verdict__headline">
        Stopped: {failed.length === 1 ? `“${failed[0].label}” failed` : `${failed.length} checks failed`}
      </p>
      <p className="verdict__message selectable" data-testid="plan-message">
        {message}
      </p>
      <label className="override">
        <input
          type="checkbox"
          data-testid="override-checkbox"
          checked={planning.override}
          onChange={(event) => planning.setOverride(event.target.checked)}
        />
        <span>
          <span className="override__title">Push anyway — I understand a wrong-slot image will not boot.</span>
          <span className="override__explains">
            If the evidence is right, the board cannot start the new firmware and should fall back to the firmware it
            runs now; if it does not, it needs a serial cable to recover.
          </span>
        </span>
      </label>
    </div>
  );
}
