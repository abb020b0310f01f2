// Saved credentials through the IPC server: every new argument is checked by zod before anything
// runs, a push or plan without credentials gets the device's saved ones, `remember` keeps typed
// ones as asked, and nothing the page gets back carries a secret.
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandName } from '../../../shared/contract.ts';
import { createCommandDispatcher } from '../../../electron/main/ipc-server.ts';
import { createTrustedSenderCheck } from '../../../electron/main/trusted-sender.ts';
import {
  createCredentialStore,
  memoryCredentialFile,
  type CredentialStore,
} from '../../../electron/main/credential-store.ts';
import { fakeSafeStorage, type FakeSafeStorage } from '../../support/fake-safe-storage.ts';
import { APP_INDEX_HTML, fakeEngine, subFrame, topFrame, type FakeEngine } from './fakes.ts';

const appUrl = pathToFileURL(APP_INDEX_HTML).href;
const isTrustedSender = createTrustedSenderCheck({ kind: 'file', indexHtml: APP_INDEX_HTML });
const fromApp = { senderFrame: topFrame(appUrl) } as never;
const typed = { user: 'admin', password: 'hunter2-s3cret' };
const push = { deviceId: 'id:esp32-1', imageId: 'img-1', commitPolicy: 'auto', commitTimeoutSeconds: 300 };

let engine: FakeEngine;
let safeStorage: FakeSafeStorage;
let store: CredentialStore;
let dispatch: ReturnType<typeof createCommandDispatcher>;
const call = <K extends CommandName>(name: K, arg: unknown) => dispatch(name, fromApp, [arg]);

beforeEach(() => {
  engine = fakeEngine();
  safeStorage = fakeSafeStorage();
  store = createCredentialStore({ safeStorage, file: memoryCredentialFile(), platform: 'linux' });
  dispatch = createCommandDispatcher({
    engine,
    isTrustedSender,
    dialogs: {
      openImageDialog: vi.fn(async () => null),
      openFolderDialog: vi.fn(async () => null),
      saveExport: vi.fn(async () => null),
    },
    confirmRemoteAddress: vi.fn(async () => false),
    credentialStore: store,
  });
});

describe('remembering through push and planPush', () => {
  it('push with remember: keychain keeps them; the engine gets the push without the remember fields', async () => {
    await call('push', { ...push, credentials: typed, remember: 'keychain' });
    expect(engine.push).toHaveBeenCalledWith({ ...push, credentials: typed });
    expect(await call('savedCredentials', { deviceId: 'id:esp32-1' })).toEqual({
      deviceId: 'id:esp32-1',
      saved: 'keychain',
      keychain: 'available',
    });
  });

  it('a later push and plan without credentials get the saved ones, filled in by the main process', async () => {
    await call('push', { ...push, credentials: typed, remember: 'session' });
    engine.push.mockClear();
    await call('push', push);
    expect(engine.push).toHaveBeenCalledWith({ ...push, credentials: typed });
    await call('planPush', { deviceId: 'id:esp32-1', imageId: 'img-1' });
    expect(engine.planPush).toHaveBeenCalledWith('id:esp32-1', 'img-1', undefined, {
      protocol: undefined,
      credentials: typed,
    });
  });

  it('typed credentials win over saved ones; remember: false (or none) keeps nothing', async () => {
    await call('push', { ...push, credentials: typed, remember: false });
    await call('planPush', { deviceId: 'id:esp32-1', imageId: 'img-1', credentials: typed });
    expect((await call('savedCredentials', { deviceId: 'id:esp32-1' })).saved).toBeNull();
    await store.remember('id:esp32-1', { user: 'old', password: 'old' }, 'session');
    await call('push', { ...push, credentials: typed });
    expect(engine.push).toHaveBeenLastCalledWith({ ...push, credentials: typed });
  });

  it('planPush may remember too, with the basic_text opt-in', async () => {
    safeStorage.backend = 'basic_text';
    const plan = { deviceId: 'id:esp32-1', imageId: 'img-1', credentials: typed, remember: 'keychain' };
    await call('planPush', plan);
    expect((await call('savedCredentials', { deviceId: 'id:esp32-1' })).saved).toBe('session');
    await call('planPush', { ...plan, keychainOptIn: true });
    expect((await call('savedCredentials', { deviceId: 'id:esp32-1' })).saved).toBe('keychain');
  });

  it('forgetCredentials forgets; the next push goes without', async () => {
    await call('push', { ...push, credentials: typed, remember: 'keychain' });
    expect((await call('forgetCredentials', { deviceId: 'id:esp32-1' })).saved).toBeNull();
    expect(engine.forgetCredentials).toHaveBeenCalledWith('id:esp32-1');
    engine.push.mockClear();
    await call('push', push);
    expect(engine.push).toHaveBeenCalledWith(push);
  });

  it('a damaged credentials file fails a LAN push in words, and leaves BLE devices alone', async () => {
    const file = memoryCredentialFile('not json');
    const damaged = createCredentialStore({ safeStorage, file });
    engine.listDevices.mockReturnValue([{ id: 'ble:c0de0001', transport: 'ble' }] as never);
    dispatch = createCommandDispatcher({
      engine,
      isTrustedSender,
      dialogs: {
        openImageDialog: vi.fn(async () => null),
        openFolderDialog: vi.fn(async () => null),
        saveExport: vi.fn(async () => null),
      },
      confirmRemoteAddress: vi.fn(async () => false),
      credentialStore: damaged,
    });
    await expect(call('push', push)).rejects.toThrow(/saved credentials file .* cannot be read \(it is not JSON\)/);
    expect(engine.push).not.toHaveBeenCalled();
    await call('push', { ...push, deviceId: 'ble:c0de0001' });
    expect(engine.push).toHaveBeenCalledTimes(1);
  });

  it('no answer to the page carries a secret', async () => {
    const answers = [
      await call('push', { ...push, credentials: typed, remember: 'keychain' }),
      await call('savedCredentials', { deviceId: 'id:esp32-1' }),
      await call('forgetCredentials', { deviceId: 'id:esp32-1' }),
    ];
    for (const answer of answers) expect(JSON.stringify(answer ?? null)).not.toContain(typed.password);
  });
});

describe('the new arguments are validated before anything runs', () => {
  it.each([
    ['remember: a word outside the list', 'push', { ...push, remember: 'disk' }, /push: invalid argument: remember/],
    ['remember: true', 'push', { ...push, remember: true }, /push: invalid argument: remember/],
    ['keychainOptIn: false', 'push', { ...push, keychainOptIn: false }, /push: invalid argument: keychainOptIn/],
    [
      'planPush with an extra field',
      'planPush',
      { deviceId: 'd', imageId: 'i', rememberForever: true },
      /planPush: invalid argument: .*unexpected field "rememberForever"/,
    ],
    ['savedCredentials without a device', 'savedCredentials', {}, /savedCredentials: invalid argument: deviceId/],
    [
      'savedCredentials asking for the password',
      'savedCredentials',
      { deviceId: 'd', includeSecret: true },
      /savedCredentials: invalid argument: .*unexpected field "includeSecret"/,
    ],
    [
      'forgetCredentials with an empty id',
      'forgetCredentials',
      { deviceId: '' },
      /forgetCredentials: invalid argument/,
    ],
    ['forgetCredentials with a number', 'forgetCredentials', { deviceId: 7 }, /forgetCredentials: invalid argument/],
    [
      'forgetCredentials with a huge id',
      'forgetCredentials',
      { deviceId: 'x'.repeat(100_000) },
      /forgetCredentials: invalid argument/,
    ],
  ] as const)('%s', async (_label, command, arg, error) => {
    await store.remember('d', typed, 'keychain');
    await expect(call(command, arg)).rejects.toThrow(error);
    expect(engine.push).not.toHaveBeenCalled();
    expect(engine.planPush).not.toHaveBeenCalled();
    expect(await store.recall('d')).toEqual(typed);
  });

  it('forgetCredentials from a sub-frame is refused and forgets nothing', async () => {
    await store.remember('d', typed, 'keychain');
    await expect(
      dispatch('forgetCredentials', { senderFrame: subFrame(appUrl) } as never, [{ deviceId: 'd' }]),
    ).rejects.toThrow(/forgetCredentials: refused/);
    expect(await store.recall('d')).toEqual(typed);
  });
});

describe('a fleet run', () => {
  const fleet = {
    deviceIds: ['id:esp32-1', 'id:esp32-2', 'ble:c0de'],
    imageIds: ['img-1'],
    commitPolicy: 'auto',
    commitTimeoutSeconds: 300,
    concurrency: 4,
    stopOnFailure: false,
    skipOffline: false,
    onlyOutdated: false,
    staged: false,
  };

  it('gets each LAN board’s saved credentials from the main process (none for BLE, none for boards without)', async () => {
    engine.startFleet = vi.fn(() => ({ id: 'run-1' })) as never;
    engine.listDevices.mockReturnValue([{ id: 'ble:c0de', transport: 'ble' }]);
    await store.remember('id:esp32-1', typed, 'session');
    await store.remember('ble:c0de', typed, 'session');
    await call('startFleet', fleet);
    expect(engine.startFleet).toHaveBeenCalledWith(fleet, { credentialsFor: { 'id:esp32-1': typed } });
  });

  it('one password for the whole run goes as it is, without recalling anything', async () => {
    engine.startFleet = vi.fn(() => ({ id: 'run-1' })) as never;
    await store.remember('id:esp32-1', { user: 'old', password: 'old' }, 'session');
    await call('startFleet', { ...fleet, credentials: typed });
    expect(engine.startFleet).toHaveBeenCalledWith({ ...fleet, credentials: typed });
  });
});
