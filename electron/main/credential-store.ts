// Board credentials remembered per device id, for the main process only: the page never receives
// one back (it hears `saved: 'keychain' | 'session'`). On disk only as Electron safeStorage
// ciphertext (its async API; the sync one is deprecated in Electron 45), in one file in the app's
// data folder. Where safeStorage has no real keychain (Linux's `basic_text` backend, or no
// encryption at all) nothing is written unless the user opted in; they are kept in memory for this
// session instead, and the answer says so. safeStorage and the file are injected, so this runs
// under plain Node in tests.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { KeychainState, RememberChoice, SavedCredentials } from '../../shared/credential-schemas.ts';
import {
  damagedFile,
  keychainFailed,
  sessionOnlyNoKeychain,
  storedWithoutKeychain,
  undecryptable,
} from './credential-messages.ts';

export interface Credentials {
  user: string;
  password: string;
}

/** The part of Electron's safeStorage the store uses. */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  /** Linux only: which secret store safeStorage picked. */
  getSelectedStorageBackend(): string;
}

/** Where the ciphertext lives: a file, or memory in tests and the Chromium bridge. */
export interface CredentialFile {
  /** The file's text, or null when there is none yet. */
  read(): Promise<string | null>;
  write(text: string): Promise<void>;
  /** Named in error messages. */
  readonly path: string;
}

export interface CredentialStore {
  info(deviceId: string): Promise<SavedCredentials>;
  /** Keeps them as asked (or for this session only, saying why); returns what was done. */
  remember(
    deviceId: string,
    credentials: Credentials,
    choice: Exclude<RememberChoice, false>,
    keychainOptIn?: boolean,
  ): Promise<SavedCredentials>;
  /** The saved credentials, or null. Throws a clear error for a damaged file or undecryptable entry. */
  recall(deviceId: string): Promise<Credentials | null>;
  forget(deviceId: string): Promise<SavedCredentials>;
}

export class CredentialStoreError extends Error {}

const fileSchema = z
  .object({ version: z.literal(1), devices: z.record(z.string(), z.object({ ciphertext: z.string() }).strict()) })
  .strict();
type StoreFile = z.infer<typeof fileSchema>;

const credentialsSchema = z.object({ user: z.string(), password: z.string() }).strict();

/** The credentials file in the app's data folder: written whole, owner-only, through a rename. */
export function credentialFileAt(path: string): CredentialFile {
  return {
    path,
    read: () =>
      readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return null;
        throw error;
      }),
    async write(text) {
      const temporary = `${path}.${process.pid}.tmp`;
      await writeFile(temporary, text, { mode: 0o600 });
      await rename(temporary, path);
    },
  };
}

/** A file that lives in memory (the Chromium bridge, tests). */
export function memoryCredentialFile(initial: string | null = null): CredentialFile & { text: string | null } {
  const file = {
    path: '(memory)',
    text: initial,
    read: async () => file.text,
    write: async (text: string) => {
      file.text = text;
    },
  };
  return file;
}

export function createCredentialStore({
  safeStorage,
  file,
  platform = process.platform,
}: {
  safeStorage: SafeStorageLike;
  file: CredentialFile;
  platform?: NodeJS.Platform;
}): CredentialStore {
  const session = new Map<string, Credentials>();
  // The last thing worth saying about a device's credentials (kept for this session only).
  const notes = new Map<string, string>();
  // One write at a time: two pushes remembering at once must not lose one another's entry.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  async function keychain(): Promise<KeychainState> {
    if (!(await safeStorage.isAsyncEncryptionAvailable().catch(() => false))) return 'unavailable';
    if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') return 'basic-text';
    return 'available';
  }

  async function load(): Promise<StoreFile> {
    const text = await file.read();
    if (text === null) return { version: 1, devices: {} };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CredentialStoreError(damagedFile(file.path, 'it is not JSON'));
    }
    const parsed = fileSchema.safeParse(json);
    if (!parsed.success) throw new CredentialStoreError(damagedFile(file.path, 'it is not a credentials file'));
    return parsed.data;
  }

  const save = (store: StoreFile) => file.write(`${JSON.stringify(store, null, 2)}\n`);

  async function answer(deviceId: string, note = notes.get(deviceId)): Promise<SavedCredentials> {
    const state = await keychain();
    let saved: SavedCredentials['saved'] = session.has(deviceId) ? 'session' : null;
    try {
      if (!saved && (await load()).devices[deviceId]) saved = 'keychain';
    } catch (error) {
      note ??= (error as Error).message;
    }
    return { deviceId, saved, keychain: state, ...(note ? { note } : {}) };
  }

  async function writeEntry(deviceId: string, ciphertext: string | null): Promise<void> {
    await serially(async () => {
      const store = await load();
      if (ciphertext === null && !store.devices[deviceId]) return;
      if (ciphertext === null) delete store.devices[deviceId];
      else store.devices[deviceId] = { ciphertext };
      await save(store);
    });
  }

  const inSession = async (deviceId: string, credentials: Credentials, note: string) => {
    session.set(deviceId, credentials);
    notes.set(deviceId, note);
    await writeEntry(deviceId, null).catch(() => undefined);
    return answer(deviceId, note);
  };

  return {
    info: (deviceId) => answer(deviceId),

    async remember(deviceId, credentials, choice, keychainOptIn = false) {
      notes.delete(deviceId);
      const plain = JSON.stringify({ user: credentials.user, password: credentials.password });
      if (choice === 'session') {
        session.set(deviceId, credentials);
        await writeEntry(deviceId, null);
        return answer(deviceId);
      }
      const state = await keychain();
      if (state === 'unavailable' || (state === 'basic-text' && !keychainOptIn)) {
        return inSession(deviceId, credentials, sessionOnlyNoKeychain(state));
      }
      let ciphertext: string;
      try {
        ciphertext = (await safeStorage.encryptStringAsync(plain)).toString('base64');
      } catch (error) {
        return inSession(deviceId, credentials, keychainFailed((error as Error).message));
      }
      await writeEntry(deviceId, ciphertext);
      session.delete(deviceId);
      if (state === 'basic-text') notes.set(deviceId, storedWithoutKeychain);
      return answer(deviceId);
    },

    async recall(deviceId) {
      const remembered = session.get(deviceId);
      if (remembered) return remembered;
      const entry = (await load()).devices[deviceId];
      if (!entry) return null;
      let decrypted: { result: string; shouldReEncrypt: boolean };
      let credentials: Credentials;
      try {
        decrypted = await safeStorage.decryptStringAsync(Buffer.from(entry.ciphertext, 'base64'));
        credentials = credentialsSchema.parse(JSON.parse(decrypted.result));
      } catch {
        throw new CredentialStoreError(undecryptable(deviceId));
      }
      // The key was rotated: keep the entry under the new one (best effort; the old one still works).
      if (decrypted.shouldReEncrypt) {
        const fresh = await safeStorage.encryptStringAsync(decrypted.result).catch(() => null);
        if (fresh) await writeEntry(deviceId, fresh.toString('base64')).catch(() => undefined);
      }
      return credentials;
    },

    async forget(deviceId) {
      session.delete(deviceId);
      notes.delete(deviceId);
      await writeEntry(deviceId, null);
      return answer(deviceId);
    },
  };
}

/** A store without encryption: everything is kept in memory for this session only (and says so). */
export function sessionOnlyCredentialStore(): CredentialStore {
  const noEncryption: SafeStorageLike = {
    isAsyncEncryptionAvailable: async () => false,
    encryptStringAsync: () => Promise.reject(new Error('no encryption')),
    decryptStringAsync: () => Promise.reject(new Error('no encryption')),
    getSelectedStorageBackend: () => 'unknown',
  };
  return createCredentialStore({ safeStorage: noEncryption, file: memoryCredentialFile() });
}
