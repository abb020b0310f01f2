// Below the password fields: where the next ones typed should be kept, and Forget for the ones the
// main process keeps (the "saved" badge is in the section's summary; a secret is never shown back). On Linux without a keychain (safeStorage's basic_text)
// the keychain choice needs an explicit tick, else they are kept for this session only.
import type { RememberChoice, SavedCredentials } from '../../../../shared/credential-schemas.ts';
import type { SavedCredentialsState } from './useSavedCredentials.ts';

const CHOICES: { value: 'no' | 'session' | 'keychain'; label: string }[] = [
  { value: 'no', label: "Don't remember" },
  { value: 'session', label: 'For this session' },
  { value: 'keychain', label: 'In the OS keychain' },
];

const toChoice = (value: string): RememberChoice => (value === 'session' || value === 'keychain' ? value : false);

export function savedLabel(saved: SavedCredentials['saved']): string | null {
  if (saved === 'keychain') return 'saved in the keychain';
  if (saved === 'session') return 'saved for this session';
  return null;
}

export function RememberCredentials({ state, onForgot }: { state: SavedCredentialsState; onForgot: () => void }) {
  const keychain = state.saved?.keychain ?? 'available';
  const label = savedLabel(state.saved?.saved ?? null);
  return (
    <div className="remember-credentials">
      <div className="remember-credentials__row">
        <label className="field-label" htmlFor="remember-credentials">
          Remember
        </label>
        <select
          id="remember-credentials"
          className="input remember-credentials__choice"
          data-testid="credentials-remember"
          value={state.remember === false ? 'no' : state.remember}
          onChange={(event) => state.setRemember(toChoice(event.target.value))}
        >
          {CHOICES.map((choice) => (
            <option
              key={choice.value}
              value={choice.value}
              disabled={choice.value === 'keychain' && keychain === 'unavailable'}
            >
              {choice.value === 'keychain' && keychain === 'unavailable' ? `${choice.label} (none here)` : choice.label}
            </option>
          ))}
        </select>
        {label && (
          <>
            <button
              type="button"
              className="button button--small button--ghost"
              data-testid="credentials-forget"
              disabled={state.forgetting}
              onClick={() => void state.forget().then(onForgot)}
            >
              {state.forgetting ? 'Forgetting…' : 'Forget'}
            </button>
          </>
        )}
      </div>
      {state.remember === 'keychain' && keychain === 'basic-text' && (
        <label className="override">
          <input
            type="checkbox"
            data-testid="credentials-keychain-opt-in"
            checked={state.keychainOptIn}
            onChange={(event) => state.setKeychainOptIn(event.target.checked)}
          />
          <span>
            <span className="override__title">Store without a keychain</span>
            <span className="override__explains">
              This system offers no keychain (safeStorage uses “basic_text”): any program running as you could read it.
              Unticked, it is kept for this session only.
            </span>
          </span>
        </label>
      )}
      {label && (
        <p className="hint">
          {label[0].toUpperCase() + label.slice(1)}: with empty fields the push uses them. They are never shown here.
        </p>
      )}
      {(state.error ?? state.saved?.note) && (
        <p className="hint" role="status" data-testid="credentials-note">
          {state.error ?? state.saved?.note}
        </p>
      )}
    </div>
  );
}
