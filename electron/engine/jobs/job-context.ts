// What every job sequence gets from the job manager, the timeouts it works under, and the one shape a
// sequence has. The LAN sequence (job-runner.ts) and the SMP one (smp-job.ts) both build on this file
// and neither imports the other; the sides (sides/) hand the manager a JobSequence for each push.
import type { Device, Job, JobState, ProtocolId, PushRequest } from '../../../shared/domain.ts';
import { DEFAULT_UPLOAD_TIMEOUTS, type HttpUploadTimeouts } from '../net/stream-upload.ts';
import type { ImageOnDisk, UpdateProtocol } from '../protocols/update-protocol.ts';
import type { CommitDecisions } from './commit-decisions.ts';

export interface JobTimeouts {
  upload: HttpUploadTimeouts;
  rebootGoneMs: number;
  rebootComeBackMs: number;
  pollMs: number;
  /** How long a board may wait after its commit deadline before we call the rollback overdue. */
  rollbackGraceMs: number;
  /** --commit auto: the new firmware must stay up and healthy this long before we commit it. */
  healthSeconds: number;
  /** For boards without a version endpoint: how long to wait for mDNS to re-announce a version. */
  versionAnnounceMs: number;
}

export const DEFAULT_JOB_TIMEOUTS: JobTimeouts = {
  upload: DEFAULT_UPLOAD_TIMEOUTS,
  rebootGoneMs: 5_000,
  rebootComeBackMs: 90_000,
  pollMs: 500,
  rollbackGraceMs: 120_000,
  healthSeconds: 10,
  versionAnnounceMs: 5_000,
};

/** What any job sequence gets from the job manager. */
export interface JobContext {
  job(): Job;
  update(patch: Partial<Job>): void;
  setState(state: JobState, patch?: Partial<Job>): void;
  log(text: string): void;
  request: PushRequest;
  image: ImageOnDisk;
  /** The device as its side knows it now (address may change while we wait). */
  device(): Device;
  timeouts: JobTimeouts;
  signal: AbortSignal;
  decisions: CommitDecisions;
}

/** The LAN sequence also gets the protocol that speaks to the board. */
export interface RunnerContext extends JobContext {
  protocol: UpdateProtocol;
}

/**
 * One push as the device's side runs it: the job manager owns the job list, the states' bookkeeping,
 * the board lock and cancellation; the sequence owns every step on the wire. A failure is thrown (an
 * UpdateError with its result code); success ends in a terminal setState.
 */
export interface JobSequence {
  /** The protocol the job card reports. */
  protocolId: ProtocolId;
  /** Where the job goes, in words for the card ("192.168.1.20:80", "BLE c0:de:…"). */
  target: string;
  /** The device as its side knows it now: a board may move while it reboots. */
  currentDevice(): Device;
  run(ctx: JobContext): Promise<void>;
}
