// The push history and the device inventory as every end sees them: the engine's SQLite store
// (electron/engine/history/), the CLI (`history`, `devices`) and the History view. Plain data.
// "Pushed" and "reported" are kept apart on purpose: what we sent is not proof of what the board runs
// (ESPHome's dashboard mixes the two and misleads its users); only the version a board reports after
// its reboot says what runs.
import type { z } from 'zod';
import type { historyQuerySchema, historyResultSchema } from './request-schemas.ts';
import type {
  CommitPolicy,
  JobLogEntry,
  JobState,
  ProtocolId,
  ResultCode,
  SmpCommitMode,
  Transport,
} from './domain.ts';

export type HistoryQuery = z.infer<typeof historyQuerySchema>;
/** success = updated or committed; interrupted = the process died while the job ran (found at the next start). */
export type HistoryResult = z.infer<typeof historyResultSchema>;

/** What identified the board when the job ran (any may be null). */
export interface DeviceIdentities {
  /** mDNS TXT id, e.g. `esp32_0A1B2C`. */
  mdnsId: string | null;
  mac: string | null;
  bleAddress: string | null;
  hostname: string | null;
  /** The IP address (LAN) at the time. */
  address: string | null;
}

/** One push, one row: written at every state change, so a crash loses at most the last change. */
export interface HistoryEntry {
  jobId: string;
  /** The fleet run it belonged to; null for a single push. */
  fleetId: string | null;
  startedAt: number;
  endedAt: number | null;
  deviceId: string;
  deviceName: string;
  identities: DeviceIdentities;
  protocol: ProtocolId;
  fileName: string;
  size: number;
  sha256: string;
  /** The version the file declares, when it does. */
  imageVersion: string | null;
  /** Read from the board before the push. */
  fromVersion: string | null;
  /** Reported by the board after its reboot; null when it reports none (never the file's own version). */
  toVersion: string | null;
  commitPolicy: CommitPolicy;
  mode: SmpCommitMode | null;
  /** The job's last state, or `interrupted` when its process died first. */
  state: JobState | 'interrupted';
  result: HistoryResult;
  /** Every state the job passed, with its time (epoch ms). */
  states: Array<{ state: JobState | 'interrupted'; at: number }>;
  resultCode: ResultCode | null;
  message: string | null;
  /** What the board itself said, verbatim. */
  deviceMessage: string | null;
  bytesSent: number;
  durationMs: number | null;
  /** Average over the transfer, bytes per second; null when nothing was sent. */
  bytesPerSecond: number | null;
  /** Resumed or restarted uploads, re-sent invitations: what the job's log counts as another try. */
  retries: number;
  /** Which OTA Bench ran it ("the OTA Bench app", "the OTA Bench CLI"). */
  initiatedBy: string;
  /** The last lines of the job's log (the list leaves them out; `historyEntry` has them). */
  log?: JobLogEntry[];
}

/** Every board ever seen, online or not, with what we know of it. */
export interface InventoryDevice {
  deviceId: string;
  name: string;
  transport: Transport;
  protocol: ProtocolId;
  identities: DeviceIdentities;
  firstSeen: number;
  lastSeen: number;
  /** Listed online right now by this process's discovery (the CLI: during its own discovery). */
  online: boolean;
  /** The version the board itself last reported, and when. */
  reportedVersion: string | null;
  reportedAt: number | null;
  /** The last image we pushed to it, whatever its result. */
  lastPush: {
    jobId: string;
    fileName: string;
    sha256: string;
    imageVersion: string | null;
    at: number;
    result: HistoryResult;
  } | null;
  /**
   * Whether the board reported the pushed image's version after that push: true, false (it runs
   * something else: rolled back, or never came back), or null (the image declares no version, or the
   * board reports none).
   */
  reportedPushedVersion: boolean | null;
  /** The user's own label and notes. */
  label: string | null;
  notes: string | null;
}
