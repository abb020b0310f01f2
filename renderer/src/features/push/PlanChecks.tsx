// The pre-flight checklist: one row per check, pass / warn / fail, with the engine's detail.
import type { CheckStatus, PreflightCheck } from '../../../../shared/domain.ts';

const MARKS: Record<CheckStatus, string> = { pass: '✓', warn: '!', fail: '✕' };
const STATUS_WORDS: Record<CheckStatus, string> = { pass: 'passed', warn: 'warning', fail: 'failed' };

interface PlanChecksProps {
  checks: PreflightCheck[];
  title?: string;
  /** The plan's message, said in full above the Push button: a failed check with these words points there. */
  explainedBelow?: string | null;
}

export function PlanChecks({ checks, title = 'Checks', explainedBelow = null }: PlanChecksProps) {
  const failed = checks.filter((check) => check.status === 'fail').length;
  const warned = checks.filter((check) => check.status === 'warn').length;
  return (
    <div className="plan-checks">
      <p className="plan-checks__title">
        <span className="subsection-title">{title}</span>
        <span className="hint" data-testid="plan-checks-tally">
          {failed > 0 ? `${failed} failed` : warned > 0 ? `${warned} to note` : `all ${checks.length} pass`}
        </span>
      </p>
      <ul className="checklist" data-testid="plan-checks">
        {checks.map((check) => (
          <li
            key={check.id}
            className={`check check--${check.status}`}
            data-testid="plan-check"
            data-check-id={check.id}
            data-status={check.status}
          >
            <span className="check__mark" aria-label={STATUS_WORDS[check.status]}>
              {MARKS[check.status]}
            </span>
            <span className="check__label">{check.label}</span>
            {check.status === 'fail' && check.overridable && <span className="tag check__tag">can be overridden</span>}
            {check.status === 'fail' && check.detail === explainedBelow ? (
              <span className="check__detail">Explained above the Push button.</span>
            ) : (
              <span className="check__detail selectable" title={check.status === 'pass' ? check.detail : undefined}>
                {check.detail}
              </span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
