// One interface for every way of getting firmware onto a board. A protocol knows its wire format
// and the board's words; the job runner knows phases, timeouts and the state machine.
import type { ImageInfo, ProtocolId } from '../../../shared/domain.ts';
import type { Target } from '../net/http-client.ts';
import type { UploadTimeouts } from '../net/multipart-upload.ts';

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
}

export interface BootState {
  committed: boolean;
  activeSlot: number;
  revertSlot: number;
  commitTimeoutSeconds: number;
}

export interface ImageOnDisk {
  path: string;
  info: ImageInfo;
}

export interface PushContext {
  target: Target;
  image: ImageOnDisk;
  credentials: { user: string; password: string } | null;
  commitTimeoutSeconds: number;
  timeouts: UploadTimeouts;
  signal: AbortSignal;
  onBytes(sent: number): void;
  log(text: string): void;
}

export interface PushOutcome {
  /** What the board answered, verbatim and trimmed. */
  deviceMessage: string | null;
  /** Whether the board reboots by itself now (all #2 protocols do). */
  rebootsByItself: boolean;
}

export interface UpdateProtocol {
  id: ProtocolId;
  /** Pushes the image; throws UpdateError with the right result code on any failure. */
  push(context: PushContext): Promise<PushOutcome>;
  /**
   * Reads what the board runs. Resolves null when the board answers but reports nothing useful;
   * rejects when it cannot be reached (used to notice the reboot).
   */
  readFirmware(target: Target, signal?: AbortSignal): Promise<FirmwareInfo | null>;
  /** Checks the image against the device before sending a byte; returns a reason to refuse, or null. */
  preflight?(image: ImageOnDisk, device: { arch: string | null }): Promise<string | null>;
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
