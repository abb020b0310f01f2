import { RememberCredentials, savedLabel } from './RememberCredentials.tsx';
import type { PushForm } from './usePushForm.ts';

/**
 * Open by default when the board asked for a password (TXT auth_upload=yes or a 401), folded away
 * otherwise. Never pre-filled from an earlier board: a stale password is a classic silent failure.
 * Saved credentials are never shown: only "saved", with Forget.
 */
export function CredentialsFields({ form, required }: { form: PushForm; required: boolean }) {
  const saved = savedLabel(form.saved.saved?.saved ?? null);
  return (
    <details className="credentials" open={required || undefined}>
      <summary className="field-label">
        Authentication{' '}
        {required ? <span className="tag">board asks for a password</span> : <span className="hint">optional</span>}
        {saved && (
          <span className="tag" data-testid="credentials-saved" data-saved={form.saved.saved?.saved}>
            {saved}
          </span>
        )}
      </summary>
      <div className="credentials__grid">
        <label className="field-label" htmlFor="push-user">
          User
        </label>
        <input
          id="push-user"
          className="input"
          data-testid="credentials-user"
          autoComplete="off"
          spellCheck={false}
          placeholder="admin"
          value={form.user}
          onChange={(event) => form.setUser(event.target.value)}
        />
        <label className="field-label" htmlFor="push-password">
          Password
        </label>
        <input
          id="push-password"
          className="input"
          type="password"
          data-testid="credentials-password"
          autoComplete="off"
          value={form.password}
          onChange={(event) => form.setPassword(event.target.value)}
        />
      </div>
      <RememberCredentials state={form.saved} onForgot={form.planning.refresh} />
    </details>
  );
}
