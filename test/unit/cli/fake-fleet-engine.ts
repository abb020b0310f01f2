// A scripted stand-in for the engine's fleet calls, for the CLI's fleet command: each board ends as its
// script says (succeeded, failed, rolled back, skipped, waiting for a commit decision, or hanging until
// the run is cancelled), with the events the real FleetRunner and jobs send on the way.
import { EventEmitter } from 'node:events';
import type { Device, ImageInfo, Job, JobState, ResultCode } from '../../../shared/domain.ts';
import type { FleetMember, FleetMemberState, FleetRequest, FleetRun } from '../../../shared/fleet.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';

export type Script = 'succeeded' | 'failed' | 'auth' | 'rolled-back' | 'skipped' | 'awaiting' | 'hang';

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
  } as Device;
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

const RESULT_OF: Record<string, { state: JobState; code: ResultCode; message: string }> = {
  succeeded: { state: 'committed', code: 'success', message: 'Committed 1.1.0.' },
  failed: { state: 'failed', code: 'not-enough-space', message: 'The board has no room for this image.' },
  auth: { state: 'failed', code: 'auth-failed', message: 'The board refused the user name or password.' },
  'rolled-back': { state: 'rolled-back', code: 'rolled-back', message: 'The board went back to 1.0.0.' },
  cancelled: { state: 'cancelled', code: 'cancelled', message: 'Cancelled.' },
};

const tick = () => new Promise((resolve) => setImmediate(resolve));

export class FakeFleetEngine {
  readonly events = new EventEmitter();
  readonly devices: Device[];
  readonly scripts: Record<string, Script>;
  readonly images = new Map<string, ImageInfo>();
  readonly calls: string[] = [];
  request: FleetRequest | null = null;
  private run: FleetRun | null = null;
  private readonly jobs = new Map<string, Job>();
  private readonly waiters: Array<{ untilSettled: boolean; resolve: (run: FleetRun) => void }> = [];
  /** Progress events per transfer (the engine sends them at up to 4 Hz). */
  progressEvents = 3;

  constructor(devices: Device[], scripts: Record<string, Script>, images: ImageInfo[] = [image('app.zip')]) {
    this.devices = devices;
    this.scripts = scripts;
    for (const i of images) this.images.set(i.fileName, i);
  }

  get engine(): OtaEngine {
    return this as unknown as OtaEngine;
  }

  on(event: string, listener: (...args: unknown[]) => void): () => void {
    this.events.on(event, listener);
    return () => this.events.off(event, listener);
  }

  async inspectImages(paths: string[]): Promise<ImageInfo> {
    const found = this.images.get(paths.map((p) => p.split('/').pop()).join('+'));
    if (!found) throw new Error(`not an image: ${paths.join(', ')}`);
    return found;
  }

  async startDiscovery(): Promise<void> {}
  listDevices(): Device[] {
    return this.devices;
  }
  async resolveDevice(ref: string): Promise<Device> {
    const found = this.devices.find((d) => d.address === ref.replace(/:\d+$/, ''));
    if (!found) throw new Error(`${ref} did not answer`);
    return found;
  }

  startFleet(request: FleetRequest): FleetRun {
    this.request = request;
    this.calls.push('startFleet');
    const members: FleetMember[] = request.deviceIds.map((id) => {
      const d = this.devices.find((x) => x.id === id)!;
      return {
        deviceId: id,
        deviceName: d.name,
        transport: d.transport,
        imageId: null,
        fileName: null,
        state: 'waiting',
        jobId: null,
        message: null,
        attempt: 1,
        pilot: false,
      };
    });
    this.run = {
      id: 'fleet-1',
      createdAt: 0,
      endedAt: null,
      state: 'running',
      images: [],
      options: {} as FleetRun['options'],
      members,
      totals: {} as FleetRun['totals'],
      message: null,
    };
    this.emitRun();
    void this.drive();
    return structuredClone(this.run);
  }

  getFleet(): FleetRun {
    return structuredClone(this.run!);
  }

  waitForFleet(_id: string, options: { untilSettled?: boolean } = {}): Promise<FleetRun> {
    const untilSettled = Boolean(options.untilSettled);
    if (this.settled(untilSettled)) return Promise.resolve(this.getFleet());
    return new Promise((resolve) => this.waiters.push({ untilSettled, resolve }));
  }

  cancelFleet(): FleetRun {
    this.calls.push('cancelFleet');
    for (const m of this.run!.members) {
      if (['succeeded', 'failed', 'rolled-back', 'skipped', 'cancelled'].includes(m.state)) continue;
      if (m.jobId) this.endJob(m, 'cancelled');
      else this.setMember(m, 'cancelled', 'The run was cancelled before its turn.');
    }
    return this.getFleet();
  }

  commitFleet(): FleetRun {
    this.calls.push('commitFleet');
    for (const m of this.run!.members) if (m.state === 'awaiting-commit') this.endJob(m, 'succeeded');
    return this.getFleet();
  }

  revertJob(jobId: string): Job {
    this.calls.push(`revertJob ${jobId}`);
    const m = this.run!.members.find((x) => x.jobId === jobId)!;
    this.endJob(m, 'rolled-back');
    return this.jobs.get(jobId)!;
  }

  getJob(jobId: string): Job {
    return structuredClone(this.jobs.get(jobId)!);
  }

  private async drive(): Promise<void> {
    await Promise.all(this.run!.members.map((m) => this.driveMember(m)));
  }

  private async driveMember(m: FleetMember): Promise<void> {
    const script = this.scripts[m.deviceId] ?? 'succeeded';
    await tick();
    m.imageId = 'img-app.zip';
    m.fileName = 'app.zip';
    this.setMember(m, 'planning', null);
    await tick();
    if (script === 'skipped') return this.setMember(m, 'skipped', 'Already runs 1.1.0.');
    const job = this.newJob(m);
    m.jobId = job.id;
    this.setMember(m, 'running', null);
    for (const state of ['connecting', 'transferring'] as JobState[]) {
      await tick();
      this.jobState(job, state);
    }
    for (let i = 1; i <= this.progressEvents; i++) {
      await tick();
      job.progress = { ...job.progress, bytesSent: (job.progress.totalBytes * i) / this.progressEvents };
      this.events.emit('jobChanged', structuredClone(job));
    }
    if (script === 'hang') return;
    await tick();
    this.jobState(job, 'rebooting');
    await tick();
    if (script === 'awaiting') {
      job.toVersion = '1.1.0';
      job.commitDeadline = Date.now() + 300_000;
      this.jobState(job, 'awaiting-commit');
      return this.setMember(m, 'awaiting-commit', null);
    }
    this.endJob(m, script);
  }

  newJob(m: Pick<FleetMember, 'deviceId' | 'deviceName'>): Job {
    const job: Job = {
      id: `job-${m.deviceId}`,
      deviceId: m.deviceId,
      deviceName: m.deviceName,
      target: '10.0.0.10:80',
      protocol: 'mongoose-os',
      image: {
        fileName: 'app.zip',
        size: 100_000,
        sha256: 'a'.repeat(64),
        format: 'mongoose-fw-zip',
        version: '1.1.0',
      },
      state: 'queued',
      createdAt: 0,
      stateSince: 0,
      endedAt: null,
      progress: { bytesSent: 0, totalBytes: 100_000, bytesPerSecond: 50_000, etaSeconds: 2 },
      fromVersion: '1.0.0',
      toVersion: null,
      commitPolicy: this.request?.commitPolicy ?? 'auto',
      commitDeadline: null,
      result: null,
      log: [{ at: 0, text: 'Connecting to 10.0.0.10:80' }],
      mode: null,
      link: null,
    } as Job;
    this.jobs.set(job.id, job);
    return job;
  }

  private jobState(job: Job, state: JobState): void {
    job.state = state;
    this.events.emit('jobChanged', structuredClone(job));
  }

  private endJob(m: FleetMember, outcome: string): void {
    const job = this.jobs.get(m.jobId!)!;
    const end = RESULT_OF[outcome]!;
    job.result = {
      code: end.code,
      message: end.message,
      deviceMessage: outcome === 'failed' ? 'Not Enough Space' : null,
    };
    if (outcome === 'succeeded') job.toVersion = '1.1.0';
    if (outcome === 'rolled-back') job.toVersion = '1.0.0';
    this.jobState(job, end.state);
    this.setMember(m, (outcome === 'auth' ? 'failed' : outcome) as FleetMemberState, end.message);
  }

  private setMember(m: FleetMember, state: FleetMemberState, message: string | null): void {
    m.state = state;
    m.message = message;
    const states = this.run!.members.map((x) => x.state);
    const terminal = ['succeeded', 'failed', 'rolled-back', 'skipped', 'cancelled'];
    this.run!.state = states.every((s) => terminal.includes(s))
      ? 'ended'
      : states.every((s) => terminal.includes(s) || s === 'awaiting-commit')
        ? 'awaiting-commit'
        : 'running';
    this.emitRun();
    for (const waiter of [...this.waiters]) {
      if (!this.settled(waiter.untilSettled)) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(this.getFleet());
    }
  }

  private settled(untilSettled: boolean): boolean {
    return this.run!.state === 'ended' || (untilSettled && this.run!.state === 'awaiting-commit');
  }

  private emitRun(): void {
    this.events.emit('fleetChanged', structuredClone(this.run!));
  }
}
