// SKELETON (issue 12, being built): runs fleet runs. See shared/fleet.ts and OtaEngine.startFleet.
import { EventEmitter } from 'node:events';
import type { Device, ImageInfo, Job, PushPlan, PushRequest } from '../../../shared/domain.ts';
import type { FleetRequest, FleetRun } from '../../../shared/fleet.ts';
import type { PlanOptions } from '../engine-api.ts';
import { UpdateError } from '../update-error.ts';

/** What a fleet run needs from the engine: the same calls a single push makes. */
export interface FleetHost {
  listDevices(): Device[];
  imageInfo(imageId: string): ImageInfo;
  planPush(deviceId: string, imageId: string, signal?: AbortSignal, options?: PlanOptions): Promise<PushPlan>;
  /** Starts a job for one member; `fleetId` lets the history record which run it belonged to. */
  push(request: PushRequest, fleetId: string): Job;
  getJob(jobId: string): Job;
  waitForJob(jobId: string, options?: { untilSettled?: boolean }): Promise<Job>;
  cancelJob(jobId: string): Job;
  commitJob(jobId: string): Job;
  onJobChanged(listener: (job: Job) => void): () => void;
}

const notYet = () => new UpdateError('update-failed', 'Fleet push is not built yet.');

export class FleetRunner extends EventEmitter<{ changed: [FleetRun] }> {
  private readonly host: FleetHost;
  constructor(host: FleetHost) {
    super();
    this.host = host;
  }
  start(_request: FleetRequest): FleetRun {
    void this.host;
    throw notYet();
  }
  list(): FleetRun[] {
    return [];
  }
  get(_fleetId: string): FleetRun {
    throw notYet();
  }
  cancel(_fleetId: string): FleetRun {
    throw notYet();
  }
  retry(_fleetId: string): FleetRun {
    throw notYet();
  }
  commitAll(_fleetId: string): FleetRun {
    throw notYet();
  }
  dismiss(_fleetId: string): void {
    throw notYet();
  }
  wait(_fleetId: string, _untilSettled = false): Promise<FleetRun> {
    return Promise.reject(notYet());
  }
  async close(): Promise<void> {}
}
