// One fleet run: its members, whose turn it is, and what each member's job says. Members start as
// the scheduler allows (scheduler.ts), choose their image (choose-image.ts), then follow their job
// (member-job.ts). The run reports every change through `hooks.changed`; the runner coalesces them.
import { randomUUID } from 'node:crypto';
import type { Device, ImageInfo, Job, ProtocolId, PushRequest } from '../../../shared/domain.ts';
import { isTerminal } from '../../../shared/domain.ts';
import type { FleetMember, FleetMemberState, FleetRequest, FleetRun } from '../../../shared/fleet.ts';
import { UpdateError, resultFromError } from '../update-error.ts';
import type { Credentials } from '../engine-api.ts';
import type { FleetHost } from './fleet-host.ts';
import { chooseImage } from './choose-image.ts';
import { memberMessageOf, memberStateOf } from './member-job.ts';
import { membersToStart } from './scheduler.ts';
import { resourceOf } from './fleet-resources.ts';
import { holdsSlot, isMemberTerminal, runStateOf, totalsOf } from './fleet-totals.ts';
import {
  cancelledBeforeItsTurn,
  noLongerListed,
  nothingAwaitsCommit,
  nothingToRetry,
  pilotNotHealthy,
  runCancelled,
  runStoppedAfter,
  stagedPilotFailed,
  stoppedAfterFirstFailure,
} from './fleet-messages.ts';

interface Slot {
  member: FleetMember;
  protocol: ProtocolId | null;
  /** Aborts the member's image choice (cancel) while it plans. */
  planning: AbortController | null;
  /** The member's turn until its job has started (or it was left out). */
  turn: Promise<void> | null;
  /** Skipped because the run stopped before its turn: "Retry" gives it its turn. */
  skippedByStop: boolean;
}

export interface RunHooks {
  /** Something in the run changed (a member, the run's state or message). */
  changed(run: FleetRunControl): void;
  /** A member freed or may take a slot: every run may start members now. */
  schedule(): void;
  /** Resources members of any run hold now (fleet-resources.ts). */
  busyResources(): ReadonlySet<string>;
  /** A member's job started: route that job's changes to this run. */
  jobStarted(jobId: string, run: FleetRunControl): void;
}

const RETRIED: FleetMemberState[] = ['failed', 'rolled-back'];

export class FleetRunControl {
  readonly id = randomUUID();
  private readonly createdAt = Date.now();
  private endedAt: number | null = null;
  private message: string | null = null;
  private readonly slots: Slot[];
  /** Stop on failure tripped, or a staged run's pilot failed: nothing new starts. */
  private stopped = false;
  private cancelled = false;
  private pilotProven = false;
  private readonly host: FleetHost;
  private readonly request: FleetRequest;
  private readonly images: ImageInfo[];
  private readonly credentialsFor: Record<string, Credentials>;
  private readonly hooks: RunHooks;

  constructor(
    host: FleetHost,
    request: FleetRequest,
    images: ImageInfo[],
    devices: Device[],
    credentialsFor: Record<string, Credentials>,
    hooks: RunHooks,
  ) {
    this.host = host;
    this.request = request;
    this.images = images;
    this.credentialsFor = credentialsFor;
    this.hooks = hooks;
    this.slots = devices.map((device, index) => ({
      member: {
        deviceId: device.id,
        deviceName: device.name,
        transport: device.transport,
        imageId: null,
        fileName: null,
        state: 'waiting',
        jobId: null,
        message: null,
        attempt: 1,
        pilot: request.staged && index === 0,
      },
      protocol: device.protocol,
      planning: null,
      turn: null,
      skippedByStop: false,
    }));
  }

  snapshot(): FleetRun {
    const members = this.slots.map((slot) => ({ ...slot.member }));
    const { commitPolicy, concurrency, stopOnFailure, skipOffline, onlyOutdated, staged, mode } = this.request;
    return {
      id: this.id,
      createdAt: this.createdAt,
      endedAt: this.endedAt,
      state: runStateOf(members),
      images: this.images.map(({ imageId, fileName, version, format, size }) => ({
        imageId,
        fileName,
        version,
        format,
        size,
      })),
      options: { commitPolicy, concurrency, stopOnFailure, skipOffline, onlyOutdated, staged, mode },
      members,
      totals: totalsOf(members),
      message: this.message,
    };
  }

  get ended(): boolean {
    return this.endedAt !== null;
  }

  /** Resources its planning and running members hold. */
  heldResources(): string[] {
    return this.slots
      .filter((slot) => holdsSlot(slot.member.state))
      .map((slot) => this.resourceOf(slot.member))
      .filter((resource): resource is string => resource !== null);
  }

  /** Starts every member the scheduler allows now. */
  pump(): void {
    const starts = membersToStart({
      members: this.slots.map((slot) => slot.member),
      concurrency: this.request.concurrency,
      mayStart: !this.stopped && !this.cancelled,
      pilotPending: this.request.staged && !this.pilotProven,
      resourceOf: (member) => this.resourceOf(member),
      busyResources: this.hooks.busyResources(),
    });
    for (const index of starts) this.begin(this.slots[index]!);
  }

  jobChanged(job: Job): void {
    const slot = this.slots.find((s) => s.member.jobId === job.id);
    if (slot) this.follow(slot, job);
  }

  cancel(): void {
    if (this.ended) return;
    this.cancelled = true;
    this.message = runCancelled();
    for (const slot of this.slots) {
      const { member } = slot;
      if (member.state === 'waiting') this.settle(slot, 'cancelled', cancelledBeforeItsTurn());
      else if (member.state === 'planning') slot.planning?.abort();
      else if (member.jobId && (member.state === 'running' || member.state === 'awaiting-commit')) {
        try {
          this.host.cancelJob(member.jobId);
        } catch {
          // Committing or reverting already: it ends by itself and its job says how.
        }
      }
    }
    this.touched();
  }

  /** The members that failed or rolled back (and those the stop left out) wait for their turn again. */
  retry(): void {
    const again = this.slots.filter((slot) => RETRIED.includes(slot.member.state) || slot.skippedByStop);
    if (again.length === 0) throw new UpdateError('update-failed', nothingToRetry());
    for (const slot of again) {
      const pushed = slot.member.jobId !== null;
      Object.assign(slot.member, { state: 'waiting', jobId: null, message: null });
      if (pushed) slot.member.attempt++;
      slot.skippedByStop = false;
      if (slot.member.pilot) this.pilotProven = false;
    }
    this.stopped = false;
    this.cancelled = false;
    this.endedAt = null;
    this.message = null;
    this.touched();
  }

  /** "Commit all healthy": every member waiting for a decision gets a commit. */
  commitAll(): void {
    const awaiting = this.slots.filter((slot) => slot.member.state === 'awaiting-commit' && slot.member.jobId);
    if (awaiting.length === 0) throw new UpdateError('update-failed', nothingAwaitsCommit());
    const refusals: unknown[] = [];
    for (const slot of awaiting) {
      try {
        this.host.commitJob(slot.member.jobId!);
      } catch (error) {
        // The commit window ran out on this one: its job ends rolled back and says so.
        refusals.push(error);
      }
    }
    if (refusals.length === awaiting.length) throw refusals[0];
  }

  /** Resolves once no member is choosing its image and every job of the run has ended (closing). */
  async quiet(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.turn));
    const jobs = this.slots
      .filter((slot) => slot.member.jobId && !this.isOver(slot))
      .map((slot) => this.host.waitForJob(slot.member.jobId!).catch(() => null));
    await Promise.all(jobs);
  }

  private resourceOf(member: FleetMember): string | null {
    const slot = this.slots.find((s) => s.member === member);
    return resourceOf(member, slot?.protocol ?? null, this.request);
  }

  private isOver(slot: Slot): boolean {
    return isMemberTerminal(slot.member.state);
  }

  private begin(slot: Slot): void {
    slot.member.state = 'planning';
    slot.member.message = null;
    const controller = new AbortController();
    slot.planning = controller;
    this.touched();
    slot.turn = this.takeTurn(slot, controller.signal)
      .catch((error: unknown) => {
        if (controller.signal.aborted) this.settle(slot, 'cancelled', cancelledBeforeItsTurn());
        else this.settle(slot, 'failed', resultFromError(error).message);
      })
      .finally(() => {
        slot.planning = null;
        slot.turn = null;
        this.touched();
        this.hooks.schedule();
      });
  }

  private async takeTurn(slot: Slot, signal: AbortSignal): Promise<void> {
    const { member } = slot;
    const device = this.host.listDevices().find((d) => d.id === member.deviceId);
    if (!device) return this.settle(slot, 'failed', noLongerListed(member.deviceName));
    slot.protocol = device.protocol;
    const credentials = this.request.credentials ?? this.credentialsFor[device.id];
    const choice = await chooseImage(
      device,
      this.images,
      { skipOffline: this.request.skipOffline, onlyOutdated: this.request.onlyOutdated, credentials },
      (...args) => this.host.planPush(...args),
      signal,
    );
    if (signal.aborted) return this.settle(slot, 'cancelled', cancelledBeforeItsTurn());
    member.imageId = choice.image?.imageId ?? null;
    member.fileName = choice.image?.fileName ?? null;
    if (choice.kind === 'skip') return this.settle(slot, 'skipped', choice.message);

    const { commitPolicy, commitTimeoutSeconds, mode, otaListenPort } = this.request;
    const push: PushRequest = {
      deviceId: device.id,
      imageId: choice.image.imageId,
      commitPolicy,
      commitTimeoutSeconds,
      ...(credentials ? { credentials } : {}),
      ...(mode ? { mode } : {}),
      ...(otaListenPort ? { otaListenPort } : {}),
    };
    const job = this.host.push(push, this.id);
    member.jobId = job.id;
    this.hooks.jobStarted(job.id, this);
    this.follow(slot, job);
  }

  /** The member as its job now says. */
  private follow(slot: Slot, job: Job): void {
    const { member } = slot;
    if (this.isOver(slot)) return;
    const state = memberStateOf(job, this.request.commitPolicy);
    const message = isTerminal(job.state) ? memberMessageOf(job) : null;
    if (state === member.state && message === member.message) return;
    member.state = state;
    member.message = message;
    if (member.pilot && (state === 'succeeded' || state === 'awaiting-commit') && !this.pilotProven) {
      this.pilotProven = true;
      this.hooks.schedule();
    }
    if (this.isOver(slot)) this.memberEnded(slot);
    this.touched();
    if (this.isOver(slot)) this.hooks.schedule();
  }

  /** Ends a member without (or before) a job. */
  private settle(slot: Slot, state: FleetMemberState, message: string): void {
    if (this.isOver(slot)) return;
    slot.member.state = state;
    slot.member.message = message;
    if (state === 'skipped' && slot.member.pilot && !this.pilotProven) this.passPilotOn(slot);
    this.memberEnded(slot);
    this.touched();
  }

  /** A pilot left out (offline, already on the version): the next waiting board goes first instead. */
  private passPilotOn(slot: Slot): void {
    slot.member.pilot = false;
    const next = this.slots.find((s) => s.member.state === 'waiting');
    if (next) next.member.pilot = true;
  }

  private memberEnded(slot: Slot): void {
    const { member } = slot;
    const failed = member.state === 'failed' || member.state === 'rolled-back';
    if (this.request.staged && member.pilot && !this.pilotProven && member.state !== 'skipped' && !this.cancelled) {
      this.stop(stagedPilotFailed(member.deviceName), pilotNotHealthy(member.deviceName, member.message));
    } else if (failed && this.request.stopOnFailure && !this.stopped && !this.cancelled) {
      this.stop(stoppedAfterFirstFailure(member.deviceName), runStoppedAfter(member.deviceName));
    }
  }

  private stop(runMessage: string, memberMessage: string): void {
    this.stopped = true;
    this.message = runMessage;
    for (const slot of this.slots) {
      if (slot.member.state !== 'waiting') continue;
      slot.member.state = 'skipped';
      slot.member.message = memberMessage;
      slot.skippedByStop = true;
    }
  }

  private touched(): void {
    const over = this.slots.every((slot) => this.isOver(slot));
    if (over && this.endedAt === null) this.endedAt = Date.now();
    this.hooks.changed(this);
  }
}
