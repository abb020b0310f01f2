// Whether the main process keeps credentials for the selected board, and the choice of keeping the
// ones typed now. The page never reads a saved password back: it hears "saved in the keychain" or
// "saved for this session", and may ask to forget them. A push or plan with empty fields goes with
// the saved ones, filled in by the main process.
import { useCallback, useEffect, useState } from 'react';
import type { RememberChoice, SavedCredentials } from '../../../../shared/credential-schemas.ts';
import type { Device } from '../../../../shared/domain.ts';
import { errorMessage, useApi } from '../../api.ts';
import { useAsyncAction } from '../../lib/useAsyncAction.ts';
import { takesCredentials } from './push-readiness.ts';

export function useSavedCredentials(device: Device | null) {
  const api = useApi();
  // SMP boards and BLE devices take no password: nothing to ask.
  const deviceId = device && takesCredentials(device) ? device.id : null;
  const [answer, setAnswer] = useState<SavedCredentials | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [asked, setAsked] = useState(0);
  const [remember, setRemember] = useState<RememberChoice>(false);
  const [keychainOptIn, setKeychainOptIn] = useState(false);

  useEffect(() => {
    if (deviceId === null) return;
    let live = true;
    api.savedCredentials({ deviceId }).then(
      (saved) => {
        if (!live) return;
        setAnswer(saved);
        setReadError(null);
      },
      (error: unknown) => {
        if (live) setReadError(errorMessage(error));
      },
    );
    return () => {
      live = false;
    };
  }, [api, deviceId, asked]);

  const forgetCommand = useCallback((id: string) => api.forgetCredentials({ deviceId: id }), [api]);
  const forgetting = useAsyncAction(forgetCommand);
  const forget = async () => {
    if (deviceId === null) return;
    const saved = await forgetting.run(deviceId);
    if (saved) setAnswer(saved);
  };

  return {
    /** What the main process keeps for this board (never the secret), or null while unknown. */
    saved: answer?.deviceId === deviceId ? answer : null,
    remember,
    setRemember,
    keychainOptIn,
    setKeychainOptIn,
    /** Ask again (after a push that may have remembered them). */
    refresh: useCallback(() => setAsked((count) => count + 1), []),
    forget,
    forgetting: forgetting.pending,
    error: forgetting.error ?? readError,
  };
}

export type SavedCredentialsState = ReturnType<typeof useSavedCredentials>;
