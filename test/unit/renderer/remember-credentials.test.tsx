// The Remember choice under the password fields: "saved" without the secret, Forget, the opt-in
// Linux needs without a keychain, and the store's note when it kept them for this session only.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { SavedCredentials } from '../../../shared/credential-schemas.ts';
import { CredentialsFields } from '../../../renderer/src/features/push/CredentialsFields.tsx';
import { RememberCredentials } from '../../../renderer/src/features/push/RememberCredentials.tsx';
import type { PushForm } from '../../../renderer/src/features/push/usePushForm.ts';
import type { SavedCredentialsState } from '../../../renderer/src/features/push/useSavedCredentials.ts';

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ');

function aState(overrides: Partial<SavedCredentialsState> = {}, saved: Partial<SavedCredentials> | null = null) {
  return {
    saved: saved && { deviceId: 'd', saved: null, keychain: 'available', ...saved },
    remember: false,
    setRemember: () => {},
    keychainOptIn: false,
    setKeychainOptIn: () => {},
    refresh: () => {},
    forget: async () => {},
    forgetting: false,
    error: null,
    ...overrides,
  } as SavedCredentialsState;
}

const render = (state: SavedCredentialsState) =>
  renderToStaticMarkup(<RememberCredentials state={state} onForgot={() => {}} />);

describe('Remember credentials', () => {
  it('offers no, session and keychain; nothing saved shows no badge and no Forget', () => {
    const html = render(aState({}, { saved: null }));
    expect(text(html)).toContain("Don't remember For this session In the OS keychain");
    expect(html).not.toContain('credentials-saved');
    expect(html).not.toContain('credentials-forget');
  });

  it('offers Forget for saved ones and says empty fields use them', () => {
    const html = render(aState({}, { saved: 'keychain' }));
    expect(html).toContain('data-testid="credentials-forget"');
    expect(text(html)).toContain('Saved in the keychain: with empty fields the push uses them');
  });

  it('says "saved for this session" with the store\'s note when it could not use a keychain', () => {
    const note = 'This system has no keychain … remembered for this session only.';
    const html = render(aState({}, { saved: 'session', keychain: 'basic-text', note }));
    expect(text(html)).toContain('Saved for this session');
    expect(html).toContain('data-testid="credentials-note"');
    expect(text(html)).toContain('remembered for this session only');
  });

  it('asks for the explicit opt-in only for the keychain on Linux basic_text', () => {
    expect(render(aState({ remember: 'keychain' }, { keychain: 'basic-text' }))).toContain(
      'credentials-keychain-opt-in',
    );
    expect(render(aState({ remember: 'keychain' }, { keychain: 'available' }))).not.toContain('opt-in');
    expect(render(aState({ remember: 'session' }, { keychain: 'basic-text' }))).not.toContain('opt-in');
  });

  it('disables the keychain where the OS offers no encryption', () => {
    const html = render(aState({}, { keychain: 'unavailable' }));
    expect(html).toMatch(/<option value="keychain" disabled="">In the OS keychain \(none here\)<\/option>/);
  });

  it('the Authentication summary says "saved" on a folded section too', () => {
    const form = {
      user: '',
      password: '',
      setUser: () => {},
      setPassword: () => {},
      saved: aState({}, { saved: 'keychain' }),
      planning: { refresh: () => {} },
    } as unknown as PushForm;
    const html = renderToStaticMarkup(<CredentialsFields form={form} required={false} />);
    expect(text(html)).toMatch(/Authentication optional saved in the keychain/);
    expect(html).toContain('data-testid="credentials-saved" data-saved="keychain"');
    expect(html).toMatch(/data-testid="credentials-password" autoComplete="off" value=""/);
  });
});
