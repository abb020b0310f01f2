// The engine's public surface. The Electron main process, the CLI and the Chromium test bridge all
// drive OTA Bench through this interface, so none of them knows about protocols or sockets.
// Nothing under electron/engine may import 'electron': the engine runs under plain Node. Types only,
// importing only shared/: every layer of the engine may name them (scripts/check-imports.js).
import type { DiscoveryStatus } from '../../shared/contract.ts';
import type {
  Device,
  DeviceStatus,
  ImageInfo,
  ImageSlotActionRequest,
  ImageSlotActionResult,
  Job,
  ProtocolId,
  PushPlan,
  PushRequest,
} from '../../shared/domain.ts';
import type { FleetRequest, FleetRun } from '../../shared/fleet.ts';
import type { HistoryEntry, HistoryQuery, InventoryDevice } from '../../shared/history.ts';
import type { SerialPortSettings } from '../../shared/domain.ts';

export interface Credentials {
  user: string;
  password: string;
}

export interface ResolveHints {
  protocol?: ProtocolId;
  credentials?: Credentials;
}

export interface PlanOptions {
  protocol?: ProtocolId;
  credentials?: Credentials;
}

export interface EngineEvents {
  devicesChanged: (devices: Device[]) => void;
  jobChanged: (job: Job) => void;
  discoveryChanged: (status: DiscoveryStatus) => void;
  fleetChanged: (run: FleetRun) => void;
  historyChanged: (entry: HistoryEntry) => void;
}

/** The file a past job sent, as recorded: what "push this image again" re-opens (the main process, the CLI). */
export interface RecordedImage {
  path: string;
  /** A user1/user2 pair's second file, when the job sent one member of a pair. */
  pairPath: string | null;
  sha256: string;
}

export interface OtaEngine {
  /** Starts every side's discovery (mDNS, Bluetooth scanning). Resolves once each has started or said why not. */
  startDiscovery(): Promise<void>;
  stopDiscovery(): Promise<void>;
  discoveryStatus(): DiscoveryStatus;
  listDevices(): Device[];
  /**
   * A discovered id or name (several matches are an error listing them), a Bluetooth address, or
   * host[:port] (probed; `hints` give credentials for a board behind a password and a protocol the
   * user named, honoured when the probe cannot tell).
   */
  resolveDevice(ref: string, signal?: AbortSignal, hints?: ResolveHints): Promise<Device>;
  deviceStatus(deviceId: string): Promise<DeviceStatus>;
  /**
   * A serial port's baud rate, flow control and whether OTA Bench may write to it; allowing a port probes
   * it for MCUmgr at once. Resolves with the port's row as it is after the change.
   */
  setSerialPort(settings: SerialPortSettings): Promise<Device>;
  /**
   * Commits / reverts the firmware a device is running uncommitted (Mongoose OS; MCUboot over SMP via
   * its slots), outside any job; a job waiting for that decision gets it instead.
   */
  commitDevice(deviceId: string): Promise<DeviceStatus>;
  revertDevice(deviceId: string): Promise<DeviceStatus>;
  /**
   * An SMP device's MCUboot slots: test, confirm, erase slot 1, reset (the slot panel), or commit /
   * revert as the CLI means them. Says what it did and what the next reset does, with the slots read
   * again after it. Refused while a push runs on the device.
   */
  imageSlotAction(
    request: ImageSlotActionRequest | { deviceId: string; action: 'commit' | 'revert' },
  ): Promise<ImageSlotActionResult>;

  /** Opens and inspects a file; the returned imageId is what `push` takes. */
  inspectImage(path: string): Promise<ImageInfo>;
  /**
   * One file, a user1/user2 pair (two files) or a build folder holding a pair. Throws UpdateError
   * with a sentence to act on when the paths do not make one image or pair.
   */
  inspectImages(paths: string[]): Promise<ImageInfo>;
  /**
   * What pushing this image to this device would send, and every pre-flight check (asks the board), for
   * the protocol the push will use (`options.protocol`, else the board's) with the credentials it will send.
   */
  planPush(deviceId: string, imageId: string, signal?: AbortSignal, options?: PlanOptions): Promise<PushPlan>;

  /** Validates the request, queues a job and returns it at once; progress arrives as jobChanged. */
  push(request: PushRequest): Job;
  listJobs(): Job[];
  getJob(jobId: string): Job;
  cancelJob(jobId: string): Job;
  commitJob(jobId: string): Job;
  revertJob(jobId: string): Job;
  /** Forgets a finished job. */
  dismissJob(jobId: string): void;
  /** Forgets the credentials given for a device (a device no longer listed has none to forget). */
  forgetCredentials(deviceId: string): void;
  /** Resolves when the job reaches a terminal state (or awaiting-commit with `untilSettled`). */
  waitForJob(jobId: string, options?: { untilSettled?: boolean }): Promise<Job>;

  /**
   * Several boards at once (fleet/fleet-runner.ts). Checks the devices and images exist, creates the
   * run and returns it at once; members start as slots free up, and fleetChanged reports each change.
   * `credentialsFor`: each board's own saved credentials (the main process recalls them), used where
   * the request names none for the whole run.
   */
  startFleet(request: FleetRequest, options?: { credentialsFor?: Record<string, Credentials> }): FleetRun;
  listFleets(): FleetRun[];
  getFleet(fleetId: string): FleetRun;
  cancelFleet(fleetId: string): FleetRun;
  /** Pushes again to the members that failed or rolled back; the run is running again. */
  retryFleet(fleetId: string): FleetRun;
  /** "Commit all healthy": every member awaiting a decision is committed. */
  commitFleet(fleetId: string): FleetRun;
  dismissFleet(fleetId: string): void;
  /** Resolves when the run has ended (or, with untilSettled, also when it waits for "Commit all healthy"). */
  waitForFleet(fleetId: string, options?: { untilSettled?: boolean }): Promise<FleetRun>;

  /** The push history (history/history-store.ts), newest first. */
  listHistory(query?: HistoryQuery): HistoryEntry[];
  /** One row with the last lines of its job's log. */
  historyEntry(jobId: string): HistoryEntry;
  /** The rows the query selects as CSV (a header line, RFC 4180 quoting) or JSON (an array). */
  exportHistory(format: 'csv' | 'json', query?: HistoryQuery): { text: string; rows: number };
  /** Where the file a past job sent was, and its SHA-256 then (the caller re-inspects and compares). */
  recordedImage(jobId: string): RecordedImage;
  /** Every device ever seen, with this process's online view merged in. */
  listInventory(): InventoryDevice[];
  setDeviceNote(deviceId: string, note: { label: string | null; notes: string | null }): InventoryDevice;

  on<K extends keyof EngineEvents>(event: K, listener: EngineEvents[K]): () => void;
  /** Stops discovery, cancels running jobs, closes sockets. */
  close(): Promise<void>;
}
