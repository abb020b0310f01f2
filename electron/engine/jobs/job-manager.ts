// Keeps the job list: creates jobs, runs them concurrently (one per device at a time), routes
// cancel / commit / revert to the right runner, and emits a copy of a job whenever it changes.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Device, Job, JobState, PushRequest } from '../../../shared/domain.ts';
import { isTerminal } from '../../../shared/domain.ts';
import { UpdateError, resultFromError } from '../update-error.ts';
import type { ImageOnDisk } from '../protocols/update-protocol.ts';
import { CommitDecisions } from './commit-decisions.ts';
import type { JobContext, JobSequence, JobTimeouts } from './job-context.ts';
import { boardLockKeys, defaultProcessName, takeBoardLock } from './board-lock.ts';

const MAX_LOG = 60;
const MAX_FINISHED_JOBS = 50;
const CANCELLABLE: JobState[] = ['queued', 'connecting', 'transferring', 'rebooting', 'verifying', 'awaiting-commit'];

interface Running {
  job: Job;
  controller: AbortController;
  decisions: CommitDecisions;
  done: Promise<void>;
}

export interface StartJob {
  request: PushRequest;
  device: Device;
  image: ImageOnDisk;
  /** What the device's side runs for this push (LAN: job-runner.ts, BLE/SMP: smp-job.ts). */
  sequence: JobSequence;
}

export class JobManager extends EventEmitter<{ changed: [Job] }> {
  private jobs = new Map<string, Running>();
  private readonly timeouts: JobTimeouts;
  /** How a second OTA Bench names this one when it finds the board locked. */
  private readonly processName: string;

  constructor(timeouts: JobTimeouts, processName = defaultProcessName()) {
    super();
    this.timeouts = timeouts;
    this.processName = processName;
  }

  list(): Job[] {
    return [...this.jobs.values()].map((r) => structuredClone(r.job)).sort((a, b) => b.createdAt - a.createdAt);
  }

  get(jobId: string): Job {
    return structuredClone(this.running(jobId).job);
  }

  activeJobFor(deviceId: string): Job | null {
    return [...this.jobs.values()].find((r) => r.job.deviceId === deviceId && !isTerminal(r.job.state))?.job ?? null;
  }

  start({ request, device, image, sequence }: StartJob): Job {
    const busy = this.activeJobFor(device.id);
    if (busy)
      throw new UpdateError(
        'update-failed',
        `${device.name} is already being updated (job ${busy.id.slice(0, 8)}, ${busy.state}); wait for it or cancel it.`,
      );
    // Other processes (the app, another terminal): taken before the first byte, released however the job ends.
    const lock = takeBoardLock(boardLockKeys(device), { process: this.processName, device: device.name });
    const now = Date.now();
    const job: Job = {
      id: randomUUID(),
      deviceId: device.id,
      deviceName: device.name,
      target: sequence.target,
      protocol: sequence.protocolId,
      image: {
        fileName: image.info.fileName,
        size: image.info.size,
        sha256: image.info.sha256,
        format: image.info.format,
        version: image.info.version,
      },
      state: 'queued',
      createdAt: now,
      stateSince: now,
      endedAt: null,
      progress: { bytesSent: 0, totalBytes: image.info.size, bytesPerSecond: 0, etaSeconds: null },
      fromVersion: device.firmwareVersion,
      toVersion: null,
      commitPolicy: request.commitPolicy,
      commitDeadline: null,
      result: null,
      log: [],
      mode: null,
      link: null,
    };
    const controller = new AbortController();
    const decisions = new CommitDecisions();
    const entry: Running = { job, controller, decisions, done: Promise.resolve() };
    this.jobs.set(job.id, entry);
    this.prune();
    const update = (patch: Partial<Job>) => {
      if (isTerminal(entry.job.state)) return;
      Object.assign(entry.job, patch);
      this.emit('changed', structuredClone(entry.job));
    };
    const log = (text: string) => {
      entry.job.log = [...entry.job.log, { at: Date.now(), text }].slice(-MAX_LOG);
      this.emit('changed', structuredClone(entry.job));
    };
    const setState = (state: JobState, patch: Partial<Job> = {}) => {
      const at = Date.now();
      // Released before anyone hears the job ended, so a push queued on that news finds the board free.
      if (isTerminal(state)) lock.release();
      update({ ...patch, state, stateSince: at, endedAt: isTerminal(state) ? at : null });
    };
    this.emit('changed', structuredClone(job));
    const context: JobContext = {
      job: () => entry.job,
      update,
      setState,
      log,
      request,
      image,
      device: () => sequence.currentDevice(),
      timeouts: this.timeouts,
      signal: controller.signal,
      decisions,
    };
    if (lock.warning) log(lock.warning);
    entry.done = sequence
      .run(context)
      .catch((error: unknown) => {
        const result = resultFromError(error);
        const state: JobState =
          result.code === 'cancelled' ? 'cancelled' : result.code === 'rolled-back' ? 'rolled-back' : 'failed';
        setState(state, { result, commitDeadline: null });
      })
      .finally(() => lock.release());
    return structuredClone(job);
  }

  cancel(jobId: string): Job {
    const entry = this.running(jobId);
    if (!CANCELLABLE.includes(entry.job.state)) {
      throw new UpdateError(
        'update-failed',
        `Job ${jobId.slice(0, 8)} is ${entry.job.state}; it can no longer be cancelled.`,
      );
    }
    entry.controller.abort();
    return structuredClone(entry.job);
  }

  decide(jobId: string, decision: 'commit' | 'revert'): Job {
    const entry = this.running(jobId);
    if (entry.job.state !== 'awaiting-commit') {
      throw new UpdateError('update-failed', `Job ${jobId.slice(0, 8)} is ${entry.job.state}, not awaiting a commit.`);
    }
    if (entry.job.commitDeadline !== null && entry.job.commitDeadline < Date.now()) {
      throw new UpdateError('update-failed', 'The commit window is over: the board is rolling back by itself.');
    }
    entry.decisions.decide(decision);
    return structuredClone(entry.job);
  }

  dismiss(jobId: string): void {
    const entry = this.running(jobId);
    if (!isTerminal(entry.job.state))
      throw new UpdateError('update-failed', 'Only finished jobs can be dismissed; cancel it first.');
    this.jobs.delete(jobId);
  }

  /** Resolves when the job is terminal, or (untilSettled) also when it waits for a commit decision. */
  wait(jobId: string, untilSettled = false): Promise<Job> {
    const settled = (job: Job) => isTerminal(job.state) || (untilSettled && job.state === 'awaiting-commit');
    const current = this.get(jobId);
    if (settled(current)) return Promise.resolve(current);
    return new Promise((resolve) => {
      const onChange = (job: Job) => {
        if (job.id !== jobId || !settled(job)) return;
        this.off('changed', onChange);
        resolve(job);
      };
      this.on('changed', onChange);
    });
  }

  async close(): Promise<void> {
    for (const entry of this.jobs.values()) if (!isTerminal(entry.job.state)) entry.controller.abort();
    await Promise.all([...this.jobs.values()].map((entry) => entry.done));
  }

  private running(jobId: string): Running {
    const entry = this.jobs.get(jobId);
    if (!entry) throw new UpdateError('update-failed', `No job ${jobId}.`);
    return entry;
  }

  private prune(): void {
    const finished = [...this.jobs.values()]
      .filter((r) => isTerminal(r.job.state))
      .sort((a, b) => a.job.createdAt - b.job.createdAt);
    for (const entry of finished.slice(0, Math.max(0, finished.length - MAX_FINISHED_JOBS)))
      this.jobs.delete(entry.job.id);
  }
}
