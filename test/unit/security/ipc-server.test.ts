// The IPC server is the trust boundary between page script and the engine (which opens sockets to
// boards and reads files). These tests drive it without Electron: every command must check its
// sender, validate its argument strictly, and only then reach the engine.
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import {
  commandArgs,
  commandChannel,
  commandNames,
  eventChannel,
  type CommandName,
} from '../../../shared/contract.ts';
import {
  createCommandDispatcher,
  type OpenImageDialog,
  forwardEngineEvents,
  registerIpcServer,
} from '../../../electron/main/ipc-server.ts';
import { createTrustedSenderCheck, type SenderFrame } from '../../../electron/main/trusted-sender.ts';
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
let openImageDialog: Mock<OpenImageDialog>;
let dispatch: ReturnType<typeof createCommandDispatcher>;

beforeEach(() => {
  engine = fakeEngine();
  openImageDialog = vi.fn<OpenImageDialog>(async () => null);
  dispatch = createCommandDispatcher({ engine, isTrustedSender, openImageDialog });
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
    ['inspectImagePath', { path: '/home/me/fw.zip' }, 'inspectImage', ['/home/me/fw.zip']],
    ['listJobs', undefined, 'listJobs', []],
    ['push', validPush, 'push', [validPush]],
    ['cancelJob', { jobId: 'job-1' }, 'cancelJob', ['job-1']],
    ['commitJob', { jobId: 'job-1' }, 'commitJob', ['job-1']],
    ['revertJob', { jobId: 'job-1' }, 'revertJob', ['job-1']],
    ['dismissJob', { jobId: 'job-1' }, 'dismissJob', ['job-1']],
  ] as const)('%s → engine.%s', async (command, arg, method, expected) => {
    await call(command, arg);
    expect(engine[method]).toHaveBeenCalledTimes(1);
    expect(engine[method]).toHaveBeenCalledWith(...expected);
  });

  it('returns what the engine returns (dismissJob returns null)', async () => {
    await expect(call('listJobs', undefined)).resolves.toEqual([{ id: 'job-1', state: 'queued' }]);
    await expect(call('dismissJob', { jobId: 'job-1' })).resolves.toBeNull();
  });

  it('openImageDialog goes to the injected dialog, not to a path from the page', async () => {
    await call('openImageDialog', undefined);
    expect(openImageDialog).toHaveBeenCalledTimes(1);
    expect(engine.inspectImage).not.toHaveBeenCalled();
  });

  it('push accepts the optional protocol and credentials', async () => {
    const request = { ...validPush, protocol: 'mongoose-os', credentials: { user: 'admin', password: 'pw' } };
    await call('push', request);
    expect(engine.push).toHaveBeenCalledWith(request);
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
  it.each([
    ['wrong type', 'deviceStatus', { deviceId: 42 }, /deviceStatus: invalid argument: deviceId/],
    ['not an object', 'cancelJob', 'job-1', /cancelJob: invalid argument: argument/],
    ['null', 'commitJob', null, /commitJob: invalid argument/],
    ['array', 'revertJob', ['job-1'], /revertJob: invalid argument/],
    ['extra key', 'cancelJob', { jobId: 'job-1', force: true }, /cancelJob: invalid argument: .*unexpected field "force"/],
    ['missing field', 'addDevice', {}, /addDevice: invalid argument: target: missing/],
    ['empty string', 'deviceStatus', { deviceId: '' }, /deviceStatus: invalid argument: deviceId/],
    ['huge string', 'inspectImagePath', { path: huge }, /inspectImagePath: invalid argument: path/],
    ['huge id', 'dismissJob', { jobId: huge }, /dismissJob: invalid argument: jobId/],
    ['argument to a no-argument command', 'listDevices', { all: true }, /listDevices: invalid argument/],
    ['unknown protocol', 'push', { ...validPush, protocol: 'telnet' }, /push: invalid argument: protocol/],
    ['bad commit policy', 'push', { ...validPush, commitPolicy: 'yolo' }, /push: invalid argument: commitPolicy/],
    ['fractional timeout', 'push', { ...validPush, commitTimeoutSeconds: 1.5 }, /push: invalid argument: commitTimeoutSeconds/],
    ['timeout too long', 'push', { ...validPush, commitTimeoutSeconds: 1e9 }, /commitTimeoutSeconds/],
    ['extra key in credentials', 'push', { ...validPush, credentials: { user: 'a', password: 'b', token: 'c' } }, /credentials: unexpected field "token"/],
    ['missing push fields', 'push', { deviceId: 'd' }, /push: invalid argument: imageId/],
    ['__proto__ key', 'cancelJob', JSON.parse('{"jobId":"job-1","__proto__":{"polluted":true}}'), /cancelJob: invalid argument/],
  ] as const)('%s', async (_label, command, arg, message) => {
    await expect(call(command, arg)).rejects.toThrow(message);
    for (const method of Object.values(engine)) {
      if (method !== engine.on) expect(method).not.toHaveBeenCalled();
    }
    expect(openImageDialog).not.toHaveBeenCalled();
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
    const unregister = registerIpcServer({ ipcMain: ipcMain as never, engine, isTrustedSender, openImageDialog });

    expect([...handlers.keys()].sort()).toEqual(commandNames.map(commandChannel).sort());
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
    expect(unsubscribed.sort()).toEqual(['devicesChanged', 'discoveryChanged', 'jobChanged']);
  });
});
