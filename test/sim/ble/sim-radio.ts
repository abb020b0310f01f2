// The simulated Bluetooth radio behind the development setting OTA_BENCH_BLE=sim:SCENARIO
// (electron/engine/ble/radio-setting.ts imports this file from the checkout and calls createSimulatedNoble).
// A scenario is a preset name ('bench', 'e2e') or a JSON file: link parameters and a list of virtual
// devices (Zephyr-like SMP servers, a Mongoose OS RPC device, an Espressif BLE OTA device). With
// `stateDir`, every SMP device's flash and upload session is kept in `<stateDir>/<id>.json`, so separate
// CLI runs see the same device.

import { createHash } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Noble as NobleClass } from '@stoprocent/noble';
import { z } from 'zod';
import { buildMcubootImage } from './mcuboot-image.ts';
import { EspOtaPeripheral, addressFromId } from './other-peripherals.ts';
import { MongooseBlePeripheral } from './mongoose-ble-peripheral.ts';
import { SimBindings } from './sim-bindings.ts';
import { SmpPeripheral, type SmpChange, type SmpSnapshot } from './smp-peripheral.ts';

// lib/noble.js is CommonJS with no typings of its own; the package's index.d.ts describes the same class.
// The package root would build the native HCI bindings, so it is not imported.
const require = createRequire(import.meta.url);
const Noble = require('@stoprocent/noble/lib/noble.js') as typeof NobleClass;

// ---- scenario ----------------------------------------------------------------------------------------

const hexId = z
  .string()
  .regex(/^[0-9a-f]{1,32}$/, { error: 'must be 1 to 32 lowercase hex digits (noble takes other ids for addresses)' });
const version = z
  .string()
  .regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,5})$/, { error: 'must be a version like 1.2.3' })
  .refine(
    (v) => {
      const [a, b, c] = v.split('.').map(Number);
      return a! <= 255 && b! <= 255 && c! <= 65535;
    },
    { error: 'must fit MCUboot (major and minor ≤ 255, revision ≤ 65535)' },
  );
const rssi = z.number().int().min(-127).max(20).optional();
const nonNegative = z.number().min(0).optional();

const smpDevice = z.strictObject({
  kind: z.literal('smp'),
  id: hexId,
  name: z.string(),
  rssi,
  version,
  bufSize: z
    .number()
    .int()
    .min(64)
    .max(65535 + 8)
    .optional(),
  bufCount: z.number().int().min(1).max(64).optional(),
  legacy: z.boolean().optional(),
  maxMtu: z.number().int().min(23).max(517).optional(),
  slotSize: z.number().int().min(4096).optional(),
  flashWriteBytesPerSec: z.number().positive().optional(),
  erasePageMs: nonNegative,
  swapMs: nonNegative,
  bootMs: nonNegative,
  dropLinkAfterBytes: z.number().int().min(1).optional(),
  neverReturnAfterReset: z.boolean().optional(),
  crashingVersions: z.array(version).optional(),
});
const mongooseDevice = z.strictObject({
  kind: z.literal('mongoose-rpc'),
  id: hexId,
  name: z.string(),
  rssi,
  version: z.string().min(1).max(64).optional(),
  arch: z.string().min(1).max(32).optional(),
  bootMs: nonNegative,
  dropLinkAfterBytes: z.number().int().min(1).optional(),
  neverReturnAfterReset: z.boolean().optional(),
  crashingVersions: z.array(z.string()).optional(),
});
const espOtaDevice = z.strictObject({
  kind: z.literal('esp-ota'),
  id: hexId,
  name: z.string(),
  rssi,
  version: z.string().min(1).max(32).optional(),
  chipId: z.number().int().min(0).max(0xffff).optional(),
  nimble: z.boolean().optional(),
  maxMtu: z.number().int().min(23).max(517).optional(),
  sectorWriteMs: nonNegative,
  finishMs: nonNegative,
  bootMs: nonNegative,
  dropLinkAfterBytes: z.number().int().min(1).optional(),
  corruptSector: z
    .strictObject({ sector: z.number().int().min(0), times: z.number().int().min(1).optional() })
    .optional(),
});

const scenarioSchema = z
  .strictObject({
    // Real ms per simulated ms. Bounded: 1e308 would turn every timer into "never" (or, past 2^31 ms,
    // into Node's 1 ms), and a tiny one into a busy loop.
    timeScale: z.number().min(0.001).max(100).optional(),
    link: z
      .strictObject({
        phy: z.union([z.literal(1), z.literal(2)], { error: 'must be 1 or 2 (Mbit/s)' }),
        llPayload: z.number().int().min(27).max(251),
        connIntervalMs: z.number().min(7.5).max(4000),
        packetsPerEventCap: z.number().int().min(1).optional(),
        lossProbability: z.number().min(0).lt(1).optional(),
      })
      .optional(),
    centralMtu: z.number().int().min(23).max(517).optional(),
    stateDir: z.string().min(1).optional(),
    devices: z.array(
      z.discriminatedUnion('kind', [smpDevice, mongooseDevice, espOtaDevice], {
        error: 'must be "smp", "mongoose-rpc" or "esp-ota"',
      }),
    ),
  })
  .superRefine((scenario, ctx) => {
    const seen = new Set<string>();
    scenario.devices.forEach((d, i) => {
      const address = addressFromId(d.id);
      if (seen.has(address))
        ctx.addIssue({
          code: 'custom',
          path: ['devices', i, 'id'],
          message: `repeats another device's id (ids must differ in their last 12 digits)`,
        });
      seen.add(address);
    });
  });

/** A scenario as written (in JSON or code); see test/sim/README.md. */
export type SimScenario = z.input<typeof scenarioSchema>;
export type SimSmpDevice = z.infer<typeof smpDevice>;

function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    '',
  );
}

/** Validates a scenario; throws one sentence naming the first bad field. */
export function parseScenario(input: unknown, source = 'scenario'): z.output<typeof scenarioSchema> {
  const result = scenarioSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new Error(
    `The BLE scenario ${source} is not valid: ${fieldPath(issue.path) || 'the scenario'} ${issueWords(issue)}.`,
  );
}

function issueWords(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `has an unknown field ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_type':
      if (/received undefined/.test(issue.message)) return 'is missing';
      return issue.expected === 'int'
        ? 'must be a whole number'
        : `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'number'
        ? `must be ${issue.inclusive ? '≥' : '>'} ${String(issue.minimum)}`
        : `must have at least ${String(issue.minimum)} ${issue.origin === 'string' ? 'characters' : 'items'}`;
    case 'too_big':
      return issue.origin === 'number'
        ? `must be ${issue.inclusive ? '≤' : '<'} ${String(issue.maximum)}`
        : `must have at most ${String(issue.maximum)} ${issue.origin === 'string' ? 'characters' : 'items'}`;
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

const BENCH_LINK = { phy: 2, llPayload: 251, connIntervalMs: 15 } as const;

function benchDevices(fast: boolean): SimScenario['devices'] {
  const timing = fast ? { swapMs: 400, bootMs: 100 } : {};
  return [
    {
      kind: 'smp',
      id: 'c0de00000001',
      name: 'smp-sensor',
      rssi: -52,
      version: '1.0.0',
      bufSize: 2475,
      bufCount: 4,
      maxMtu: 247,
      ...timing,
    },
    {
      kind: 'smp',
      id: 'c0de00000002',
      name: 'smp-legacy',
      rssi: -71,
      version: '0.9.0',
      legacy: true,
      maxMtu: 247,
      ...timing,
    },
    {
      kind: 'smp',
      id: 'c0de00000003',
      name: 'smp-crashy',
      rssi: -64,
      version: '1.0.0',
      bufSize: 1024,
      bufCount: 2,
      maxMtu: 185,
      crashingVersions: ['9.9.9'],
      ...timing,
    },
    { kind: 'mongoose-rpc', id: 'c0de00000004', name: 'mos-ble-lamp', rssi: -78 },
    { kind: 'esp-ota', id: 'c0de00000005', name: 'esp-ble-ota-demo', rssi: -59 },
  ];
}

/** Built-in scenarios: `bench` to play with (real time, state kept in the temp directory), `e2e` for UI tests (fast, fresh). */
export const PRESETS: Record<string, () => SimScenario> = {
  bench: () => ({
    timeScale: 1,
    link: { ...BENCH_LINK },
    stateDir: join(tmpdir(), 'ota-bench-sim', 'bench'),
    devices: benchDevices(false),
  }),
  e2e: () => ({ timeScale: 0.05, link: { ...BENCH_LINK }, devices: benchDevices(true) }),
};

/** A preset name, or a JSON file (relative to `root`); a relative stateDir in a file is relative to the file. */
export function loadScenario(spec: string, root: string = process.cwd()): z.output<typeof scenarioSchema> {
  const preset = PRESETS[spec];
  if (preset) return parseScenario(preset(), `preset "${spec}"`);
  const file = resolve(root, spec);
  if (!existsSync(file)) {
    throw new Error(
      `The BLE scenario "${spec}" is neither a preset (${Object.keys(PRESETS).join(', ')}) nor a file (${file} does not exist).`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`The BLE scenario ${file} is not valid JSON (${(error as Error).message}).`, { cause: error });
  }
  const scenario = parseScenario(json, file);
  return scenario.stateDir ? { ...scenario, stateDir: resolve(dirname(file), scenario.stateDir) } : scenario;
}

/** Loads a scenario and checks that its stateDir can hold state; throws one sentence. For checkBleSetting. */
export function checkScenario(spec: string, root: string = process.cwd()): void {
  const scenario = loadScenario(spec, root);
  if (scenario.stateDir) usableStateDir(resolve(scenario.stateDir), spec);
}

// ---- state kept across processes -----------------------------------------------------------------------

/** The stateDir, created if needed; a file or an unwritable place in its way is an error that says so. */
function usableStateDir(dir: string, source: string): string {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new Error(
      `The BLE scenario ${source} keeps state in ${dir}, but that is a file, not a folder: point stateDir elsewhere or remove the file.`,
    );
  }
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new Error(
      `The BLE scenario ${source} keeps state in ${dir}, which cannot be used (${(error as Error).message}).`,
      { cause: error },
    );
  }
  return dir;
}

const stateFileSchema = z.strictObject({
  format: z.literal('ota-bench-sim-smp/1'),
  id: z.string(),
  slots: z.tuple([z.base64(), z.base64().nullable()]),
  pendingSwap: z.enum(['test', 'perm']).nullable(),
  revertOnNextBoot: z.boolean(),
  upload: z
    .strictObject({
      len: z.number().int().positive(),
      off: z.number().int().min(0),
      sha: z.base64().nullable(),
      received: z.base64(),
      done: z.boolean(),
    })
    .nullable(),
});

/** `<stateDir>/<id>.json` of one SMP device. */
export function stateFileOf(stateDir: string, id: string): string {
  return join(stateDir, `${id}.json`);
}

function readState(file: string, id: string): SmpSnapshot | null {
  if (!existsSync(file)) return null;
  let parsed: z.output<typeof stateFileSchema>;
  try {
    parsed = stateFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    const reason =
      error instanceof z.ZodError
        ? `${fieldPath(error.issues[0]!.path) || 'the file'}: ${error.issues[0]!.message}`
        : (error as Error).message;
    throw new Error(
      `The simulated device state ${file} cannot be read (${reason}); delete it to start the device afresh.`,
      { cause: error },
    );
  }
  if (parsed.id !== id)
    throw new Error(
      `The simulated device state ${file} belongs to device ${parsed.id}, not ${id}; delete it to start the device afresh.`,
    );
  const b = (text: string) => Buffer.from(text, 'base64');
  return {
    slots: [b(parsed.slots[0]), parsed.slots[1] === null ? null : b(parsed.slots[1])],
    pendingSwap: parsed.pendingSwap,
    revertOnNextBoot: parsed.revertOnNextBoot,
    upload: parsed.upload && {
      ...parsed.upload,
      sha: parsed.upload.sha === null ? null : b(parsed.upload.sha),
      received: b(parsed.upload.received),
    },
  };
}

function writeState(file: string, id: string, state: SmpSnapshot): void {
  const record: z.input<typeof stateFileSchema> = {
    format: 'ota-bench-sim-smp/1',
    id,
    slots: [state.slots[0].toString('base64'), state.slots[1]?.toString('base64') ?? null],
    pendingSwap: state.pendingSwap,
    revertOnNextBoot: state.revertOnNextBoot,
    upload: state.upload && {
      ...state.upload,
      sha: state.upload.sha?.toString('base64') ?? null,
      received: state.upload.received.toString('base64'),
    },
  };
  mkdirSync(dirname(file), { recursive: true });
  // Write then rename: a run killed mid-write leaves the previous state, never half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(record, null, 1)}\n`);
  renameSync(temporary, file);
}

/** Upload progress is saved at most this often (real ms); everything else at once. */
const UPLOAD_SAVE_INTERVAL_MS = 1000;

// ---- the radio ---------------------------------------------------------------------------------------

export type SimDevice = SmpPeripheral | MongooseBlePeripheral | EspOtaPeripheral;

export interface SimulatedRadio {
  scenario: z.output<typeof scenarioSchema>;
  bindings: SimBindings;
  /** In scenario order. */
  peripherals: SimDevice[];
  /** The SMP devices by id. */
  smp: Map<string, SmpPeripheral>;
  noble: NobleClass;
  /** Save every SMP device's state now (no-op without stateDir). */
  save(): void;
}

/** The deterministic initial image of an SMP device: same id, name and version → same bytes and hash. */
export function initialImageFor(device: Pick<SimSmpDevice, 'id' | 'name' | 'version'>): Buffer {
  const [major, minor, revision] = device.version.split('.').map(Number) as [number, number, number];
  const seed = createHash('sha256').update(`${device.id}/${device.name}`).digest().readUInt32LE(0);
  return buildMcubootImage({ version: { major, minor, revision }, payloadSize: 8192, seed });
}

/** `9.9.9` matches 9.9.9 and 9.9.9 with any build number. */
function versionMatches(actual: string, listed: string): boolean {
  return actual === listed || actual.startsWith(`${listed}.`);
}

export function buildSimulatedRadio(input: SimScenario): SimulatedRadio {
  const scenario = parseScenario(input);
  const stateDir = scenario.stateDir ? usableStateDir(resolve(scenario.stateDir), 'scenario') : null;
  let saveFailed = false;
  const saveState = (file: string, id: string, state: SmpSnapshot): void => {
    try {
      writeState(file, id, state);
    } catch (error) {
      // The device keeps running on its in-memory state; say once that it will not be remembered.
      if (!saveFailed)
        process.stderr.write(
          `Simulated BLE: cannot save device state to ${file} (${(error as Error).message}); it will not be kept.\n`,
        );
      saveFailed = true;
    }
  };
  const smp = new Map<string, SmpPeripheral>();
  const peripherals: SimDevice[] = scenario.devices.map((d) => {
    const common = { id: d.id, address: addressFromId(d.id), name: d.name, rssi: d.rssi };
    if (d.kind === 'mongoose-rpc')
      return new MongooseBlePeripheral({
        ...common,
        version: d.version,
        arch: d.arch,
        bootMs: d.bootMs,
        dropLinkAfterBytes: d.dropLinkAfterBytes,
        neverReturnAfterReset: d.neverReturnAfterReset,
        crashingVersions: d.crashingVersions,
      });
    if (d.kind === 'esp-ota') {
      const { kind: _kind, ...options } = d;
      return new EspOtaPeripheral({ ...options, ...common });
    }
    const file = stateDir ? stateFileOf(stateDir, d.id) : null;
    let lastUploadSave = 0;
    const crashing = d.crashingVersions ?? [];
    const device: SmpPeripheral = new SmpPeripheral({
      ...common,
      initialImage: initialImageFor(d),
      maxMtu: d.maxMtu,
      bufSize: d.bufSize,
      bufCount: d.bufCount,
      legacy: d.legacy,
      slotSize: d.slotSize,
      flashWriteBytesPerSec: d.flashWriteBytesPerSec,
      erasePageMs: d.erasePageMs,
      swapMs: d.swapMs,
      bootMs: d.bootMs,
      dropLinkAfterBytes: d.dropLinkAfterBytes,
      neverReturnAfterReset: d.neverReturnAfterReset,
      crashesAtBoot:
        crashing.length > 0 ? (image) => crashing.some((v) => versionMatches(image.info.version, v)) : undefined,
      onChange: file
        ? (what: SmpChange) => {
            if (what === 'upload' && Date.now() - lastUploadSave < UPLOAD_SAVE_INTERVAL_MS) return;
            lastUploadSave = Date.now();
            saveState(file, d.id, device.snapshot());
          }
        : undefined,
    });
    const saved = file ? readState(file, d.id) : null;
    if (saved && file) {
      try {
        device.restore(saved);
      } catch (error) {
        throw new Error(
          `The simulated device state ${file} cannot be used (${(error as Error).message}); delete it to start the device afresh.`,
          { cause: error },
        );
      }
    }
    smp.set(d.id, device);
    return device;
  });
  const bindings = new SimBindings({
    peripherals,
    timeScale: scenario.timeScale ?? 1,
    link: scenario.link,
    centralMtu: scenario.centralMtu,
  });
  const noble = new Noble(bindings);
  const save = (): void => {
    if (!stateDir) return;
    for (const [id, device] of smp) saveState(stateFileOf(stateDir, id), id, device.snapshot());
  };
  return { scenario, bindings, peripherals, smp, noble, save };
}

/** What OTA_BENCH_BLE=sim:SPEC loads: a noble instance over the simulated radio of a preset or scenario file. */
export async function createSimulatedNoble(spec: string, root: string = process.cwd()): Promise<NobleClass> {
  return buildSimulatedRadio(loadScenario(spec, root)).noble;
}
