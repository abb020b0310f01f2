// A FleetHost whose jobs move only when a test says so: push() starts a job that sits in
// `transferring` until the test ends it (`finish`) or moves it (`move`). It counts how many jobs work
// at once (the cap) and how many Bluetooth jobs (the radio), and checks the totals of every run the
// runner reports.
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Device, ImageInfo, Job, JobState, PushPlan, PushRequest, ResultCode } from '../../../shared/domain.ts';
import { isTerminal } from '../../../shared/domain.ts';
import type { FleetRequest, FleetRun } from '../../../shared/fleet.ts';
import type { FleetHost } from '../../../electron/engine/fleet/fleet-runner.ts';
import { FleetRunner } from '../../../electron/engine/fleet/fleet-runner.ts';
import { UpdateError } from '../../../electron/engine/update-error.ts';

export function device(name: string, over: Partial<Device> = {}): Device {
  return {
    id: `id:${name}`,
    transport: 'lan',
    name,
    hostname: `${name}.local`,
    address: '10.0.0.10',
    port: 80,
    protocol: 'mongoose-os',
    protocolEvidence: 'txt',
    pushSupported: true,
    firmwareVersion: '1.0.0',
    firmwareId: null,
    app: null,
    arch: 'esp32',
    mac: null,
    services: ['_http._tcp'],
    rssi: null,
    online: true,
    lastSeen: 0,
    authRequired: false,
    txt: {},
    ...over,
  };
}

export function image(fileName: string, over: Partial<ImageInfo> = {}): ImageInfo {
  return {
    imageId: `img-${fileName}`,
    fileName,
    size: 100_000,
    sha256: 'a'.repeat(64),
    format: 'mongoose-fw-zip',
    formatLabel: 'Mongoose OS fw.zip',
    facts: [],
    version: '1.1.0',
    pushableWith: ['mongoose-os'],
    warnings: [],
    problem: null,
    slotEvidence: null,
    members: null,
    ...over,
  };
}

const RESULTS: Partial<Record<JobState, { code: ResultCode; message: string }>> = {
  committed: { code: 'success', message: 'Committed 1.1.0.' },
  updated: { code: 'success', message: 'It now runs 1.1.0.' },
  failed: { code: 'not-enough-space', message: 'The board has no room for this image.' },
  'rolled-back': { code: 'rolled-back', message: 'Not committed, so it rolled back to 1.0.0.' },
  cancelled: { code: 'cancelled', message: 'Cancelled.' },
};

/** Lets queued microtasks and immediates run (the runner starts members in a microtask). */
export const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

export class FakeFleetHost implements FleetHost {
  readonly devices: Device[];
  readonly images = new Map<string, ImageInfo>();
  readonly jobs = new Map<string, Job>();
  readonly pushes: PushRequest[] = [];
  readonly fleetIds: string[] = [];
  /** Verdict of a plan, by `deviceId imageId` (default ready). */
  readonly verdicts = new Map<string, PushPlan['verdict']>();
  readonly planned: string[] = [];
  /** While set, every plan waits for it (members stay planning). */
  planGate: Promise<void> | null = null;
  private readonly events = new EventEmitter<{ changed: [Job] }>();
  maxWorking = 0;
  maxBleWorking = 0;

  constructor(devices: Device[], images: ImageInfo[]) {
    this.devices = devices;
    for (const info of images) this.images.set(info.imageId, info);
  }

  listDevices = (): Device[] => this.devices.map((d) => ({ ...d }));

  imageInfo = (imageId: string): ImageInfo => {
    const info = this.images.get(imageId);
    if (!info) throw new UpdateError('invalid-uri', 'That image is no longer open; pick the file again.');
    return info;
  };

  planPush = async (deviceId: string, imageId: string): Promise<PushPlan> => {
    this.planned.push(`${deviceId} ${imageId}`);
    if (this.planGate) await this.planGate;
    const verdict = this.verdicts.get(`${deviceId} ${imageId}`) ?? 'ready';
    return {
      deviceId,
      imageId,
      protocol: this.device(deviceId).protocol,
      send: null,
      reason: null,
      slots: null,
      imageSlots: null,
      checks: [],
      verdict,
      message: verdict === 'ready' ? null : 'The image is for another chip.',
      fingerprint: '0'.repeat(64),
    };
  };

  push = (request: PushRequest, fleetId: string): Job => {
    const device = this.device(request.deviceId);
    if (this.working().some((job) => job.deviceId === device.id))
      throw new UpdateError('update-failed', `${device.name} is already being updated.`);
    const info = this.imageInfo(request.imageId);
    this.pushes.push(request);
    this.fleetIds.push(fleetId);
    const now = Date.now();
    const job: Job = {
      id: randomUUID(),
      deviceId: device.id,
      deviceName: device.name,
      target: device.address ?? device.name,
      protocol: device.protocol,
      image: {
        fileName: info.fileName,
        size: info.size,
        sha256: info.sha256,
        format: info.format,
        version: info.version,
      },
      state: 'queued',
      createdAt: now,
      stateSince: now,
      endedAt: null,
      progress: { bytesSent: 0, totalBytes: info.size, bytesPerSecond: 0, etaSeconds: null },
      fromVersion: device.firmwareVersion,
      toVersion: null,
      commitPolicy: request.commitPolicy,
      commitDeadline: null,
      result: null,
      log: [],
      mode: null,
      link: null,
    };
    this.jobs.set(job.id, job);
    this.count();
    // Like the job manager: the first event comes from inside push(), before the caller knows the id.
    this.events.emit('changed', structuredClone(job));
    queueMicrotask(() => {
      if (job.state === 'queued') this.move(job.id, 'transferring');
    });
    return structuredClone(job);
  };

  getJob = (jobId: string): Job => structuredClone(this.job(jobId));

  waitForJob = (jobId: string): Promise<Job> =>
    new Promise((resolve) => {
      const check = (job: Job) => {
        if (job.id !== jobId || !isTerminal(job.state)) return;
        this.events.off('changed', check);
        resolve(job);
      };
      if (isTerminal(this.job(jobId).state)) return resolve(this.getJob(jobId));
      this.events.on('changed', check);
    });

  cancelJob = (jobId: string): Job => {
    queueMicrotask(() => this.finish(jobId, 'cancelled'));
    return this.getJob(jobId);
  };

  commitJob = (jobId: string): Job => {
    const job = this.job(jobId);
    if (job.state !== 'awaiting-commit') throw new UpdateError('update-failed', 'Not awaiting a commit.');
    queueMicrotask(() => {
      this.move(jobId, 'committing');
      this.finish(jobId, 'committed');
    });
    return this.getJob(jobId);
  };

  onJobChanged = (listener: (job: Job) => void): (() => void) => {
    this.events.on('changed', listener);
    return () => this.events.off('changed', listener);
  };

  get listeners(): number {
    return this.events.listenerCount('changed');
  }

  move(jobId: string, state: JobState): void {
    const job = this.job(jobId);
    if (isTerminal(job.state)) return;
    Object.assign(job, { state, stateSince: Date.now() });
    this.count();
    this.events.emit('changed', structuredClone(job));
  }

  finish(jobId: string, state: JobState, message?: string): void {
    const job = this.job(jobId);
    if (isTerminal(job.state)) return;
    const result = RESULTS[state]!;
    Object.assign(job, {
      state,
      stateSince: Date.now(),
      endedAt: Date.now(),
      result: { code: result.code, message: message ?? result.message, deviceMessage: null },
    });
    this.events.emit('changed', structuredClone(job));
  }

  /** The jobs still working (not ended, not waiting for a decision), oldest first. */
  working(): Job[] {
    return [...this.jobs.values()].filter((job) => !isTerminal(job.state) && job.state !== 'awaiting-commit');
  }

  /** The working job on a device by its name. */
  jobOn(name: string): Job {
    const job = [...this.jobs.values()].reverse().find((j) => j.deviceName === name && !isTerminal(j.state));
    if (!job) throw new Error(`no job works on ${name}`);
    return job;
  }

  pushedTo(): string[] {
    return this.pushes.map((p) => this.device(p.deviceId).name);
  }

  private count(): void {
    const working = this.working();
    this.maxWorking = Math.max(this.maxWorking, working.length);
    const ble = working.filter((job) => this.device(job.deviceId).transport === 'ble');
    this.maxBleWorking = Math.max(this.maxBleWorking, ble.length);
  }

  private device(deviceId: string): Device {
    const found = this.devices.find((d) => d.id === deviceId);
    if (!found) throw new UpdateError('invalid-uri', `No device ${deviceId}.`);
    return found;
  }

  private job(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) throw new Error(`No job ${jobId}.`);
    return job;
  }
}

export function fleetRequest(host: FakeFleetHost, over: Partial<FleetRequest> = {}): FleetRequest {
  return {
    deviceIds: host.devices.map((d) => d.id),
    imageIds: [...host.images.keys()],
    commitPolicy: 'auto',
    commitTimeoutSeconds: 300,
    concurrency: 4,
    stopOnFailure: false,
    skipOffline: false,
    onlyOutdated: false,
    staged: false,
    ...over,
  };
}

/** A runner that reports every change (no coalescing) and checks that the totals add up in each. */
export function runnerFor(host: FakeFleetHost): { runner: FleetRunner; events: FleetRun[] } {
  const runner = new FleetRunner(host, { changeIntervalMs: 0 });
  const events: FleetRun[] = [];
  runner.on('changed', (run) => {
    const { totals } = run;
    const sum = Object.values(totals).reduce((a, b) => a + b, 0);
    expect(sum, `totals ${JSON.stringify(totals)} of ${run.members.length} members`).toBe(run.members.length);
    events.push(run);
  });
  return { runner, events };
}

/** Member states by board name, e.g. { a: 'succeeded', b: 'running' }. */
export const statesOf = (run: FleetRun): Record<string, string> =>
  Object.fromEntries(run.members.map((m) => [m.deviceName, m.state]));

/** Ends every working job on the named boards. */
export function finishOn(host: FakeFleetHost, names: string[], state: JobState, message?: string): void {
  for (const name of names) host.finish(host.jobOn(name).id, state, message);
}
