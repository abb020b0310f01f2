import type { CommitPolicy } from '../../../../shared/domain.ts';
import { formatDuration } from '../../../../shared/format.ts';
import type { PushForm } from './usePushForm.ts';

const POLICIES: { value: CommitPolicy; label: string; explains: string }[] = [
  { value: 'auto', label: 'Auto-commit', explains: 'Commits as soon as the new firmware boots and answers.' },
  { value: 'prompt', label: 'Ask me', explains: 'Waits for you to press Commit or Revert.' },
  {
    value: 'never',
    label: "Don't commit",
    explains: 'Leaves it uncommitted: the board reverts by itself (rollback test).',
  },
];

/** Mongoose OS only: the new firmware boots "dirty" and reverts unless committed in time. */
export function CommitOptions({ form }: { form: PushForm }) {
  const selected = POLICIES.find((policy) => policy.value === form.commitPolicy) ?? POLICIES[1];
  const timeoutValid = Number.isInteger(form.commitTimeoutSeconds) && form.commitTimeoutSeconds >= 10;
  return (
    <fieldset className="commit-options">
      <legend className="field-label">After it boots</legend>
      <div className="segmented" role="radiogroup" aria-label="Commit policy">
        {POLICIES.map((policy) => (
          <label key={policy.value} className="segmented__option" data-checked={policy.value === form.commitPolicy}>
            <input
              type="radio"
              name="commit-policy"
              value={policy.value}
              data-testid={`commit-policy-${policy.value}`}
              checked={policy.value === form.commitPolicy}
              onChange={() => form.setCommitPolicy(policy.value)}
            />
            {policy.label}
          </label>
        ))}
      </div>
      <p className="hint">{selected.explains}</p>
      <div className="commit-timeout">
        <label className="field-label" htmlFor="commit-timeout">
          Revert unless committed within
        </label>
        <input
          id="commit-timeout"
          className="input input--narrow mono"
          data-testid="commit-timeout-input"
          inputMode="numeric"
          value={form.commitTimeoutText}
          aria-invalid={!timeoutValid}
          onChange={(event) => form.setCommitTimeoutText(event.target.value.trim())}
        />
        <span className="hint">s{timeoutValid ? ` (${formatDuration(form.commitTimeoutSeconds)})` : ''}</span>
      </div>
    </fieldset>
  );
}
