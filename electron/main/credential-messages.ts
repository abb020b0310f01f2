// The sentences the credential store says. None of them ever contains a secret: they name the
// device, the file and the reason only.

export const sessionOnlyNoKeychain = (backend: 'basic-text' | 'unavailable') =>
  backend === 'basic-text'
    ? 'This system has no keychain for OTA Bench (Electron safeStorage would use "basic_text", a key any program of yours can read): remembered for this session only. Tick "store without a keychain" to keep it on disk anyway.'
    : 'The OS offers no encryption to OTA Bench: remembered for this session only.';

export const storedWithoutKeychain =
  'Saved on disk with safeStorage\'s "basic_text" key, as you asked: any program running as you can read it.';

export const keychainFailed = (reason: string) =>
  `The OS keychain refused to encrypt it (${reason}): remembered for this session only.`;

export const damagedFile = (path: string, reason: string) =>
  `The saved credentials file ${path} cannot be read (${reason}). Delete it to start again; no password was used from it.`;

export const undecryptable = (deviceId: string) =>
  `The saved credentials of ${deviceId} could not be decrypted (the OS keychain was reset, or the file was copied from another account): forget them and give the password again.`;
