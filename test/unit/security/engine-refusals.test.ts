// The checks behind "the image is an id the main process issued" and "the device is one the engine
// lists" (README, threat model): a compromised page that makes up ids gets a refusal, through the
// real IPC dispatcher and the real engine (no discovery started: nothing is listed, nothing opened).
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import { createEngine } from '../../../electron/engine/index.ts';
import { createCommandDispatcher } from '../../../electron/main/ipc-server.ts';
import { createTrustedSenderCheck } from '../../../electron/main/trusted-sender.ts';
import { APP_INDEX_HTML, topFrame } from './fakes.ts';

const fromApp = { senderFrame: topFrame(pathToFileURL(APP_INDEX_HTML).href) } as never;
let engine: OtaEngine;
let dispatch: ReturnType<typeof createCommandDispatcher>;

beforeAll(() => {
  engine = createEngine();
  dispatch = createCommandDispatcher({
    engine,
    isTrustedSender: createTrustedSenderCheck({ kind: 'file', indexHtml: APP_INDEX_HTML }),
    dialogs: {
      openImageDialog: vi.fn(async () => null),
      openFolderDialog: vi.fn(async () => null),
      saveExport: vi.fn(async () => null),
    },
    confirmRemoteAddress: vi.fn(async () => false),
  });
});
afterAll(() => engine.close());

const madeUpImage = 'the-image-of-/etc/passwd';
const push = { deviceId: 'id:esp32-1', imageId: madeUpImage, commitPolicy: 'never', commitTimeoutSeconds: 60 };

describe('ids the main process did not issue are refused', () => {
  it.each([
    [
      'planPush with a made-up image and device',
      'planPush',
      { deviceId: 'id:esp32-1', imageId: madeUpImage },
      /^No device id:esp32-1/,
    ],
    ['push with a made-up image and device', 'push', push, /^No device id:esp32-1/],
    ['deviceStatus of a device nobody listed', 'deviceStatus', { deviceId: 'id:nobody' }, /^No device id:nobody/],
    ['commitDevice of a device nobody listed', 'commitDevice', { deviceId: 'id:nobody' }, /^No device id:nobody/],
    ['revertDevice of a device nobody listed', 'revertDevice', { deviceId: 'id:nobody' }, /^No device id:nobody/],
    [
      'a slot action on a device nobody listed',
      'imageSlotAction',
      { deviceId: 'ble:c0de', action: 'reset' },
      /^No device ble:c0de/,
    ],
    ['cancelJob of a job that does not exist', 'cancelJob', { jobId: 'job-made-up' }, /^No job job-made-up/],
    ['commitJob of a job that does not exist', 'commitJob', { jobId: 'job-made-up' }, /^No job job-made-up/],
    ['revertJob of a job that does not exist', 'revertJob', { jobId: 'job-made-up' }, /^No job job-made-up/],
  ] as const)('%s', async (_label, command, arg, message) => {
    // Some engine methods throw synchronously, some reject: both reach the page as an error.
    const error = await Promise.resolve()
      .then(() => dispatch(command, fromApp, [arg]))
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(error?.message).toMatch(message);
    expect(engine.listJobs()).toEqual([]);
  });
});
