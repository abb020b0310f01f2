// Closing the app mid-push can leave a board half-flashed: quitting must ask first while any job
// talks to a device. Also checks the progress, title and end-of-job notification derived from jobs.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job, JobState } from '../../../shared/domain.ts';

const electron = vi.hoisted(() => ({
  quit: vi.fn(),
  showMessageBoxSync: vi.fn(),
  notifications: [] as { title: string; body: string }[],
}));

vi.mock('electron', () => ({
  app: { quit: electron.quit },
  dialog: { showMessageBoxSync: electron.showMessageBoxSync },
  Notification: class {
    static isSupported = () => true;
    options: { title: string; body: string };
    constructor(options: { title: string; body: string }) {
      this.options = options;
    }
    show() {
      electron.notifications.push(this.options);
    }
  },
}));

const { wireOsIntegration, jobsProgress, progressBarValue, windowTitle, endNotification } =
  await import('../../../electron/main/os-integration.ts');

function job(state: JobState, bytesSent = 0, totalBytes = 1000, id = 'job-1'): Job {
  return {
    id,
    deviceId: 'id:esp32',
    deviceName: 'esp32-bench',
    state,
    progress: { bytesSent, totalBytes, bytesPerSecond: 0, etaSeconds: null },
    image: { fileName: 'fw.zip', size: totalBytes, sha256: 'x', format: 'mongoose-fw-zip', version: '1.2.0' },
    toVersion: '1.2.0',
    result: null,
  } as unknown as Job;
}

function fakeWindowAndEngine(initialJobs: Job[] = []) {
  let jobListener: (job: Job) => void = () => {};
  const closeHandlers: ((event: { preventDefault(): void }) => void)[] = [];
  const win = {
    isDestroyed: () => false,
    setProgressBar: vi.fn(),
    setTitle: vi.fn(),
    on: (name: string, handler: (event: { preventDefault(): void }) => void) => {
      if (name === 'close') closeHandlers.push(handler);
    },
  };
  const engine = {
    listJobs: () => initialJobs,
    on: (_name: string, listener: (job: Job) => void) => {
      jobListener = listener;
      return () => {};
    },
  };
  wireOsIntegration(win as never, engine as never);
  const close = () => {
    const event = { preventDefault: vi.fn() };
    closeHandlers.forEach((handler) => handler(event));
    return event.preventDefault.mock.calls.length > 0 ? 'prevented' : 'closed';
  };
  return { win, close, emit: (next: Job) => jobListener(next) };
}

beforeEach(() => {
  electron.quit.mockReset();
  electron.showMessageBoxSync.mockReset();
  electron.notifications.length = 0;
});

describe('quitting during a push', () => {
  it.each(['connecting', 'transferring', 'rebooting', 'verifying', 'committing'] as const)(
    'asks first while a job is %s, and stays open on "Keep running"',
    (state) => {
      const app = fakeWindowAndEngine([job(state)]);
      electron.showMessageBoxSync.mockReturnValue(0);
      expect(app.close()).toBe('prevented');
      expect(electron.showMessageBoxSync).toHaveBeenCalledTimes(1);
      expect(electron.quit).not.toHaveBeenCalled();
    },
  );

  it('quits on "Quit anyway" without asking again', () => {
    const app = fakeWindowAndEngine([job('transferring')]);
    electron.showMessageBoxSync.mockReturnValue(1);
    expect(app.close()).toBe('prevented');
    expect(electron.quit).toHaveBeenCalledTimes(1);
    expect(app.close()).toBe('closed');
    expect(electron.showMessageBoxSync).toHaveBeenCalledTimes(1);
  });

  it.each(['queued', 'awaiting-commit', 'committed', 'failed', 'cancelled'] as const)(
    'closes at once when the only job is %s',
    (state) => {
      const app = fakeWindowAndEngine([job(state)]);
      expect(app.close()).toBe('closed');
      expect(electron.showMessageBoxSync).not.toHaveBeenCalled();
    },
  );

  it('follows job events: asks once a push starts, not after it ended', () => {
    const app = fakeWindowAndEngine();
    app.emit(job('transferring', 500));
    electron.showMessageBoxSync.mockReturnValue(0);
    expect(app.close()).toBe('prevented');
    app.emit(job('committed', 1000));
    expect(app.close()).toBe('closed');
  });
});

describe('progress, title and notifications', () => {
  it('sums the bytes of transferring jobs', () => {
    const progress = jobsProgress([
      job('transferring', 250, 1000, 'a'),
      job('transferring', 750, 1000, 'b'),
      job('failed', 0, 1000, 'c'),
    ]);
    expect(progress).toEqual({ running: 2, fraction: 0.5 });
    expect(progressBarValue(progress)).toBe(0.5);
    expect(windowTitle(progress)).toBe('OTA Bench — 50% (2 pushes)');
  });

  it('shows an indeterminate bar while a board reboots, and none when idle', () => {
    expect(progressBarValue(jobsProgress([job('rebooting')]))).toBeGreaterThan(1);
    expect(progressBarValue(jobsProgress([]))).toBe(-1);
    expect(windowTitle(jobsProgress([]))).toBe('OTA Bench');
  });

  it('notifies once when a job ends, never for a cancel', () => {
    expect(endNotification('verifying', job('committed'))?.title).toBe('esp32-bench: updated and committed');
    expect(endNotification('committed', job('committed'))).toBeNull();
    expect(endNotification('transferring', job('cancelled'))).toBeNull();
    const app = fakeWindowAndEngine();
    app.emit(job('transferring'));
    app.emit(job('rolled-back'));
    app.emit(job('rolled-back'));
    expect(electron.notifications.map((n) => n.title)).toEqual(['esp32-bench: rolled back to its previous firmware']);
    expect(app.win.setTitle).toHaveBeenLastCalledWith('OTA Bench');
  });
});
