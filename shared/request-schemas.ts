// The zod schemas of what a caller may ask for: the protocol ids, a push, a slot action. They are the
// single source of these shapes: shared/domain.ts derives its types from them (so a field added
// here is a field of the type), the IPC server and the test bridge validate the page's arguments
// with them, and the CLI builds its push request through `pushRequestSchema` too.
// Imports nothing from domain.ts, so the types can flow one way only.
import { z } from 'zod';

const id = z.string().min(1).max(200);

export const protocolIdSchema = z.enum([
  'mongoose-os',
  'arduino-esp8266',
  'arduino-esp32',
  'esphome-web',
  'esphome-native',
  'esp-link',
  'arduino-ota',
  'mcumgr-smp',
  'mongoose-os-ble',
  'esp-ble-ota',
  'unknown',
]);

export const commitPolicySchema = z.enum(['auto', 'prompt', 'never']);

export const smpCommitModeSchema = z.enum(['test-and-confirm', 'confirm-only', 'test-only']);

/** A plan's fingerprint (plan-fingerprint.ts): SHA-256, lowercase hex. */
export const planFingerprintSchema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'a plan fingerprint is 64 lowercase hex digits');

/** Seconds uncommitted firmware may run before it reverts: at least 10 s, at most a day. */
export const COMMIT_TIMEOUT_LIMITS = { min: 10, max: 24 * 3600 } as const;

/** The TCP port an ArduinoOTA board connects back to: unprivileged, so OTA Bench can listen without root. */
export const OTA_LISTEN_PORT_LIMITS = { min: 1024, max: 65535 } as const;

/** Baud rates a serial port may be set to (what USB CDC-ACM and UART adapters take; MCUmgr's default is 115200). */
export const SERIAL_BAUD_RATES = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 1000000] as const;

/** A serial port's settings (SerialPortFacts), each optional: only what is given changes. */
export const serialPortSettingsSchema = z
  .object({
    deviceId: id,
    baudRate: z
      .number()
      .int()
      .refine((b) => (SERIAL_BAUD_RATES as readonly number[]).includes(b), 'an unsupported baud rate')
      .optional(),
    flowControl: z.enum(['none', 'rts-cts']).optional(),
    /** Let OTA Bench write to this port (probe for MCUmgr, push); false forbids it again. */
    allowed: z.boolean().optional(),
  })
  .strict();

export const credentialsSchema = z.object({ user: z.string().max(200), password: z.string().max(200) }).strict();

export const pushRequestSchema = z
  .object({
    deviceId: id,
    imageId: id,
    protocol: protocolIdSchema.optional(),
    commitPolicy: commitPolicySchema,
    /** Seconds the new firmware may run uncommitted before it reverts (Mongoose OS). */
    commitTimeoutSeconds: z.number().int().min(COMMIT_TIMEOUT_LIMITS.min).max(COMMIT_TIMEOUT_LIMITS.max),
    credentials: credentialsSchema.optional(),
    /**
     * Push even though overridable pre-flight checks failed (a wrong-slot image may not boot): the
     * fingerprint of the plan the user saw and overrode. The engine plans again before sending and
     * refuses the override when a different check fails by then.
     */
    override: z.object({ planFingerprint: planFingerprintSchema }).strict().optional(),
    /** SMP devices: what happens after the upload (default test-and-confirm). */
    mode: smpCommitModeSchema.optional(),
    /**
     * ArduinoOTA: the TCP port the board connects back to (espota's --host_port), the one a host
     * firewall must let in. Absent: OTA_BENCH_OTA_PORT if set, else a free port per push.
     */
    otaListenPort: z.number().int().min(OTA_LISTEN_PORT_LIMITS.min).max(OTA_LISTEN_PORT_LIMITS.max).optional(),
  })
  .strict();

/** An MCUboot image hash as the device lists it: SHA-256, lowercase hex. */
const imageHash = z.string().regex(/^[0-9a-f]{64}$/, 'an image hash is 64 lowercase hex digits');

/**
 * The slot panel's buttons on an SMP device: Test (slot 1), Confirm (slot 0 = the running image,
 * slot 1 = swap for good), Erase (slot 1), Reset. `hash` is the image the panel showed in that slot.
 */
export const imageSlotActionSchema = z.discriminatedUnion('action', [
  z.object({ deviceId: id, action: z.literal('test'), slot: z.literal(1), hash: imageHash }).strict(),
  z
    .object({
      deviceId: id,
      action: z.literal('confirm'),
      slot: z.union([z.literal(0), z.literal(1)]),
      hash: imageHash,
    })
    .strict(),
  z.object({ deviceId: id, action: z.literal('erase'), slot: z.literal(1), hash: imageHash.optional() }).strict(),
  z.object({ deviceId: id, action: z.literal('reset') }).strict(),
]);

/** How many boards and images one fleet run may name, and how many pushes it may run at once. */
export const FLEET_LIMITS = { maxDevices: 64, maxImages: 8, maxConcurrency: 32, defaultConcurrency: 4 } as const;

/**
 * A fleet run: several boards, one image or one per kind (each board gets the file its protocol takes,
 * chosen by the same plan as a single push), at most `concurrency` pushes at once (Bluetooth boards one
 * at a time per radio). `commitPolicy` is per run: auto = each board committed after its own health
 * check; prompt = healthy boards wait for one "Commit all healthy"; never = left as they boot.
 */
export const fleetRequestSchema = z
  .object({
    deviceIds: z.array(id).min(1).max(FLEET_LIMITS.maxDevices),
    imageIds: z.array(id).min(1).max(FLEET_LIMITS.maxImages),
    commitPolicy: commitPolicySchema,
    commitTimeoutSeconds: pushRequestSchema.shape.commitTimeoutSeconds,
    concurrency: z.number().int().min(1).max(FLEET_LIMITS.maxConcurrency),
    /** Stop starting new pushes after the first board fails (those running finish). */
    stopOnFailure: z.boolean(),
    /** Leave out boards that are offline when their turn comes (else they fail with the reason). */
    skipOffline: z.boolean(),
    /** Leave out boards that already report the version of the image they would get. */
    onlyOutdated: z.boolean(),
    /** Staged rollout: push one board first; the rest start only once it has proved healthy. */
    staged: z.boolean(),
    mode: smpCommitModeSchema.optional(),
    /** One user/password for every board of the run that asks (the app adds each board's saved ones). */
    credentials: credentialsSchema.optional(),
    otaListenPort: pushRequestSchema.shape.otaListenPort,
  })
  .strict();

/** History rows by result, as the History view filters them. */
export const historyResultSchema = z.enum(['success', 'failed', 'rolled-back', 'cancelled', 'interrupted', 'running']);

/** A History query: newest first, filtered by device, result and file name (a substring). */
export const historyQuerySchema = z
  .object({
    deviceId: id.optional(),
    result: historyResultSchema.optional(),
    fileName: z.string().min(1).max(200).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
    /** Rows that started before this epoch ms (paging). */
    before: z.number().int().min(0).optional(),
  })
  .strict();
