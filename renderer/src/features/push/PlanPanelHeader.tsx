// The top of a slot panel (esp-link slots, MCUboot image slots): its title, what it is doing, a
// Refresh button that asks the device again, and the error of the last attempt.
import type { PushPlanState } from './usePushPlan.ts';

interface PlanPanelHeaderProps {
  title: string;
  /** What the panel is doing now, shown beside the title ('' when idle). */
  status: string;
  planning: PushPlanState;
}

export function PlanPanelHeader({ title, status, planning }: PlanPanelHeaderProps) {
  const { checking, error } = planning;
  return (
    <>
      <header className="slot-panel__header">
        <h3 className="subsection-title">{title}</h3>
        <span className="slot-panel__status hint" role="status" data-testid="plan-status">
          {status}
        </span>
        <button
          type="button"
          className="button button--small button--ghost"
          data-testid="plan-refresh"
          disabled={checking}
          onClick={planning.refresh}
        >
          Refresh
        </button>
      </header>
      {error && (
        <p className="callout callout--danger" role="alert" data-testid="plan-error">
          {error}
        </p>
      )}
    </>
  );
}
