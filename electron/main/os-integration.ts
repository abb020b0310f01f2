// The desktop around the window: taskbar/dock progress and title while pushes run, a notification
// when one ends, and a confirmation before quitting would cut a push off half-way (a board that
// loses power or its connection mid-flash may need a serial cable to recover).
import { app, dialog, Notification } from 'electron';
import type { BrowserWindow } from 'electron';
import type { Job, JobState } from '../../shared/domain.ts';
import type { OtaEngine } from '../engine/engine-api.ts';

/** States in which quitting interrupts a device mid-update. */
const INTERRUPTIBLE: ReadonlySet<JobState> = new Set([
  'connecting',
  'transferring',
  'rebooting',
  'verifying',
  'committing',
]);
/** End states worth a notification; a cancelled job was the user's own doing. */
const NOTIFY_ON: ReadonlySet<JobState> = new Set(['committed', 'updated', 'rolled-back', 'failed']);

export const isInterruptible = (job: Job): boolean => INTERRUPTIBLE.has(job.state);

export interface JobsProgress {
  running: number;
  /** 0..1 over the bytes of running jobs; null when running jobs have nothing to measure (rebooting…). */
  fraction: number | null;
}

export function jobsProgress(jobs: Iterable<Job>): JobsProgress {
  let running = 0;
  let sent = 0;
  let total = 0;
  for (const job of jobs) {
    if (!isInterruptible(job)) continue;
    running += 1;
    if (job.state === 'transferring' && job.progress.totalBytes > 0) {
      sent += Math.min(job.progress.bytesSent, job.progress.totalBytes);
      total += job.progress.totalBytes;
    }
  }
  return { running, fraction: total > 0 ? sent / total : null };
}

/** Electron's setProgressBar value: -1 removes the bar, >1 shows an indeterminate one. */
export function progressBarValue({ running, fraction }: JobsProgress): number {
  if (running === 0) return -1;
  return fraction ?? 2;
}

export function windowTitle({ running, fraction }: JobsProgress): string {
  if (running === 0) return 'OTA Bench';
  const pushes = running === 1 ? '1 push' : `${running} pushes`;
  return fraction === null ? `OTA Bench — ${pushes}` : `OTA Bench — ${Math.floor(fraction * 100)}% (${pushes})`;
}

/** The notification for a job that just reached an end state, or null. */
export function endNotification(previous: JobState | undefined, job: Job): { title: string; body: string } | null {
  if (previous === job.state || !NOTIFY_ON.has(job.state)) return null;
  const outcome: Record<string, string> = {
    committed: 'updated and committed',
    updated: 'updated',
    'rolled-back': 'rolled back to its previous firmware',
    failed: 'update failed',
  };
  const version = job.toVersion ? ` (${job.toVersion})` : '';
  return {
    title: `${job.deviceName}: ${outcome[job.state]}`,
    body: job.result?.message ?? `${job.image.fileName}${version}`,
  };
}

/** Keeps the OS in step with the engine's jobs. Returns an unsubscribe. */
export function wireOsIntegration(win: BrowserWindow, engine: OtaEngine): () => void {
  const jobs = new Map<string, Job>(engine.listJobs().map((job) => [job.id, job]));
  let quitConfirmed = false;

  const refresh = () => {
    if (win.isDestroyed()) return;
    const progress = jobsProgress(jobs.values());
    win.setProgressBar(progressBarValue(progress));
    win.setTitle(windowTitle(progress));
  };

  const unsubscribe = engine.on('jobChanged', (job) => {
    const notice = endNotification(jobs.get(job.id)?.state, job);
    if (notice && Notification.isSupported()) new Notification(notice).show();
    jobs.set(job.id, job);
    refresh();
  });

  win.on('close', (event) => {
    const busy = [...jobs.values()].filter(isInterruptible);
    if (quitConfirmed || busy.length === 0) return;
    event.preventDefault();
    const choice = dialog.showMessageBoxSync(win, {
      type: 'warning',
      buttons: ['Keep running', 'Quit anyway'],
      defaultId: 0,
      cancelId: 0,
      title: 'Pushes in progress',
      message: `${busy.length === 1 ? 'A firmware push is' : `${busy.length} firmware pushes are`} still running.`,
      detail: 'Quitting now cancels them; a board interrupted mid-update may need to be flashed over serial.',
    });
    if (choice === 1) {
      quitConfirmed = true;
      app.quit();
    }
  });

  refresh();
  return unsubscribe;
}
