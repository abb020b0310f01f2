// What a fleet run needs from the engine: the same calls a single push makes. engine.ts hands its
// own methods over; the unit tests hand a scripted host.
import type { Device, ImageInfo, Job, PushPlan, PushRequest } from '../../../shared/domain.ts';
import type { Credentials, PlanOptions } from '../engine-api.ts';

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

/** What start() takes besides the request: each board's own saved credentials (the main process recalls them). */
export interface FleetStartOptions {
  /** Per device id; the request's `credentials`, when given, go to every board instead. */
  credentialsFor?: Record<string, Credentials>;
}
