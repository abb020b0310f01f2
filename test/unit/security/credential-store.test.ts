// The credential store keeps board passwords per device: safeStorage ciphertext on disk where the OS
// has a keychain, memory for this session where it has none (unless the user opted in), and never a
// secret in what it answers.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createCredentialStore,
  credentialFileAt,
  memoryCredentialFile,
  sessionOnlyCredentialStore,
} from '../../../electron/main/credential-store.ts';
import { fakeSafeStorage } from '../../support/fake-safe-storage.ts';

const secret = { user: 'admin', password: 'hunter2-s3cret' };

function storeWith(options: Parameters<typeof fakeSafeStorage>[0] = {}, platform: NodeJS.Platform = 'linux') {
  const safeStorage = fakeSafeStorage(options);
  const file = memoryCredentialFile();
  return { safeStorage, file, store: createCredentialStore({ safeStorage, file, platform }) };
}

describe('credential store: with a keychain', () => {
  it('keeps safeStorage ciphertext on disk, recalls it in a new session, and answers only "saved"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ota-creds-'));
    const path = join(dir, 'credentials.json');
    const safeStorage = fakeSafeStorage();
    const first = createCredentialStore({ safeStorage, file: credentialFileAt(path), platform: 'linux' });
    const answer = await first.remember('mOS-1', secret, 'keychain');
    expect(answer).toEqual({ deviceId: 'mOS-1', saved: 'keychain', keychain: 'available' });
    expect(JSON.stringify(answer)).not.toContain(secret.password);

    const onDisk = readFileSync(path, 'utf8');
    expect(onDisk).not.toContain(secret.password);
    expect(onDisk).not.toContain(secret.user);
    expect(statSync(path).mode & 0o077).toBe(0);

    const afterRestart = createCredentialStore({ safeStorage, file: credentialFileAt(path), platform: 'linux' });
    expect(await afterRestart.recall('mOS-1')).toEqual(secret);
    expect(await afterRestart.info('mOS-1')).toEqual({ deviceId: 'mOS-1', saved: 'keychain', keychain: 'available' });
    expect(await afterRestart.recall('another')).toBeNull();
  });

  it('uses the async API only (the sync one is deprecated in Electron 45)', async () => {
    const { safeStorage, store } = storeWith();
    const sync = { encryptString: () => expect.fail('sync'), decryptString: () => expect.fail('sync') };
    Object.assign(safeStorage, sync);
    await store.remember('d', secret, 'keychain');
    expect(await store.recall('d')).toEqual(secret);
  });

  it('re-encrypts an entry when safeStorage says its key was rotated', async () => {
    const { safeStorage, store, file } = storeWith();
    await store.remember('d', secret, 'keychain');
    const before = file.text;
    safeStorage.rotateOnce = true;
    expect(await store.recall('d')).toEqual(secret);
    expect(safeStorage.encrypted).toHaveLength(2);
    expect(file.text).toBe(before); // the fake's key did not change, but the entry was written again
  });

  it('does not ask Linux for its backend on macOS or Windows', async () => {
    const { store } = storeWith({ backend: 'basic_text' }, 'darwin');
    expect((await store.remember('d', secret, 'keychain')).saved).toBe('keychain');
  });
});

describe('credential store: Linux basic_text or no encryption', () => {
  it('refuses to write with basic_text unless the user opted in: session only, and says so', async () => {
    const { store, file, safeStorage } = storeWith({ backend: 'basic_text' });
    const answer = await store.remember('d', secret, 'keychain');
    expect(answer.saved).toBe('session');
    expect(answer.keychain).toBe('basic-text');
    expect(answer.note).toMatch(/basic_text.*this session only/);
    expect(file.text).toBeNull();
    expect(safeStorage.encrypted).toHaveLength(0);
    expect(await store.recall('d')).toEqual(secret);
    expect((await store.info('d')).note).toMatch(/this session only/);
  });

  it('writes with basic_text when the user opted in, and says what that means', async () => {
    const { store, file } = storeWith({ backend: 'basic_text' });
    const answer = await store.remember('d', secret, 'keychain', true);
    expect(answer.saved).toBe('keychain');
    expect(answer.note).toMatch(/any program running as you can read it/);
    expect(file.text).not.toBeNull();
    expect(file.text).not.toContain(secret.password);
  });

  it('keeps them for the session only when the OS offers no encryption, even with the opt-in', async () => {
    const { store, file } = storeWith({ available: false });
    const answer = await store.remember('d', secret, 'keychain', true);
    expect(answer).toMatchObject({ saved: 'session', keychain: 'unavailable' });
    expect(answer.note).toMatch(/no encryption.*this session only/);
    expect(file.text).toBeNull();
  });

  it('a store without encryption at all (the IPC default) is session-only', async () => {
    const store = sessionOnlyCredentialStore();
    expect((await store.remember('d', secret, 'keychain')).saved).toBe('session');
    expect(await store.recall('d')).toEqual(secret);
  });
});

describe('credential store: session, forget, damage', () => {
  it('"session" keeps them in memory only and replaces a keychain entry', async () => {
    const { store, file } = storeWith();
    await store.remember('d', secret, 'keychain');
    const answer = await store.remember('d', { user: 'u', password: 'other' }, 'session');
    expect(answer).toEqual({ deviceId: 'd', saved: 'session', keychain: 'available' });
    expect(JSON.parse(file.text!).devices).toEqual({});
    expect(await store.recall('d')).toEqual({ user: 'u', password: 'other' });
  });

  it('forget removes them from the file and from the session, and keeps other devices', async () => {
    const { store, file } = storeWith();
    await store.remember('a', secret, 'keychain');
    await store.remember('b', secret, 'keychain');
    await store.remember('c', secret, 'session');
    expect(await store.forget('a')).toEqual({ deviceId: 'a', saved: null, keychain: 'available' });
    expect((await store.forget('c')).saved).toBeNull();
    expect(await store.recall('a')).toBeNull();
    expect(await store.recall('c')).toBeNull();
    expect(await store.recall('b')).toEqual(secret);
    expect(Object.keys(JSON.parse(file.text!).devices)).toEqual(['b']);
  });

  it('two devices remembered at once both stay (writes are serialised)', async () => {
    const { store } = storeWith();
    await Promise.all(['a', 'b', 'c'].map((id) => store.remember(id, secret, 'keychain')));
    for (const id of ['a', 'b', 'c']) expect(await store.recall(id)).toEqual(secret);
  });

  it('a damaged file is a clear error naming it, never a guess', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ota-creds-'));
    const path = join(dir, 'credentials.json');
    writeFileSync(path, '{"version":1,"devices":{"d":');
    const store = createCredentialStore({ safeStorage: fakeSafeStorage(), file: credentialFileAt(path) });
    await expect(store.recall('d')).rejects.toThrow(
      `The saved credentials file ${path} cannot be read (it is not JSON)`,
    );
    const info = await store.info('d');
    expect(info.saved).toBeNull();
    expect(info.note).toMatch(/cannot be read.*Delete it/);

    writeFileSync(path, JSON.stringify({ version: 1, devices: { d: { password: 'plain' } } }));
    await expect(store.recall('d')).rejects.toThrow(/it is not a credentials file/);
  });

  it('ciphertext the keychain cannot decrypt (a reset keychain) says to forget and give it again', async () => {
    const file = memoryCredentialFile();
    await createCredentialStore({ safeStorage: fakeSafeStorage({ key: 1 }), file }).remember('d', secret, 'keychain');
    const resetKeychain = createCredentialStore({ safeStorage: fakeSafeStorage({ key: 2 }), file });
    await expect(resetKeychain.recall('d')).rejects.toThrow(/could not be decrypted.*forget them/);
    expect((await resetKeychain.forget('d')).saved).toBeNull();
  });

  it('no answer and no error ever carries the secret', async () => {
    const { store } = storeWith({ backend: 'basic_text' });
    const answers = [
      await store.remember('d', secret, 'keychain'),
      await store.remember('d', secret, 'keychain', true),
      await store.remember('d', secret, 'session'),
      await store.info('d'),
      await store.forget('d'),
    ];
    for (const answer of answers) expect(JSON.stringify(answer)).not.toMatch(/hunter2|admin/);
  });
});
