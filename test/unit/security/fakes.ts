// Test doubles shared by the security tests: an engine whose every method is a spy, and sender
// frames like the ones Electron hands to ipcMain.handle.
import { vi } from 'vitest';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import type { SenderFrame } from '../../../electron/main/trusted-sender.ts';

export type FakeEngine = { [K in keyof OtaEngine]: OtaEngine[K] & ReturnType<typeof vi.fn> };

export function fakeEngine(): FakeEngine {
  const job = { id: 'job-1', state: 'queued' };
  return {
    startDiscovery: vi.fn(async () => {}),
    stopDiscovery: vi.fn(async () => {}),
    discoveryStatus: vi.fn(() => ({ state: 'running', message: 'browsing' })),
    listDevices: vi.fn(() => []),
    resolveDevice: vi.fn(async (ref: string) => ({ id: `addr:${ref}` })),
    deviceStatus: vi.fn(async (deviceId: string) => ({ device: { id: deviceId } })),
    commitDevice: vi.fn(),
    revertDevice: vi.fn(),
    inspectImage: vi.fn(async (path: string) => ({ imageId: 'img-1', fileName: path })),
    inspectImages: vi.fn(async (paths: string[]) => ({ imageId: 'img-1', fileName: paths.join(' + ') })),
    planPush: vi.fn(async (deviceId: string, imageId: string) => ({ deviceId, imageId, verdict: 'ready', checks: [] })),
    push: vi.fn(() => job),
    listJobs: vi.fn(() => [job]),
    getJob: vi.fn(() => job),
    cancelJob: vi.fn(() => job),
    commitJob: vi.fn(() => job),
    revertJob: vi.fn(() => job),
    dismissJob: vi.fn(),
    forgetCredentials: vi.fn(),
    imageSlotAction: vi.fn(async () => ({ done: true })),
    waitForJob: vi.fn(async () => job),
    on: vi.fn(() => () => {}),
    close: vi.fn(async () => {}),
  } as unknown as FakeEngine;
}

export const APP_INDEX_HTML = '/opt/OTA Bench/resources/app/out/renderer/index.html';

export function topFrame(url: string): SenderFrame {
  return { url, parent: null };
}

export function subFrame(url: string): SenderFrame {
  return { url, parent: topFrame(url) };
}
