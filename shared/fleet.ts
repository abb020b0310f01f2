// A fleet run as every end sees it: the engine (fleet/), the CLI (push to several boards) and the
// fleet card in the renderer. Plain data: it crosses IPC and is printed as JSON by the CLI.
// The jobs themselves stay Jobs (domain.ts): a member names its job by id and the job's own
// jobChanged events carry phase, progress and the board's words, so a run never copies them.
import type { z } from 'zod';
import type { fleetRequestSchema } from './request-schemas.ts';
import type { ImageInfo, Transport } from './domain.ts';

export type FleetRequest = z.infer<typeof fleetRequestSchema>;

/**
 * One board's place in a run. `waiting` for a slot, `planning` (choosing its image, the pre-flight
 * checks), `running` (its job works), `awaiting-commit` (healthy, waiting for "Commit all healthy"),
 * then one terminal state; `skipped` says why in `message` (offline, already on that version, no image
 * fits, the run stopped before its turn).
 */
export type FleetMemberState =
  | 'waiting'
  | 'planning'
  | 'running'
  | 'awaiting-commit'
  | 'succeeded'
  | 'failed'
  | 'rolled-back'
  | 'skipped'
  | 'cancelled';

export const FLEET_MEMBER_TERMINAL: readonly FleetMemberState[] = [
  'succeeded',
  'failed',
  'rolled-back',
  'skipped',
  'cancelled',
];

export interface FleetMember {
  deviceId: string;
  deviceName: string;
  transport: Transport;
  /** The run's image this board gets (its plan chose it); null until chosen, or when none fits. */
  imageId: string | null;
  fileName: string | null;
  state: FleetMemberState;
  /** The job pushing to it (its latest attempt); null before it starts or when skipped. */
  jobId: string | null;
  /** Why it was skipped, or the result's sentence once it ended; null while nothing needs saying. */
  message: string | null;
  /** 1 for the first push, +1 for each "Retry failed". */
  attempt: number;
  /** The staged rollout's first board. */
  pilot: boolean;
}

export interface FleetTotals {
  waiting: number;
  running: number;
  awaitingCommit: number;
  succeeded: number;
  failed: number;
  rolledBack: number;
  skipped: number;
  cancelled: number;
}

export type FleetRunState = 'running' | 'awaiting-commit' | 'ended';

export interface FleetRun {
  id: string;
  createdAt: number;
  endedAt: number | null;
  /** `awaiting-commit`: nothing runs and healthy boards wait for "Commit all healthy" (prompt policy). */
  state: FleetRunState;
  images: Array<Pick<ImageInfo, 'imageId' | 'fileName' | 'version' | 'format' | 'size'>>;
  options: Pick<
    FleetRequest,
    'commitPolicy' | 'concurrency' | 'stopOnFailure' | 'skipOffline' | 'onlyOutdated' | 'staged' | 'mode'
  >;
  members: FleetMember[];
  totals: FleetTotals;
  /** What the run as a whole did, when it did something of its own ("stopped after the first failure"). */
  message: string | null;
}
