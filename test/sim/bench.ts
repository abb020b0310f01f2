// A bench of simulated boards on 127.0.0.10, .11, … for trying OTA Bench by hand or from tests.
//   npm run sim -- --mongoose 2 --esp32 1           (a private network namespace and a shell in it)
//   node test/support/run-in-netns.js node test/sim/bench.ts --help
// Without any count option, one board of each kind starts. Runs until Ctrl-C, then says goodbye.
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildMcubootImage } from './ble/mcuboot-image.ts';
import { makeEspAppImage, makeMongooseFwZip } from './firmware-fixtures.ts';
import { assertPrivateNetwork } from '../support/netns-guard.ts';
import { ArduinoBoard } from './boards/arduino-board.ts';
import { ArduinoOtaBoard } from './boards/arduino-ota-board.ts';
import { EspLinkBoard, type EspLinkBootEvent } from './boards/esp-link-board.ts';
import { EsphomeBoard } from './boards/esphome-board.ts';
import { EsphomeNativeBoard } from './boards/esphome-native-board.ts';
import { MongooseBoard } from './boards/mongoose-board.ts';
import type { BoardQuirks, HttpBoard, ReceivedImage } from './http-board.ts';
import { SerialSmpBoard } from './smp/serial-smp-board.ts';
import type { SmpServerMode } from './smp/smp-server.ts';
import { UdpSmpBoard } from './smp/udp-smp-board.ts';

export interface BenchSpec {
  mongoose?: number;
  esp8266?: number;
  esp32?: number;
  esphome?: number;
  /** ESPHome nodes with only native OTA (no web server): ESP32 on 3232, every second one ESP8266 on 8266. */
  esphomeNative?: number;
  /** esp-link (ESP8266, user1/user2 slots) boards, named `esp-link-<last octet in hex>`. */
  espLink?: number;
  /** ArduinoOTA sketches (espota; UDP 3232 on ESP32 ≥ 3.3.1, every second one ESP8266 on 8266); password from --auth. */
  arduinoOta?: number;
  /** MCUmgr/SMP boards over UDP (port 1337 on their own address), answering like `smpUdpMode`'s real build. */
  smpUdp?: number;
  smpUdpMode?: SmpServerMode;
  /** MCUmgr/SMP boards on a serial console (a socat pty each; needs /usr/bin/socat). */
  smpSerial?: number;
  smpSerialMode?: SmpServerMode;
  /** Web updater credentials for the Arduino and ESPHome boards. */
  credentials?: { user: string; password: string } | null;
  bytesPerSecond?: number | null;
  dropAfterBytes?: number | null;
  /**
   * Space for a new image on every board (Mongoose free space, Arduino free sketch space, ESPHome
   * slot). Not esp-link: its limit (503808 bytes) is compiled into the firmware.
   */
  freeBytes?: number;
  /** Mongoose boards' pushed firmware cannot commit, so every update with a commit timeout rolls back. */
  commitTimeoutReverts?: boolean;
  /** First address (default 127.0.0.10); the others follow. */
  firstAddress?: string;
  /** Length of a Mongoose commit_timeout second in ms (default 1000). */
  commitSecondMs?: number;
  announceIntervalMs?: number;
  mdnsTtl?: number;
  /** Any other quirk, for every board. */
  quirks?: Partial<BoardQuirks>;
  /** Log board events (uploads, reboots) with this function. */
  log?: (line: string) => void;
}

export interface Bench {
  boards: HttpBoard[];
  /** ArduinoOTA boards (UDP + connect-back, no HTTP server): listed in the table too. */
  arduinoOta: ArduinoOtaBoard[];
  /** SMP boards (not in the table's HTTP columns: listed below it with their udp:// URL or pty path). */
  smpUdp: UdpSmpBoard[];
  smpSerial: SerialSmpBoard[];
  table(): string;
  stop(): Promise<void>;
}

function addressAt(first: string, index: number): string {
  const value = first.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0) + index;
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}

export async function startBench(spec: BenchSpec = {}): Promise<Bench> {
  assertPrivateNetwork('the simulator bench');
  const counted = [
    spec.mongoose,
    spec.esp8266,
    spec.esp32,
    spec.esphome,
    spec.esphomeNative,
    spec.espLink,
    spec.arduinoOta,
    spec.smpUdp,
    spec.smpSerial,
  ].some((count) => count !== undefined);
  const count = (value: number | undefined) => value ?? (counted ? 0 : 1);
  const common = (index: number) => ({
    address: addressAt(spec.firstAddress ?? '127.0.0.10', index),
    bytesPerSecond: spec.bytesPerSecond ?? null,
    dropAfterBytes: spec.dropAfterBytes ?? null,
    announceIntervalMs: spec.announceIntervalMs,
    mdnsTtl: spec.mdnsTtl,
    ...spec.quirks,
  });
  const boards: HttpBoard[] = [];
  const credentials = spec.credentials ?? null;
  for (let i = 0; i < count(spec.mongoose); i++) {
    boards.push(
      new MongooseBoard({
        ...common(boards.length),
        freeSpace: spec.freeBytes,
        commitRefused: spec.commitTimeoutReverts,
        commitSecondMs: spec.commitSecondMs,
      }),
    );
  }
  for (const variant of ['esp8266', 'esp32'] as const) {
    for (let i = 0; i < count(spec[variant]); i++) {
      boards.push(
        new ArduinoBoard({ ...common(boards.length), variant, credentials, freeSketchSpace: spec.freeBytes }),
      );
    }
  }
  for (let i = 0; i < count(spec.esphome); i++) {
    boards.push(new EsphomeBoard({ ...common(boards.length), credentials, freeSpace: spec.freeBytes }));
  }
  for (let i = 0; i < count(spec.esphomeNative); i++) {
    // The OTA password is the --auth password (native OTA has no user name).
    boards.push(
      new EsphomeNativeBoard({
        ...common(boards.length),
        platform: i % 2 ? 'ESP8266' : 'ESP32',
        password: credentials?.password ?? null,
        freeSpace: spec.freeBytes,
      }),
    );
  }
  for (let i = 0; i < count(spec.espLink); i++) {
    const options = common(boards.length);
    const lastOctet = Number(options.address.split('.')[3]).toString(16).padStart(2, '0');
    boards.push(new EspLinkBoard({ ...options, hostname: `esp-link-${lastOctet}` }));
  }
  const arduinoOta: ArduinoOtaBoard[] = [];
  for (let i = 0; i < count(spec.arduinoOta); i++) {
    arduinoOta.push(
      new ArduinoOtaBoard({
        address: common(boards.length + arduinoOta.length).address,
        platform: i % 2 ? 'ESP8266' : 'ESP32',
        password: credentials?.password ?? null,
        freeSpace: spec.freeBytes,
        dropAfterBytes: spec.dropAfterBytes ?? null,
        announceIntervalMs: spec.announceIntervalMs,
      }),
    );
  }
  const smp = await startSmpBoards(spec, (index) => common(boards.length + arduinoOta.length + index).address);
  if (spec.log) for (const board of boards) watch(board, spec.log);
  if (spec.log) for (const board of arduinoOta) watchArduinoOta(board, spec.log);
  const all = [...boards, ...arduinoOta];
  try {
    await Promise.all(all.map((board) => board.start()));
  } catch (error) {
    await Promise.all(all.map((board) => board.stop()));
    await smp.stop();
    throw error;
  }
  return {
    boards,
    arduinoOta,
    ...smp,
    table: () => formatTable([...boards, ...arduinoOta]) + smpTable(smp),
    stop: async () => {
      await Promise.all(all.map((board) => board.stop()));
      await smp.stop();
    },
  };
}

/** SMP boards over UDP (each on its own address, port 1337) and on serial ptys, slot 0 running 1.0.0. */
async function startSmpBoards(spec: BenchSpec, addressAtIndex: (index: number) => string) {
  const initialImage = buildMcubootImage({ version: { major: 1, minor: 0, revision: 0 }, payloadSize: 60_000 });
  const smpUdp: UdpSmpBoard[] = [];
  const smpSerial: SerialSmpBoard[] = [];
  const stop = async () => {
    await Promise.all([...smpUdp, ...smpSerial].map((board) => board.close()));
  };
  try {
    for (let i = 0; i < (spec.smpUdp ?? 0); i++) {
      const host = addressAtIndex(i);
      smpUdp.push(await UdpSmpBoard.start({ initialImage, mode: spec.smpUdpMode ?? 'zephyr-swap', host, port: 1337 }));
    }
    for (let i = 0; i < (spec.smpSerial ?? 0); i++) {
      smpSerial.push(await SerialSmpBoard.start({ initialImage, mode: spec.smpSerialMode ?? 'zephyr-swap' }));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { smpUdp, smpSerial, stop };
}

function smpTable(smp: { smpUdp: UdpSmpBoard[]; smpSerial: SerialSmpBoard[] }): string {
  const lines = [
    ...smp.smpUdp.map(
      (board) => `SMP over UDP     ${board.url}   (${board.server.options.mode}, buf ${board.server.bufSize})`,
    ),
    ...smp.smpSerial.map(
      (board) => `SMP over serial  serial:${board.path}   (${board.server.options.mode}, buf ${board.server.bufSize})`,
    ),
  ];
  return lines.length > 0 ? `\n\n${lines.join('\n')}` : '';
}

function watch(board: HttpBoard, log: (line: string) => void): void {
  const say = (text: string) => log(`[${board.hostname}] ${text}`);
  board.on('upload', (image: ReceivedImage) =>
    say(
      `${image.outcome}: ${image.field} ${image.filename ?? ''} ${image.size} B sha256 ${image.sha256.slice(0, 12)}… → ${JSON.stringify(image.message.trim())}`,
    ),
  );
  board.on('offline', () => say('rebooting (offline)'));
  board.on('online', (address: string) => say(`online at ${address}, version ${board.firmwareVersion ?? '(unknown)'}`));
  board.on('dead', () => say('did not come back'));
  board.on('committed', () => say('firmware committed'));
  board.on('reverted', () => say(`rolled back to ${board.firmwareVersion}`));
  board.on('boot', (boot: EspLinkBootEvent) =>
    say(
      boot.reverted
        ? `new image did not boot (${boot.reason}): back in user${boot.slot}.bin`
        : `booted user${boot.slot}.bin (reset cause ${boot.resetCause})`,
    ),
  );
}

function watchArduinoOta(board: ArduinoOtaBoard, log: (line: string) => void): void {
  const say = (text: string) => log(`[${board.hostname}] ${text}`);
  board.on('dropped', (why: string) => say(`invitation dropped (${why})`));
  board.on('auth', (verdict: string) => say(`authentication ${verdict}`));
  board.on('connected', () => say('connected back to the host'));
  board.on('update', (result: { ok: boolean; message: string }) =>
    say(result.ok ? 'update OK, restarting' : `update failed: ${result.message}`),
  );
  board.on('online', (address: string) => say(`online at ${address}, version ${board.version ?? '(unknown)'}`));
}

export function formatTable(boards: Array<HttpBoard | ArduinoOtaBoard>): string {
  const rows = [['KIND', 'NAME', 'ADDRESS', 'PORT', 'VERSION']];
  for (const board of boards) {
    const version = board instanceof ArduinoOtaBoard ? board.version : board.firmwareVersion;
    rows.push([board.kind, board.hostname, board.address, String(board.port), version ?? '-']);
  }
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const USAGE = `usage: node test/sim/bench.ts [--mongoose N] [--esp8266 N] [--esp32 N] [--esphome N] [--esphome-native N] [--esp-link N]
       [--arduino-ota N] [--auth user:pass] [--slow BYTES_PER_SECOND] [--drop-after BYTES] [--free BYTES]
       [--commit-timeout-reverts] [--first-address 127.0.0.10]
       [--smp-udp N] [--smp-udp-mode MODE] [--smp-serial N] [--smp-serial-mode MODE]
SMP modes (the real Zephyr 4.4.0 builds): zephyr-swap (default), no-state-writes, bootloader-info.
Without a count option one board of each kind starts. Must run in a private network namespace:
  npm run sim -- --mongoose 2`;

function parseCli(argv: string[]): BenchSpec {
  const { values } = parseArgs({
    args: argv,
    options: {
      mongoose: { type: 'string' },
      esp8266: { type: 'string' },
      esp32: { type: 'string' },
      esphome: { type: 'string' },
      'esphome-native': { type: 'string' },
      'esp-link': { type: 'string' },
      'arduino-ota': { type: 'string' },
      auth: { type: 'string' },
      slow: { type: 'string' },
      'drop-after': { type: 'string' },
      free: { type: 'string' },
      'commit-timeout-reverts': { type: 'boolean' },
      'first-address': { type: 'string' },
      'smp-udp': { type: 'string' },
      'smp-udp-mode': { type: 'string' },
      'smp-serial': { type: 'string' },
      'smp-serial-mode': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (text: string | undefined, name: string) => {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`--${name} needs a whole number, got ${JSON.stringify(text)}`);
    return value;
  };
  let credentials: BenchSpec['credentials'] = null;
  if (values.auth !== undefined) {
    const colon = values.auth.indexOf(':');
    if (colon <= 0) throw new Error('--auth needs user:password');
    credentials = { user: values.auth.slice(0, colon), password: values.auth.slice(colon + 1) };
  }
  return {
    mongoose: number(values.mongoose, 'mongoose'),
    esp8266: number(values.esp8266, 'esp8266'),
    esp32: number(values.esp32, 'esp32'),
    esphome: number(values.esphome, 'esphome'),
    esphomeNative: number(values['esphome-native'], 'esphome-native'),
    espLink: number(values['esp-link'], 'esp-link'),
    arduinoOta: number(values['arduino-ota'], 'arduino-ota'),
    credentials,
    bytesPerSecond: number(values.slow, 'slow') ?? null,
    dropAfterBytes: number(values['drop-after'], 'drop-after') ?? null,
    freeBytes: number(values.free, 'free'),
    commitTimeoutReverts: values['commit-timeout-reverts'] ?? false,
    firstAddress: values['first-address'],
    smpUdp: number(values['smp-udp'], 'smp-udp'),
    smpUdpMode: smpMode(values['smp-udp-mode'], 'smp-udp-mode'),
    smpSerial: number(values['smp-serial'], 'smp-serial'),
    smpSerialMode: smpMode(values['smp-serial-mode'], 'smp-serial-mode'),
  };
}

const SMP_MODES: SmpServerMode[] = ['zephyr-swap', 'no-state-writes', 'bootloader-info'];

function smpMode(text: string | undefined, name: string): SmpServerMode | undefined {
  if (text === undefined) return undefined;
  if (!SMP_MODES.includes(text as SmpServerMode)) throw new Error(`--${name} is one of ${SMP_MODES.join(', ')}`);
  return text as SmpServerMode;
}

/** Where `npm run sim` leaves sample images: one for each kind of board, and one for the simulated SMP devices. */
export const SAMPLE_DIR = path.join(tmpdir(), 'ota-bench-sim', 'firmware');

/** Writes pushable sample images (newer versions than the boards run) and returns the folder. */
export function writeSampleFirmware(dir: string): string {
  mkdirSync(dir, { recursive: true });
  makeMongooseFwZip({
    platform: 'esp32',
    version: '1.1.0',
    buildId: 'sample',
    size: 200_000,
    fileName: 'mongoose-esp32-1.1.0.zip',
    dir,
  });
  makeEspAppImage({ chip: 'esp8266', size: 300_000, version: '2.0.0', fileName: 'arduino-esp8266-2.0.0.bin', dir });
  makeEspAppImage({ chip: 'esp32', size: 400_000, version: '2.0.0', fileName: 'esp32-2.0.0.bin', dir });
  writeFileSync(
    path.join(dir, 'smp-app-1.1.0.signed.bin'),
    buildMcubootImage({ version: { major: 1, minor: 1, revision: 0 }, payloadSize: 60_000 }),
  );
  return dir;
}

async function main(): Promise<void> {
  let spec: BenchSpec;
  try {
    spec = parseCli(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const bench = await startBench({
    ...spec,
    log: (line) => console.log(`${new Date().toISOString().slice(11, 23)} ${line}`),
  });
  console.log(bench.table());
  console.log(`\nFirmware to try them with: ${writeSampleFirmware(SAMPLE_DIR)}`);
  // run-in-netns.js --shell waits for this line before it opens the shell.
  console.log('\nBoards are up. Ctrl-C to stop (they say goodbye on mDNS).');
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await bench.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
