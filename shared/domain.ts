// Domain types shared by the engine, the CLI, the Electron main process and the renderer.
// Plain data only (no classes, no functions): every value here crosses the IPC boundary or is
// printed as JSON by the CLI, so it must survive structured cloning and JSON.stringify unchanged.
// What a caller sends (a push, a slot action, the ids in them) is derived from the zod schemas in
// request-schemas.ts, so the type and the validation cannot say different things.
import type { z } from 'zod';
import type {
  commitPolicySchema,
  imageSlotActionSchema,
  protocolIdSchema,
  pushRequestSchema,
  serialPortSettingsSchema,
  smpCommitModeSchema,
} from './request-schemas.ts';

/** The update protocols OTA Bench can identify. Pushing over some of them arrives in later issues. */
export type ProtocolId = z.infer<typeof protocolIdSchema>;

export const PROTOCOL_LABELS: Record<ProtocolId, string> = {
  'mongoose-os': 'Mongoose OS',
  'arduino-esp8266': 'Arduino ESP8266 HTTPUpdateServer',
  'arduino-esp32': 'Arduino ESP32 HTTPUpdateServer',
  'esphome-web': 'ESPHome web OTA',
  'esphome-native': 'ESPHome native OTA',
  'esp-link': 'esp-link (user1/user2)',
  'arduino-ota': 'ArduinoOTA (espota)',
  'mcumgr-smp': 'MCUmgr/SMP',
  'mongoose-os-ble': 'Mongoose OS RPC over BLE',
  'esp-ble-ota': 'Espressif BLE OTA',
  unknown: 'Unknown',
};

/**
 * How OTA Bench reaches a device: the LAN (HTTP and mDNS; MCUmgr over UDP port 1337 for a board added as
 * `udp://host[:port]`), Bluetooth Low Energy, or a serial port (USB CDC-ACM or a UART adapter).
 */
export type Transport = 'lan' | 'ble' | 'serial';

/** A change to a serial port's settings: exactly what `serialPortSettingsSchema` accepts. */
export type SerialPortSettings = z.infer<typeof serialPortSettingsSchema>;

/** Flow control on a serial port: none, or RTS/CTS hardware handshake. */
export type SerialFlowControl = 'none' | 'rts-cts';

/** What OTA Bench knows of a serial port, listed beside the LAN and BLE boards. */
export interface SerialPortFacts {
  /** The OS path: /dev/ttyACM0, /dev/cu.usbmodem1101, COM5. */
  path: string;
  /** USB ids as 4 lowercase hex digits, when the port is a USB device. */
  vendorId: string | null;
  productId: string | null;
  manufacturer: string | null;
  serialNumber: string | null;
  /** The board family its USB ids name ("Nordic nRF52840 DK (J-Link)", "Zephyr CDC-ACM"); null when unknown. */
  knownBoard: string | null;
  baudRate: number;
  flowControl: SerialFlowControl;
  /** The user allowed OTA Bench to write to this port (probing and pushing); ports with a known USB id are allowed by default. */
  allowed: boolean;
  /**
   * What the SMP probe found: `smp` it answered MCUmgr; `silent` it did not answer in time (no MCUmgr on
   * this port, another baud rate, or the application is busy); `busy` another program holds the port;
   * `error` opening it failed (message says why); `unprobed` not asked (not allowed, or not yet).
   */
  probe: 'unprobed' | 'probing' | 'smp' | 'silent' | 'busy' | 'error';
  /** The probe's finding in one sentence. */
  probeMessage: string | null;
}

/** How we learnt which protocol a device speaks: shown in the UI so a wrong guess can be explained. */
export type ProtocolEvidence = 'txt' | 'service-type' | 'probe' | 'user' | 'usb-id';

export interface Device {
  /**
   * Stable identity: `id:<TXT id>`, `mac:<mac>`, else `host:<mdns host name>` or `addr:<ip:port>`;
   * BLE devices are `ble:<radio's peripheral id>`; serial ports `serial:usb:<vid>:<pid>:<serial number>` when
   * the port has a USB serial number (stable across re-plugging onto another path), else `serial:<path>`;
   * MCUmgr boards over UDP `udp:<host>:<port>`.
   */
  id: string;
  transport: Transport;
  /** Display name, sanitised (printable, length-limited). */
  name: string;
  /** mDNS host name (e.g. `mOS-esp32-1A2B3C.local`), when announced. */
  hostname: string | null;
  /** Current IPv4/IPv6 address (changes with a new DHCP lease); for BLE, the Bluetooth address. */
  address: string | null;
  port: number;
  protocol: ProtocolId;
  protocolEvidence: ProtocolEvidence;
  /** True when pushing to this protocol is implemented (esp-link and espota come in later issues). */
  pushSupported: boolean;
  firmwareVersion: string | null;
  firmwareId: string | null;
  app: string | null;
  arch: string | null;
  mac: string | null;
  /**
   * mDNS service types this device announced, e.g. `_http._tcp` (empty for manually added hosts);
   * for BLE, the names of the update services it advertises ("MCUmgr SMP").
   */
  services: string[];
  /** BLE: signal strength of the last advertisement, dBm; null on the LAN. */
  rssi: number | null;
  online: boolean;
  /** Epoch milliseconds of the last announcement or successful probe. */
  lastSeen: number;
  /** The board asked for credentials (TXT auth_upload=yes, or a 401). */
  authRequired: boolean;
  /** How it asks, when a 401 said so: `HTTP Digest (realm "RPC", MD5)`. */
  authChallenge?: string | null;
  /** What the probe saw when it could not tell the protocol (each question and the answer). */
  probeNote?: string | null;
  /**
   * LAN: another address claims to be this board and has not proved it (the identity its protocol
   * reports, asked without credentials). Jobs, status and credentials stay with `address` meanwhile.
   */
  addressChange?: AddressChange | null;
  /** Sanitised TXT key/values, merged over all services of this device. */
  txt: Record<string, string>;
  /** Test-then-commit firmware (Mongoose OS): what the board last said, whoever pushed it. */
  commitState?: DeviceCommitState | null;
  /** Serial ports only: the port, its settings and what the SMP probe found. */
  serial?: SerialPortFacts | null;
}

/** A new address for a known board, until it proves it is the same board (discovery/verify-address.ts). */
export interface AddressChange {
  /** The address that appeared. */
  address: string;
  /** checking: being asked which board it is; unverified: it could not prove it; different-device: it reported another identity. */
  state: 'checking' | 'unverified' | 'different-device';
  /** In words, for the row and the CLI. */
  message: string;
}

/** Whether a board runs its firmware committed; uncommitted firmware reverts by itself at `revertsAt`. */
export interface DeviceCommitState {
  committed: boolean;
  /** The version it runs, when the read told it. */
  version: string | null;
  /** Epoch ms at which uncommitted firmware reverts, from the board's own remaining time; null when committed or unknown. */
  revertsAt: number | null;
  /** Epoch ms of the read. */
  readAt: number;
}

export type ImageFormatId =
  'mongoose-fw-zip' | 'esp-app' | 'esp8266-ota-v2' | 'gzip' | 'mcuboot' | 'esp8266-ota-pair' | 'littlefs' | 'unknown';

export interface ImageFact {
  label: string;
  value: string;
}

/**
 * Which ESP8266 slot (user1 at 0x1000 / user2 at 0x81000) a v2 image was linked for, and the evidence.
 * The header does not record it (lan-protocols.md §2.3), so we weigh the file name, header byte 3
 * and the irom addresses the code refers to.
 */
export interface SlotEvidence {
  /** Our verdict: the slot the code can run from; null when the evidence cannot tell. */
  linkedSlot: 1 | 2 | null;
  /** `user1…`/`user2…` or esptool's `…-0x01000.bin`/`…-0x81000.bin`. */
  byFileName: 1 | 2 | null;
  /** Outer header byte 3: the app number (1/2) on SDK ≥ 2.0 builds, 0/1 from esp-link's Makefile. */
  headerByte3: number;
  /** Aligned little-endian words pointing into slot 1's / slot 2's irom window. */
  iromReferences: { slot1: number; slot2: number };
  /** False when the references cannot decide (1024+1024 maps link both slots alike; too few words). */
  iromDecisive: boolean;
  /** Flash layout from the inner header's size map, e.g. `512+512`. */
  layout: string;
  /** Size map nibble of the inner header (SDK `enum flash_size_map`). */
  sizeMap: number;
  /** One sentence a developer can read: "linked for slot 2: 788 of 838 irom references…". */
  summary: string;
  /** Set when the name and the code disagree ("named user1.bin but linked for slot 2"). */
  contradiction: string | null;
}

export interface ImageInfo {
  /** Handle the main process gives out for a file it opened; pushes refer to it, never to a path. */
  imageId: string;
  fileName: string;
  size: number;
  sha256: string;
  format: ImageFormatId;
  formatLabel: string;
  /** Human-readable facts about the file (version, platform, entry point, flash size…). */
  facts: ImageFact[];
  /** Firmware version the image carries, when the format records one. */
  version: string | null;
  /** Protocols this image can be pushed with. */
  pushableWith: ProtocolId[];
  /** Things worth knowing that do not stop a push. */
  warnings: string[];
  /** Set when the file cannot be pushed at all (truncated, HTML saved as .bin…): a sentence to act on. */
  problem: string | null;
  /** ESP8266 user1/user2 images only. */
  slotEvidence: SlotEvidence | null;
  /** A user1/user2 pair (format `esp8266-ota-pair`): the two files, slot 1 first. Null otherwise. */
  members: ImageInfo[] | null;
}

export type CheckStatus = 'pass' | 'warn' | 'fail';

/** One pre-flight check of an image against a device, shown before a byte is sent. */
export interface PreflightCheck {
  id: string;
  label: string;
  status: CheckStatus;
  detail: string;
  /**
   * A failure the user may override ("Push anyway"): evidence that is strong but not certain, such
   * as the slot an image was linked for. Failures that the board itself would reject are not.
   */
  overridable: boolean;
}

/** An ESP8266 board's two slots as esp-link reports them. */
export interface FlashSlots {
  /** Slot running now (`/system/info` partition), 1 or 2. */
  runningSlot: 1 | 2 | null;
  /** Slot the board will write next (`/flash/next`). */
  nextSlot: 1 | 2 | null;
  /** The board's flash map, as it says it (`4MB:512/512`). */
  flashMap: string | null;
  /** Largest image the next slot takes, in bytes. */
  slotRoom: number | null;
}

export interface PushPlan {
  deviceId: string;
  imageId: string;
  protocol: ProtocolId;
  /** The file that will be sent: the image itself, or the pair member the board asked for. */
  send: Pick<ImageInfo, 'imageId' | 'fileName' | 'size' | 'sha256'> | null;
  /** Why that file, in one sentence ("The board runs user1.bin, so it takes user2.bin next."). */
  reason: string | null;
  slots: FlashSlots | null;
  /** SMP devices: the image slots the device lists. */
  imageSlots: SmpImageSlot[] | null;
  /**
   * SMP devices: what the bootloader can do with the upload. `stateWrites: false` → upload then reset,
   * no test/confirm step: the commit mode does not apply (the "Bootloader" check says so). Absent: not read.
   */
  bootMode?: SmpBootMode | null;
  checks: PreflightCheck[];
  /** `needs-override`: only overridable checks failed; the push goes ahead with `override: { planFingerprint }`. */
  verdict: 'ready' | 'needs-override' | 'refused';
  /** What stops the push, when something does. */
  message: string | null;
  /**
   * Hash of the device, the image and the checks that failed (jobs/plan-fingerprint.ts): "Push anyway"
   * sends it, and the engine takes the override only if the plan made at push time has the same.
   */
  fingerprint: string;
}

/** One MCUboot image slot as an SMP device lists it (image state read, ble-protocols.md §1.5). */
export interface SmpImageSlot {
  /** Image number; 0 unless the device has several updatable images. */
  image: number;
  /** 0 = primary (runs), 1 = secondary (where uploads go). */
  slot: number;
  version: string;
  /** SHA-256 from the image's TLV, hex (what test/confirm refer to). */
  hash: string;
  bootable: boolean;
  pending: boolean;
  confirmed: boolean;
  active: boolean;
  permanent: boolean;
}

/**
 * What happens after an SMP upload (ble-protocols.md §1.10): test-and-confirm marks the image for one
 * boot, resets and confirms once it runs (a crash reverts); confirm-only makes it permanent before the
 * reset (no way back); test-only resets into it and leaves confirming to you or the firmware.
 */
export type SmpCommitMode = z.infer<typeof smpCommitModeSchema>;

export const SMP_COMMIT_MODES: Record<SmpCommitMode, { label: string; description: string }> = {
  'test-and-confirm': {
    label: 'Test, then confirm',
    description:
      'Boot it once as a test and confirm it once it runs; if it does not come up, MCUboot goes back to the old image.',
  },
  'confirm-only': {
    label: 'Confirm at once',
    description: 'Make it permanent before the reset: no rollback if it does not work.',
  },
  'test-only': {
    label: 'Test only',
    description:
      'Boot it once as a test and leave it unconfirmed: the next reset goes back unless the firmware or you confirm it.',
  },
};

/** What a button of the MCUboot slot panel asks of an SMP device (ble-protocols.md §1.4, §1.10). */
export type ImageSlotActionKind = z.infer<typeof imageSlotActionSchema>['action'];

/**
 * The engine's view of a slot action: one shape for every action, where `imageSlotActionSchema` ties
 * each action to its slots. shared/contract.ts asserts at compile time that every request the schema
 * accepts fits this shape and that both name the same fields.
 */
export interface ImageSlotActionRequest {
  deviceId: string;
  action: ImageSlotActionKind;
  /** test/erase: 1; confirm: 0 (the running image) or 1 (permanent swap); reset: none. */
  slot?: number;
  /** The slot's image hash as the panel showed it: refused when the slot holds another image by now. */
  hash?: string;
}

/** What a slot action (or the CLI's commit/revert on an SMP device) did, and the slots after it. */
export interface ImageSlotActionResult {
  deviceId: string;
  action: ImageSlotActionKind | 'commit' | 'revert';
  /** False when the device refused, or the action could not be done as asked (the message says why). */
  done: boolean;
  /** What was done, in words. */
  message: string;
  /** What the next reset does, from the slots as read again after the action. */
  nextReset: string;
  /** The slots as the device lists them after the action; null when they could not be read. */
  imageSlots: SmpImageSlot[] | null;
  firmwareVersion: string | null;
}

/** How an SMP upload uses its link (BLE, serial or UDP), shown beside the rate. */
/**
 * What an SMP board's bootloader does with an upload (os group "bootloader info" and its `mode` query,
 * Zephyr os_mgmt; MCUboot's modes): `mode` as the board names it ("swap using move", "RAM load"…),
 * `stateWrites` whether image test/confirm are supported (false: rc 8 ENOTSUP, as MCUboot serial recovery,
 * RAM-load and direct-XIP answer), `source` how we know.
 */
export interface SmpBootMode {
  bootloader: string | null;
  mode: string | null;
  stateWrites: boolean;
  /**
   * 'bootloader-info': the board named its mode; 'rc8-answer': it answered a state write with rc 8;
   * 'confirm-probe': it accepted confirming its already-confirmed running image (a no-op), so state
   * writes work though the mode is unknown; 'assumed': nothing told, swap mode assumed.
   */
  source: 'bootloader-info' | 'rc8-answer' | 'confirm-probe' | 'assumed';
  /** One sentence for the plan and the job log. */
  summary: string;
}

export interface BleLinkFacts {
  /** Which link carries the SMP packets; absent on records written before serial and UDP existed (BLE). */
  transport?: 'ble' | 'serial' | 'udp';
  /** The link in a few words: "serial /dev/ttyACM0, 115200 baud", "UDP 10.0.0.7:1337"; absent for BLE. */
  linkLabel?: string;
  /** Negotiated ATT MTU, when the radio reports it (BLE only; null elsewhere). */
  attMtu: number | null;
  /** The device's MCUmgr buffer (`buf_size`, `buf_count`), when it answers the params request. */
  bufSize: number | null;
  bufCount: number | null;
  /** Largest SMP packet we send (buf_size, else ATT MTU − 3). */
  maxPacketBytes: number;
  /** Image bytes in a full upload request. */
  chunkBytes: number;
  /** Requests in flight at once. */
  window: number;
  /** Offsets the upload resumed from after the link dropped (empty when it never did). */
  resumedFrom: number[];
}

export type JobState =
  | 'queued'
  | 'connecting'
  | 'transferring'
  | 'rebooting'
  | 'verifying'
  | 'awaiting-commit'
  | 'committing'
  | 'reverting'
  | 'updated'
  | 'committed'
  | 'rolled-back'
  | 'failed'
  | 'cancelled';

export const TERMINAL_STATES: readonly JobState[] = ['updated', 'committed', 'rolled-back', 'failed', 'cancelled'];

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.includes(state);
}

/**
 * Result codes modelled on LwM2M object 5 resource 5 (Update Result), so a job's outcome reads the
 * same whatever the protocol. `auth-failed` and `rolled-back` are our additions: developers hit both
 * often and they need a different action from "update failed".
 */
export type ResultCode =
  | 'success'
  | 'not-enough-space'
  | 'out-of-ram'
  | 'connection-lost'
  | 'integrity-failure'
  | 'unsupported-package'
  | 'invalid-uri'
  | 'update-failed'
  | 'unsupported-protocol'
  | 'cancelled'
  | 'auth-failed'
  | 'rolled-back';

export interface JobResult {
  code: ResultCode;
  /** One sentence a developer can act on. */
  message: string;
  /** What the device itself said, verbatim (trimmed), when it said anything. */
  deviceMessage: string | null;
}

export interface JobProgress {
  bytesSent: number;
  totalBytes: number;
  /** Smoothed over the last few seconds. */
  bytesPerSecond: number;
  etaSeconds: number | null;
}

export type CommitPolicy = z.infer<typeof commitPolicySchema>;

export interface JobLogEntry {
  at: number;
  text: string;
}

export interface Job {
  id: string;
  deviceId: string;
  deviceName: string;
  target: string;
  protocol: ProtocolId;
  image: Pick<ImageInfo, 'fileName' | 'size' | 'sha256' | 'format' | 'version'>;
  state: JobState;
  createdAt: number;
  stateSince: number;
  endedAt: number | null;
  progress: JobProgress;
  fromVersion: string | null;
  toVersion: string | null;
  commitPolicy: CommitPolicy;
  /** Epoch ms at which an uncommitted Mongoose OS firmware reverts by itself; null otherwise. */
  commitDeadline: number | null;
  result: JobResult | null;
  log: JobLogEntry[];
  /** SMP jobs: the commit mode chosen for this push; null elsewhere. */
  mode: SmpCommitMode | null;
  /** SMP jobs: MTU, packet size and window once connected; null elsewhere. */
  link: BleLinkFacts | null;
  /**
   * SMP jobs: what the board's bootloader allows, once read (os "bootloader info", or learnt from an rc 8
   * answer to an image state write): `swap` test/confirm work; `no-state-writes` MCUboot serial recovery,
   * RAM-load or direct-XIP: upload then reset, no test or confirm. Null until known and elsewhere.
   */
  bootMode?: SmpBootMode | null;
}

/** A push as the UI and the CLI ask for it: exactly what `pushRequestSchema` accepts (field docs there). */
export type PushRequest = z.infer<typeof pushRequestSchema>;

/** A device's update-relevant state, read on demand (`ota-bench status`). */
export interface DeviceStatus {
  device: Device;
  reachable: boolean;
  firmwareVersion: string | null;
  firmwareId: string | null;
  /**
   * Mongoose OS boot state; null where the protocol has none. `revertsInSeconds`: uncommitted firmware
   * reverts by itself this long after the read, by the board's own clock.
   */
  bootState: {
    committed: boolean;
    activeSlot: number;
    revertSlot: number;
    commitTimeoutSeconds: number;
    revertsInSeconds?: number | null;
  } | null;
  /** `commit` / `revert`: what was done, or why nothing was (already committed), in one sentence. */
  outcome?: string | null;
  /** ESP8266 user1/user2 slots (esp-link); null where the protocol has none. */
  slots: FlashSlots | null;
  /** MCUboot image slots (SMP over BLE); null where the protocol has none. */
  imageSlots: SmpImageSlot[] | null;
  details: Record<string, string>;
}
