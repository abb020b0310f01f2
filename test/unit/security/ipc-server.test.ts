// The IPC server is the trust boundary between page script and the engine (which opens sockets to
// boards and reads files). These tests drive it without Electron: every command must check its
// sender, validate its argument strictly, and only then reach the engine.
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { commandArgs, commandChannel, commandNames, eventChannel, type CommandName } from '../../../shared/contract.ts';
import {
  createCommandDispatcher,
  type FileDialogs,
  type OpenDialog,
  forwardEngineEvents,
  registerIpcServer,
} from '../../../electron/main/ipc-server.ts';
import { createTrustedSenderCheck, type SenderFrame } from '../../../electron/main/trusted-sender.ts';
import type { ConfirmRemoteAddress } from '../../../electron/main/address-gate.ts';
import { APP_INDEX_HTML, fakeEngine, subFrame, topFrame, type FakeEngine } from './fakes.ts';

const appUrl = pathToFileURL(APP_INDEX_HTML).href;
const isTrustedSender = createTrustedSenderCheck({ kind: 'file', indexHtml: APP_INDEX_HTML });
const fromApp = { senderFrame: topFrame(appUrl) } as never;

const validPush = {
  deviceId: 'id:esp32-1',
  imageId: 'img-1',
  commitPolicy: 'auto',
  commitTimeoutSeconds: 300,
};

let engine: FakeEngine;
let dialogs: {
  openImageDialog: Mock<OpenDialog>;
  openFolderDialog: Mock<OpenDialog>;
  saveExport: Mock<FileDialogs['saveExport']>;
};
let confirmRemoteAddress: Mock<ConfirmRemoteAddress>;
let dispatch: ReturnType<typeof createCommandDispatcher>;

beforeEach(() => {
  engine = fakeEngine();
  dialogs = {
    openImageDialog: vi.fn<OpenDialog>(async () => null),
    openFolderDialog: vi.fn<OpenDialog>(async () => null),
    saveExport: vi.fn<FileDialogs['saveExport']>(async () => null),
  };
  confirmRemoteAddress = vi.fn<ConfirmRemoteAddress>(async () => false);
  dispatch = createCommandDispatcher({ engine, isTrustedSender, dialogs, confirmRemoteAddress });
});

const call = (name: CommandName, ...args: unknown[]) => dispatch(name, fromApp, args);

describe('contract', () => {
  it('has one argument schema per command name, and no others', () => {
    expect(Object.keys(commandArgs).sort()).toEqual([...commandNames].sort());
  });
});

describe('good calls reach the engine', () => {
  it.each([
    ['listDevices', undefined, 'listDevices', []],
    ['addDevice', { target: '192.168.1.20:8080' }, 'resolveDevice', ['192.168.1.20:8080']],
    ['deviceStatus', { deviceId: 'id:esp32-1' }, 'deviceStatus', ['id:esp32-1']],
    ['getDiscoveryStatus', undefined, 'discoveryStatus', []],
    [
      'planPush',
      { deviceId: 'id:esp-link-1', imageId: 'img-1' },
      'planPush',
      ['id:esp-link-1', 'img-1', undefined, { protocol: undefined, credentials: undefined }],
    ],
    [
      'planPush',
      { deviceId: 'd', imageId: 'img-1', protocol: 'esphome-web', credentials: { user: 'u', password: 'p' } },
      'planPush',
      ['d', 'img-1', undefined, { protocol: 'esphome-web', credentials: { user: 'u', password: 'p' } }],
    ],
    ['listJobs', undefined, 'listJobs', []],
    ['push', validPush, 'push', [validPush]],
    ['cancelJob', { jobId: 'job-1' }, 'cancelJob', ['job-1']],
    ['commitJob', { jobId: 'job-1' }, 'commitJob', ['job-1']],
    ['revertJob', { jobId: 'job-1' }, 'revertJob', ['job-1']],
    ['dismissJob', { jobId: 'job-1' }, 'dismissJob', ['job-1']],
    [
      'imageSlotAction',
      { deviceId: 'ble:c0de0001', action: 'reset' },
      'imageSlotAction',
      [{ deviceId: 'ble:c0de0001', action: 'reset' }],
    ],
    [
      'imageSlotAction',
      { deviceId: 'ble:c0de0001', action: 'test', slot: 1, hash: 'ab'.repeat(32) },
      'imageSlotAction',
      [{ deviceId: 'ble:c0de0001', action: 'test', slot: 1, hash: 'ab'.repeat(32) }],
    ],
    [
      'imageSlotAction',
      { deviceId: 'ble:c0de0001', action: 'confirm', slot: 0, hash: 'ab'.repeat(32) },
      'imageSlotAction',
      [{ deviceId: 'ble:c0de0001', action: 'confirm', slot: 0, hash: 'ab'.repeat(32) }],
    ],
    [
      'imageSlotAction',
      { deviceId: 'ble:c0de0001', action: 'erase', slot: 1 },
      'imageSlotAction',
      [{ deviceId: 'ble:c0de0001', action: 'erase', slot: 1 }],
    ],
  ] as const)('%s → engine.%s', async (command, arg, method, expected) => {
    await call(command, arg);
    expect(engine[method]).toHaveBeenCalledTimes(1);
    expect(engine[method]).toHaveBeenCalledWith(...expected);
  });

  it('returns what the engine returns (dismissJob returns null)', async () => {
    await expect(call('listJobs', undefined)).resolves.toEqual([{ id: 'job-1', state: 'queued' }]);
    await expect(call('dismissJob', { jobId: 'job-1' })).resolves.toBeNull();
  });

  it.each(['openImageDialog', 'openFolderDialog'] as const)(
    '%s goes to the injected dialog, not to a path from the page',
    async (command) => {
      await call(command, undefined);
      expect(dialogs[command]).toHaveBeenCalledTimes(1);
      const other = command === 'openImageDialog' ? 'openFolderDialog' : 'openImageDialog';
      expect(dialogs[other]).not.toHaveBeenCalled();
      expect(engine.inspectImage).not.toHaveBeenCalled();
      expect(engine.inspectImages).not.toHaveBeenCalled();
    },
  );

  it('push accepts the optional protocol and credentials', async () => {
    const request = { ...validPush, protocol: 'mongoose-os', credentials: { user: 'admin', password: 'pw' } };
    await call('push', request);
    expect(engine.push).toHaveBeenCalledWith(request);
  });

  it('push passes an explicit override (the fingerprint of the plan overridden) through untouched', async () => {
    const request = { ...validPush, override: { planFingerprint: 'ab'.repeat(32) } };
    await call('push', request);
    expect(engine.push).toHaveBeenCalledWith(request);
  });

  it('push passes an SMP commit mode through untouched', async () => {
    const request = { ...validPush, mode: 'confirm-only' };
    await call('push', request);
    expect(engine.push).toHaveBeenCalledWith(request);
  });

  it('addDevice with a local address probes it without asking', async () => {
    await call('addDevice', { target: 'esp32.local:8080' });
    expect(engine.resolveDevice).toHaveBeenCalledWith('esp32.local:8080');
    expect(confirmRemoteAddress).not.toHaveBeenCalled();
  });

  it('passes engine errors through with their message', async () => {
    engine.cancelJob.mockImplementation(() => {
      throw new Error('No job job-9');
    });
    await expect(call('cancelJob', { jobId: 'job-9' })).rejects.toThrow('No job job-9');
  });
});

describe('bad arguments are rejected before the engine', () => {
  const huge = 'x'.repeat(1_000_000);
  const droppedFile = { path: '/home/me/fw.bin', name: 'fw.bin', size: 10, digest: 'ab'.repeat(32) };
  it.each([
    ['wrong type', 'deviceStatus', { deviceId: 42 }, /deviceStatus: invalid argument: deviceId/],
    ['not an object', 'cancelJob', 'job-1', /cancelJob: invalid argument: argument/],
    ['null', 'commitJob', null, /commitJob: invalid argument/],
    ['array', 'revertJob', ['job-1'], /revertJob: invalid argument/],
    [
      'extra key',
      'cancelJob',
      { jobId: 'job-1', force: true },
      /cancelJob: invalid argument: .*unexpected field "force"/,
    ],
    ['missing field', 'addDevice', {}, /addDevice: invalid argument: target: missing/],
    ['empty string', 'deviceStatus', { deviceId: '' }, /deviceStatus: invalid argument: deviceId/],
    [
      'the plain paths call of old',
      'inspectDroppedFiles',
      { paths: ['/home/me/.ssh/id_rsa'] },
      /inspectDroppedFiles: invalid argument: .*(files: missing|unexpected field "paths")/,
    ],
    [
      'a dropped file without its proof',
      'inspectDroppedFiles',
      { files: [{ path: '/etc/passwd', name: 'passwd', size: 10 }] },
      /inspectDroppedFiles: invalid argument: files\.0\.digest: missing/,
    ],
    [
      'a proof that is not a digest',
      'inspectDroppedFiles',
      { files: [{ ...droppedFile, digest: 'yes, I dropped it' }] },
      /inspectDroppedFiles: invalid argument: files\.0\.digest: a digest is 64 lowercase hex digits/,
    ],
    [
      'a huge path',
      'inspectDroppedFiles',
      { files: [{ ...droppedFile, path: huge }] },
      /inspectDroppedFiles: invalid argument: files\.0\.path/,
    ],
    [
      '17 files',
      'inspectDroppedFiles',
      { files: Array.from({ length: 17 }, () => droppedFile) },
      /inspectDroppedFiles: invalid argument: files/,
    ],
    ['no files', 'inspectDroppedFiles', { files: [] }, /inspectDroppedFiles: invalid argument: files/],
    [
      'an empty path',
      'inspectDroppedFiles',
      { files: [droppedFile, { ...droppedFile, path: '' }] },
      /inspectDroppedFiles: invalid argument: files\.1\.path/,
    ],
    [
      'a negative size',
      'inspectDroppedFiles',
      { files: [{ ...droppedFile, size: -1 }] },
      /inspectDroppedFiles: invalid argument: files\.0\.size/,
    ],
    [
      'extra key next to a file',
      'inspectDroppedFiles',
      { files: [{ ...droppedFile, recursive: true }] },
      /unexpected field "recursive"/,
    ],
    ['missing files', 'inspectDroppedFiles', {}, /inspectDroppedFiles: invalid argument: files: missing/],
    ['addDevice with a huge target', 'addDevice', { target: huge }, /addDevice: invalid argument: target/],
    [
      'planPush without an image',
      'planPush',
      { deviceId: 'id:esp-link-1' },
      /planPush: invalid argument: imageId: missing/,
    ],
    [
      'planPush with a path instead of an image',
      'planPush',
      { deviceId: 'd', imageId: 'img-1', path: '/etc/passwd' },
      /planPush: invalid argument: .*unexpected field "path"/,
    ],
    [
      'planPush with an empty device',
      'planPush',
      { deviceId: '', imageId: 'img-1' },
      /planPush: invalid argument: deviceId/,
    ],
    ['planPush with a huge id', 'planPush', { deviceId: 'd', imageId: huge }, /planPush: invalid argument: imageId/],
    [
      'planPush with an unknown protocol',
      'planPush',
      { deviceId: 'd', imageId: 'img-1', protocol: 'telnet' },
      /planPush: invalid argument: protocol/,
    ],
    [
      'planPush with credentials carrying more',
      'planPush',
      { deviceId: 'd', imageId: 'img-1', credentials: { user: 'u', password: 'p', token: 'x' } },
      /planPush: invalid argument: .*unexpected field "token"/,
    ],
    ['an argument to a dialog', 'openFolderDialog', { path: '/etc' }, /openFolderDialog: invalid argument/],
    ['a preset path for the file dialog', 'openImageDialog', ['/etc/passwd'], /openImageDialog: invalid argument/],
    ['override that names no plan', 'push', { ...validPush, override: true }, /push: invalid argument: override/],
    [
      'override with a fingerprint that is not one',
      'push',
      { ...validPush, override: { planFingerprint: 'yes' } },
      /push: invalid argument: override/,
    ],
    ['huge id', 'dismissJob', { jobId: huge }, /dismissJob: invalid argument: jobId/],
    ['argument to a no-argument command', 'listDevices', { all: true }, /listDevices: invalid argument/],
    ['unknown protocol', 'push', { ...validPush, protocol: 'telnet' }, /push: invalid argument: protocol/],
    ['bad commit policy', 'push', { ...validPush, commitPolicy: 'yolo' }, /push: invalid argument: commitPolicy/],
    ['unknown SMP mode', 'push', { ...validPush, mode: 'yolo' }, /push: invalid argument: mode/],
    ['SMP mode that is not a string', 'push', { ...validPush, mode: { test: true } }, /push: invalid argument: mode/],
    [
      'fractional timeout',
      'push',
      { ...validPush, commitTimeoutSeconds: 1.5 },
      /push: invalid argument: commitTimeoutSeconds/,
    ],
    ['timeout too long', 'push', { ...validPush, commitTimeoutSeconds: 1e9 }, /commitTimeoutSeconds/],
    [
      'extra key in credentials',
      'push',
      { ...validPush, credentials: { user: 'a', password: 'b', token: 'c' } },
      /credentials: unexpected field "token"/,
    ],
    ['missing push fields', 'push', { deviceId: 'd' }, /push: invalid argument: imageId/],
    [
      'slot action that does not exist',
      'imageSlotAction',
      { deviceId: 'd', action: 'format', slot: 0 },
      /imageSlotAction: invalid argument: action/,
    ],
    [
      'slot action as commit (CLI only)',
      'imageSlotAction',
      { deviceId: 'd', action: 'revert' },
      /imageSlotAction: invalid argument: action/,
    ],
    [
      'test of the running slot',
      'imageSlotAction',
      { deviceId: 'd', action: 'test', slot: 0, hash: 'ab'.repeat(32) },
      /imageSlotAction: invalid argument: slot/,
    ],
    [
      'erase of slot 0',
      'imageSlotAction',
      { deviceId: 'd', action: 'erase', slot: 0 },
      /imageSlotAction: invalid argument: slot/,
    ],
    [
      'confirm of slot 2',
      'imageSlotAction',
      { deviceId: 'd', action: 'confirm', slot: 2, hash: 'ab'.repeat(32) },
      /imageSlotAction: invalid argument: slot/,
    ],
    [
      'confirm without the hash seen',
      'imageSlotAction',
      { deviceId: 'd', action: 'confirm', slot: 1 },
      /imageSlotAction: invalid argument: hash: missing/,
    ],
    [
      'a hash that is not hex',
      'imageSlotAction',
      { deviceId: 'd', action: 'test', slot: 1, hash: 'zz'.repeat(32) },
      /imageSlotAction: invalid argument: hash: an image hash is 64 lowercase hex digits/,
    ],
    [
      'a huge hash',
      'imageSlotAction',
      { deviceId: 'd', action: 'test', slot: 1, hash: huge },
      /imageSlotAction: invalid argument: hash/,
    ],
    [
      'reset with a slot',
      'imageSlotAction',
      { deviceId: 'd', action: 'reset', slot: 1 },
      /imageSlotAction: invalid argument: .*unexpected field "slot"/,
    ],
    [
      'slot action without a device',
      'imageSlotAction',
      { action: 'reset' },
      /imageSlotAction: invalid argument: deviceId/,
    ],
    [
      'slot number as a string',
      'imageSlotAction',
      { deviceId: 'd', action: 'erase', slot: '1' },
      /imageSlotAction: invalid argument: slot/,
    ],
    [
      '__proto__ key',
      'cancelJob',
      JSON.parse('{"jobId":"job-1","__proto__":{"polluted":true}}'),
      /cancelJob: invalid argument/,
    ],
  ] as const)('%s', async (_label, command, arg, message) => {
    await expect(call(command, arg)).rejects.toThrow(message);
    for (const method of Object.values(engine)) {
      if (method !== engine.on) expect(method).not.toHaveBeenCalled();
    }
    expect(dialogs.openImageDialog).not.toHaveBeenCalled();
    expect(dialogs.openFolderDialog).not.toHaveBeenCalled();
  });

  it('rejects more than one argument', async () => {
    await expect(call('cancelJob', { jobId: 'job-1' }, { jobId: 'job-2' })).rejects.toThrow(/expected one argument/);
    expect(engine.cancelJob).not.toHaveBeenCalled();
  });

  it('keeps the error short when the argument is huge', async () => {
    const error = await call('cancelJob', { jobId: 'j', ['k'.repeat(100_000)]: 1 }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message.length).toBeLessThan(400);
  });
});

describe('foreign senders are refused', () => {
  const refused = /listJobs: refused: the request did not come from the OTA Bench window/;
  const send = (senderFrame: SenderFrame | null) => dispatch('listJobs', { senderFrame } as never, [undefined]);

  it.each([
    ['another origin', topFrame('https://evil.example/index.html')],
    ['another file', topFrame(pathToFileURL('/tmp/evil/index.html').href)],
    ['a file:// URL with a host', topFrame(`file://evil.example${pathToFileURL(APP_INDEX_HTML).pathname}`)],
    ['a sub-frame of our own page', subFrame(appUrl)],
    ['a missing frame (navigated away or destroyed)', null],
    ['an unparsable URL', topFrame('not a url')],
    ['about:blank', topFrame('about:blank')],
  ])('%s', async (_label, frame) => {
    await expect(send(frame)).rejects.toThrow(refused);
    expect(engine.listJobs).not.toHaveBeenCalled();
  });

  it.each([
    ['inspectDroppedFiles', { files: [{ path: '/home/me/.ssh/id_rsa', name: 'id_rsa', size: 10, digest: null }] }],
    ['addDevice', { target: '192.168.1.20' }],
    ['planPush', { deviceId: 'id:esp-link-1', imageId: 'img-1' }],
    ['openImageDialog', undefined],
    ['openFolderDialog', undefined],
  ] as const)('%s from a sub-frame is refused before the engine or a dialog', async (command, arg) => {
    await expect(dispatch(command, { senderFrame: subFrame(appUrl) } as never, [arg])).rejects.toThrow(
      new RegExp(`${command}: refused`),
    );
    expect(engine.inspectImages).not.toHaveBeenCalled();
    expect(engine.planPush).not.toHaveBeenCalled();
    expect(engine.resolveDevice).not.toHaveBeenCalled();
    expect(dialogs.openImageDialog).not.toHaveBeenCalled();
    expect(dialogs.openFolderDialog).not.toHaveBeenCalled();
  });

  it('a frame whose getter throws (disposed) is refused', async () => {
    const event = {
      get senderFrame(): SenderFrame {
        throw new Error('Render frame was disposed');
      },
    };
    await expect(dispatch('listJobs', event as never, [undefined])).rejects.toThrow(refused);
  });

  it('our own page with a hash or query is accepted', async () => {
    await dispatch('listJobs', { senderFrame: topFrame(`${appUrl}?x=1#/jobs`) } as never, [undefined]);
    expect(engine.listJobs).toHaveBeenCalledTimes(1);
  });

  it('in development only the dev server origin is trusted', () => {
    const devCheck = createTrustedSenderCheck({ kind: 'dev-server', url: 'http://localhost:5173/' });
    expect(devCheck(topFrame('http://localhost:5173/#/'))).toBe(true);
    expect(devCheck(topFrame('http://localhost:5174/'))).toBe(false);
    expect(devCheck(topFrame('http://localhost.evil.example:5173/'))).toBe(false);
    expect(devCheck(topFrame(appUrl))).toBe(false);
    expect(devCheck(subFrame('http://localhost:5173/'))).toBe(false);
  });
});

describe('registerIpcServer', () => {
  it('registers exactly one handler per command channel, all guarded', async () => {
    const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
    const ipcMain = { handle: vi.fn((channel: string, fn) => handlers.set(channel, fn)), removeHandler: vi.fn() };
    const unregister = registerIpcServer({
      ipcMain: ipcMain as never,
      engine,
      isTrustedSender,
      dialogs,
      confirmRemoteAddress,
    });

    expect([...handlers.keys()].sort()).toEqual(commandNames.map(commandChannel).sort());
    // The plain "inspect these paths" command is gone: no channel takes a path from the page.
    expect(handlers.has('ota-bench:inspectImagePaths')).toBe(false);
    await handlers.get(commandChannel('cancelJob'))!(fromApp, { jobId: 'job-1' });
    expect(engine.cancelJob).toHaveBeenCalledWith('job-1');
    await expect(
      handlers.get(commandChannel('cancelJob'))!({ senderFrame: subFrame(appUrl) }, { jobId: 'job-1' }),
    ).rejects.toThrow(/refused/);
    await expect(handlers.get(commandChannel('cancelJob'))!(fromApp, { jobId: 7 })).rejects.toThrow(/jobId/);

    unregister();
    expect(ipcMain.removeHandler.mock.calls.map(([channel]) => channel).sort()).toEqual(
      commandNames.map(commandChannel).sort(),
    );
  });
});

describe('forwardEngineEvents', () => {
  it('sends each engine event on its contract channel and unsubscribes', () => {
    const listeners = new Map<string, (payload: unknown) => void>();
    const unsubscribed: string[] = [];
    const on = vi.fn((name: string, listener: (payload: unknown) => void) => {
      listeners.set(name, listener);
      return () => unsubscribed.push(name);
    });
    const send = vi.fn();
    const stop = forwardEngineEvents({ on } as never, send);

    listeners.get('jobChanged')!({ id: 'job-1' });
    listeners.get('devicesChanged')!([]);
    expect(send.mock.calls).toEqual([
      [eventChannel('jobChanged'), { id: 'job-1' }],
      [eventChannel('devicesChanged'), []],
    ]);
    stop();
    expect(unsubscribed.sort()).toEqual([
      'devicesChanged',
      'discoveryChanged',
      'fleetChanged',
      'historyChanged',
      'jobChanged',
    ]);
  });
});
