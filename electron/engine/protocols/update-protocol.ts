// One interface for every way of getting firmware onto a board. A protocol knows its wire format
// and the board's words; the job runner knows phases, timeouts and the state machine.
import type { Device, FlashSlots, ImageInfo, PreflightCheck, ProtocolId } from '../../../shared/domain.ts';
import type { Target } from '../net/http-client.ts';
import type { FileToSend, HttpUploadTimeouts } from '../net/stream-upload.ts';

/** What a board says about itself (Mongoose Sys.GetInfo, ESPHome TXT…). */
export interface FirmwareInfo {
  version: string | null;
  firmwareId: string | null;
  /** Seconds since boot, when the board reports it: proves a reboot happened. */
  uptimeSeconds: number | null;
  identity: string | null;
  arch: string | null;
  app: string | null;
  mac: string | null;
  /** ESP8266 user1/user2 boards: the slot running now (esp-link). */
  runningSlot?: 1 | 2 | null;
}

export interface BootState {
  committed: boolean;
  activeSlot: number;
  revertSlot: number;
  commitTimeoutSeconds: number;
  /**
   * Uncommitted firmware: seconds until the board reverts by itself, by its own clock (the watchdog is
   * armed at boot for commit_timeout, so commit_timeout − uptime); null when committed or unknown.
   */
  revertsInSeconds?: number | null;
  /** The version it runs, when the same read told it (Sys.GetInfo fw_version). */
  runningVersion?: string | null;
}

export interface ImageOnDisk {
  /** The file; for a user1/user2 pair, the folder or first file it came from (never sent). */
  path: string;
  info: ImageInfo;
  /** A user1/user2 pair: the two files, slot 1 first (info.members describes them). */
  members?: ImageOnDisk[];
  /** Modification time when it was inspected: a push refuses a file changed since. */
  mtimeMs?: number | null;
}

/** What an upload must send: this file, still as it was inspected (size, time, SHA-256). */
export const fileToSend = (image: ImageOnDisk): FileToSend => ({
  path: image.path,
  size: image.info.size,
  sha256: image.info.sha256,
  mtimeMs: image.mtimeMs ?? null,
});

export interface PlanInput {
  image: ImageOnDisk;
  device: Device;
  target: Target;
  signal?: AbortSignal;
}

/** What a protocol decided before a push: which file goes, why, and what it checked. */
export interface ProtocolPlan {
  send: ImageOnDisk;
  reason: string | null;
  slots: FlashSlots | null;
  checks: PreflightCheck[];
}

export interface PushContext {
  target: Target;
  image: ImageOnDisk;
  credentials: { user: string; password: string } | null;
  commitTimeoutSeconds: number;
  /** ArduinoOTA: the port the board connects back to, as the push asked; absent: the protocol's default. */
  otaListenPort?: number;
  /** What the plan read from the board (esp-link), so the push can notice if it changed since. */
  slots?: FlashSlots | null;
  timeouts: HttpUploadTimeouts;
  signal: AbortSignal;
  onBytes(sent: number): void;
  log(text: string): void;
}

export interface PushOutcome {
  /** What the board answered, verbatim and trimmed. */
  deviceMessage: string | null;
  /** Whether the board reboots by itself now (all #2 protocols do). */
  rebootsByItself: boolean;
  /** The slot the board should run after the reboot; coming back in another one means it rolled back. */
  expectedSlot?: 1 | 2;
  /** The board reboots this long after answering (esp-link: 2 s): look for it going down at least that long. */
  rebootAfterMs?: number;
}

/** A protocol's own judgement of whether a board speaks it (used when the user forces a protocol). */
export interface Recognition {
  verdict: 'yes' | 'no' | 'unknown';
  /** What the board answered, in words. */
  detail: string;
}

export interface UpdateProtocol {
  id: ProtocolId;
  /** Asks the board the question only this protocol's firmware answers; never sends firmware. */
  recognise?(target: Target, signal?: AbortSignal): Promise<Recognition>;
  /**
   * The board has nothing to ask without starting an update (ArduinoOTA's port takes only
   * invitations): readFirmware always rejects, so a job skips the read before the push, and after it
   * takes the board's fresh mDNS announcement as the sign it is back.
   */
  silentBoard?: true;
  /** Pushes the image; throws UpdateError with the right result code on any failure. */
  push(context: PushContext): Promise<PushOutcome>;
  /**
   * Reads what the board runs. Resolves null when the board answers but reports nothing useful;
   * rejects when it cannot be reached (used to notice the reboot).
   */
  readFirmware(target: Target, signal?: AbortSignal): Promise<FirmwareInfo | null>;
  /** Checks the image against the device before sending a byte; returns a reason to refuse, or null. */
  preflight?(image: ImageOnDisk, device: { arch: string | null }): Promise<string | null>;
  /**
   * The richer form of preflight for protocols that pick the file and check it against the board
   * (esp-link: the slot it asks for, its flash map and room). Talks to the board; throws UpdateError
   * when it cannot be reached.
   */
  plan?(input: PlanInput): Promise<ProtocolPlan>;
  /** After a rollback: what the board says about why it restarted, as a short phrase, or null. */
  lastResetCause?(target: Target, signal?: AbortSignal): Promise<string | null>;
  /** The board's user1/user2 slots, for `status` and the slot panel. */
  readSlots?(target: Target, signal?: AbortSignal): Promise<FlashSlots>;
  /** Present only where the firmware has test-then-commit semantics (Mongoose OS). */
  commitControl?: {
    bootState(target: Target, signal?: AbortSignal): Promise<BootState>;
    commit(target: Target): Promise<void>;
    revert(target: Target): Promise<void>;
  };
}

export const EMPTY_FIRMWARE_INFO: FirmwareInfo = {
  version: null,
  firmwareId: null,
  uptimeSeconds: null,
  identity: null,
  arch: null,
  app: null,
  mac: null,
};
