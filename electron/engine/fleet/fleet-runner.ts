// Runs fleet runs (several boards at once, shared/fleet.ts) through the engine's own calls: checks
// what start() is given, keeps the runs, routes each member's job changes to its run, lets every run
// start members when something frees up (the Bluetooth radio is shared across runs), and reports
// each run as 'changed' — at most a few times a second, at once when its state changes.
import { EventEmitter } from 'node:events';
import { isTerminal, type Device, type ImageInfo, type Job } from '../../../shared/domain.ts';
import type { FleetRequest, FleetRun } from '../../../shared/fleet.ts';
import { UpdateError } from '../update-error.ts';
import type { FleetHost, FleetStartOptions } from './fleet-host.ts';
import { FleetRunControl, type RunHooks } from './fleet-run.ts';
import { ChangeCoalescer } from './change-coalescer.ts';
import {
  imageCannotBePushed,
  imageNotOpen,
  noSuchDevice,
  noSuchRun,
  onlyEndedRunsDismissed,
  runnerClosed,
} from './fleet-messages.ts';

export type { FleetHost, FleetStartOptions } from './fleet-host.ts';

export interface FleetRunnerOptions {
  /** Shortest gap between two 'changed' events of one run (state changes go out at once). */
  changeIntervalMs?: number;
  /** Ended runs kept for list(); older ones are forgotten as new runs start. */
  keepEndedRuns?: number;
}

export class FleetRunner extends EventEmitter<{ changed: [FleetRun] }> {
  private readonly host: FleetHost;
  private readonly runs = new Map<string, FleetRunControl>();
  private readonly jobRuns = new Map<string, FleetRunControl>();
  private readonly coalescer: ChangeCoalescer;
  private readonly sentState = new Map<string, FleetRun['state']>();
  /** Callers of wait(), told of every change (not coalesced). */
  private readonly watchers = new Set<(run: FleetRun) => void>();
  private readonly keepEndedRuns: number;
  private unsubscribe: (() => void) | null = null;
  private scheduled = false;
  private closed = false;

  private readonly hooks: RunHooks = {
    changed: (run) => this.runChanged(run),
    schedule: () => this.schedule(),
    busyResources: () => new Set([...this.runs.values()].flatMap((run) => run.heldResources())),
    jobStarted: (jobId, run) => this.jobRuns.set(jobId, run),
  };

  constructor(host: FleetHost, options: FleetRunnerOptions = {}) {
    super();
    this.host = host;
    this.keepEndedRuns = options.keepEndedRuns ?? 20;
    this.coalescer = new ChangeCoalescer(options.changeIntervalMs ?? 250, (runId) => {
      const run = this.runs.get(runId);
      if (!run) return;
      const snapshot = run.snapshot();
      this.sentState.set(runId, snapshot.state);
      this.emit('changed', snapshot);
    });
  }

  start(request: FleetRequest, options: FleetStartOptions = {}): FleetRun {
    if (this.closed) throw new UpdateError('update-failed', runnerClosed());
    const images = request.imageIds.map((imageId) => this.openImage(imageId));
    const listed = new Map(this.host.listDevices().map((device) => [device.id, device]));
    const devices: Device[] = [];
    for (const deviceId of new Set(request.deviceIds)) {
      const device = listed.get(deviceId);
      if (!device) throw new UpdateError('invalid-uri', noSuchDevice(deviceId));
      devices.push(device);
    }
    this.unsubscribe ??= this.host.onJobChanged((job) => this.jobChanged(job));
    const run = new FleetRunControl(this.host, request, images, devices, options.credentialsFor ?? {}, this.hooks);
    this.runs.set(run.id, run);
    this.forgetOldRuns();
    this.coalescer.flush(run.id);
    this.schedule();
    return run.snapshot();
  }

  list(): FleetRun[] {
    // Newest first: the map keeps the order they started in.
    return [...this.runs.values()].reverse().map((run) => run.snapshot());
  }

  get(fleetId: string): FleetRun {
    return this.run(fleetId).snapshot();
  }

  cancel(fleetId: string): FleetRun {
    const run = this.run(fleetId);
    run.cancel();
    return run.snapshot();
  }

  retry(fleetId: string): FleetRun {
    const run = this.run(fleetId);
    run.retry();
    this.schedule();
    return run.snapshot();
  }

  commitAll(fleetId: string): FleetRun {
    const run = this.run(fleetId);
    run.commitAll();
    return run.snapshot();
  }

  dismiss(fleetId: string): void {
    const run = this.run(fleetId);
    if (!run.ended) throw new UpdateError('update-failed', onlyEndedRunsDismissed());
    this.forget(run);
  }

  /** Resolves when the run has ended (or, untilSettled, also when it waits for "Commit all healthy"). */
  wait(fleetId: string, untilSettled = false): Promise<FleetRun> {
    const settled = (run: FleetRun) => run.state === 'ended' || (untilSettled && run.state === 'awaiting-commit');
    let current: FleetRun;
    try {
      current = this.get(fleetId);
    } catch (error) {
      return Promise.reject(error);
    }
    if (settled(current)) return Promise.resolve(current);
    return new Promise((resolve) => {
      const watcher = (run: FleetRun) => {
        if (run.id !== fleetId || !settled(run)) return;
        this.watchers.delete(watcher);
        resolve(run);
      };
      this.watchers.add(watcher);
    });
  }

  /** Cancels every run and waits until none of their jobs works any more; no timer is left. */
  async close(): Promise<void> {
    this.closed = true;
    for (const run of this.runs.values()) run.cancel();
    await Promise.all([...this.runs.values()].map((run) => run.quiet()));
    this.coalescer.close();
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private openImage(imageId: string): ImageInfo {
    let info: ImageInfo;
    try {
      info = this.host.imageInfo(imageId);
    } catch {
      throw new UpdateError('invalid-uri', imageNotOpen(imageId));
    }
    if (info.problem) throw new UpdateError('unsupported-package', imageCannotBePushed(info.fileName, info.problem));
    return info;
  }

  private run(fleetId: string): FleetRunControl {
    const run = this.runs.get(fleetId);
    if (!run) throw new UpdateError('update-failed', noSuchRun(fleetId));
    return run;
  }

  private jobChanged(job: Job): void {
    const run = this.jobRuns.get(job.id);
    if (!run) return;
    run.jobChanged(job);
    if (isTerminal(job.state)) this.jobRuns.delete(job.id);
  }

  private runChanged(run: FleetRunControl): void {
    if (!this.runs.has(run.id)) return;
    const snapshot = run.snapshot();
    for (const watcher of [...this.watchers]) watcher(snapshot);
    // A new state (running → awaiting-commit → ended) goes out at once; member moves are coalesced.
    if (snapshot.state !== this.sentState.get(run.id)) this.coalescer.flush(run.id);
    else this.coalescer.changed(run.id);
  }

  /** Starts members in a microtask: never from inside another job's event, and once per burst of changes. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      if (this.closed) return;
      for (const run of this.runs.values()) run.pump();
    });
  }

  private forgetOldRuns(): void {
    const ended = [...this.runs.values()].filter((run) => run.ended);
    for (const run of ended.slice(0, Math.max(0, ended.length - this.keepEndedRuns))) this.forget(run);
  }

  private forget(run: FleetRunControl): void {
    this.runs.delete(run.id);
    this.sentState.delete(run.id);
    this.coalescer.forget(run.id);
    for (const [jobId, owner] of this.jobRuns) if (owner === run) this.jobRuns.delete(jobId);
  }
}
