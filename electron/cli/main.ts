// ota-bench: the same engine as the desktop app, from a terminal.
// `--help` and `--version` load nothing but this file and the output helpers: the engine, zod and the
// Bluetooth setting are imported when a command needs them, so the CLI starts like a small tool.
import { parseArgs } from 'node:util';
import { PROTOCOL_LABELS } from '../../shared/domain.ts';
import { Output, exitWhenFlushed, forTerminal, keepQuietOnClosedPipes, writeOut } from './output.ts';
import { UsageError, optionErrorWords, packageVersion } from './usage.ts';
import { deviceLine, offlineNote, printImage, printImageSlots, slotsLine } from './describe.ts';
import { resolveDeviceRef } from './resolve-device.ts';
import {
  boardsFound,
  deviceCommandDone,
  deviceCommandMessage,
  notAdded,
  pushableWith,
  serialPortLine,
  statusHeadline,
} from './messages.ts';

const HELP = `ota-bench — push firmware to dev boards on your bench

Usage:
  ota-bench discover [--timeout S] [--serial PATH]… [--udp HOST[:PORT]]… [--baud N] [--flow none|rts-cts] [--json]
  ota-bench inspect FILE|FOLDER [FILE2] [--json]
  ota-bench push FILE [FILE2] --to DEVICE [--protocol P] [--commit auto|prompt|never] [--commit-timeout S]
                 [[--user U] --password P] [--health-seconds S] [--reboot-timeout S] [--force] [--json]
                 [--mode test-and-confirm|confirm-only|test-only]   (MCUmgr/SMP devices: BLE, serial, UDP)
                 [--baud N] [--flow none|rts-cts]   (serial ports)
                 [--ota-port N]   (ArduinoOTA: the TCP port, 1024–65535, the board connects back to; default a free one)
  ota-bench push FILE [FILE…] --to A --to B,C… | --all   (several boards: a fleet run)
                 [--outdated] [--skip-offline] [--concurrency N] [--stop-on-failure] [--staged]
                 [--commit auto|prompt|never] [--commit-timeout S] [[--user U] --password P] [--mode M] [--json]
  ota-bench commit DEVICE     ota-bench revert DEVICE     ota-bench status DEVICE [--json]
                 [--user U --password P]   (a board behind a password)
  ota-bench history [DEVICE] [--limit N] [--json]   past pushes, newest first (no discovery needed)
  ota-bench devices [--json]   every board ever seen, offline ones too, with its last push

A board's password: --password P (alone for password-only boards: ESPHome native OTA, ArduinoOTA), else
OTA_BENCH_PASSWORD with --user, else (in a terminal) asked for without echo. It is never printed or logged.

DEVICE is a discovered id or name, a BLE address, host[:port], udp://HOST[:PORT] (MCUmgr over UDP,
port 1337 by default, IPv6 in brackets) or serial:PATH[@BAUD] (a serial port, e.g. serial:/dev/ttyACM0,
serial:COM5@115200, or a pty the OS does not list: serial:/dev/pts/3); the last three need no discovery.
Serial ports: discover lists every port (path, USB ids, the board they name, what the probe found).
OTA Bench writes only to ports that carry a USB id known for MCUmgr, or that you name (--serial PATH,
serial:PATH, or a port's name as DEVICE): those are asked for MCUmgr params and an echo; others are
listed, never written to. --baud N (default 115200) and --flow rts-cts set the port for this command.
--udp HOST[:PORT] adds an MCUmgr board over UDP to discover. OTA_BENCH_SERIAL=off turns serial ports off.
MCUmgr/SMP devices (BLE, serial, UDP) take signed MCUboot images (app.signed.bin). --mode picks what happens after
the upload: test-and-confirm (default: boot it once, confirm once it runs, else MCUboot reverts),
confirm-only (permanent before the reset, no way back) or test-only (left unconfirmed).
On an SMP device, commit confirms the running test image (or the one pending in slot 1, saying which);
revert resets a running unconfirmed test so MCUboot goes back, or erases a pending slot 1 where the
firmware allows it. Both print what they did, what the next reset does, and the slots afterwards.
OTA_BENCH_BLE picks the radio: default (raw HCI on Linux: sudo setcap cap_net_raw+eip $(readlink -f $(which node))),
dbus (BlueZ over D-Bus, needs dbus-next), off, or sim:SCENARIO (development: the simulated radio).
For esp-link boards give both user1.bin and user2.bin (or their build folder): OTA Bench sends the
one the board asks for, after checking it. --force pushes even when the slot evidence or the flash
layout check fails: dangerous, a wrong-slot image does not boot (the board falls back, if it can).
--commit defaults to "prompt" in a terminal and "never" when stdin is not a TTY.
Several boards: --to more than once or A,B,C (names, ids, host[:port]; a board named twice is pushed once),
or --all (every board discovered within --timeout that one of the files fits). Each board gets the file its
protocol takes (a user1/user2 pair is one image). --outdated leaves out boards already on the file's
version, --skip-offline those not answering, --concurrency N pushes at most N at once (1–32, default 4),
--stop-on-failure starts no more after a failure, --staged pushes one board first and the rest once it
is healthy. --commit prompt asks once, "Commit all N healthy boards?", when the run settles. --protocol
and --force are for one board only. Ctrl-C cancels the run and waits for its pushes to stop (exit 130).
With several boards the exit status is 0 only if every board that was pushed succeeded: skipped boards
do not fail the run. --json: every event carries deviceId and fleetId, one result line per board, then
{"type":"summary","succeeded","failed","rolledBack","skipped","cancelled"}.
--json prints one JSON object per line: events, then a final {"type":"result",…}.
Exit status is 0 only on success.
Protocols: ${Object.keys(PROTOCOL_LABELS)
  .filter((p) => p !== 'unknown')
  .join(', ')}`;

const options = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  timeout: { type: 'string' },
  to: { type: 'string', multiple: true },
  protocol: { type: 'string' },
  commit: { type: 'string' },
  'commit-timeout': { type: 'string' },
  'health-seconds': { type: 'string' },
  'reboot-timeout': { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  force: { type: 'boolean' },
  mode: { type: 'string' },
  'ota-port': { type: 'string' },
  limit: { type: 'string' },
  all: { type: 'boolean' },
  outdated: { type: 'boolean' },
  'skip-offline': { type: 'boolean' },
  concurrency: { type: 'string' },
  'stop-on-failure': { type: 'boolean' },
  staged: { type: 'boolean' },
  serial: { type: 'string', multiple: true },
  udp: { type: 'string', multiple: true },
  baud: { type: 'string' },
  flow: { type: 'string' },
} as const;

function seconds(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} wants a number of seconds, not "${value}".`);
  return n;
}

/** --baud and --flow, checked against the rates and modes a port offers. */
function serialOptions(baud: string | undefined, flow: string | undefined, rates: readonly number[]) {
  const baudRate = baud === undefined ? undefined : Number(baud);
  if (baudRate !== undefined && !rates.includes(baudRate))
    throw new UsageError(`--baud must be one of ${rates.join(', ')}, not "${baud}".`);
  if (flow !== undefined && flow !== 'none' && flow !== 'rts-cts')
    throw new UsageError(`--flow must be none or rts-cts, not "${flow}".`);
  return { baudRate, flowControl: flow as 'none' | 'rts-cts' | undefined };
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(optionErrorWords(error as Error & { code?: string }));
  }
  const { values, positionals } = parsed;
  const [command, arg] = positionals;
  const files = positionals.slice(1);
  if (values.version) {
    writeOut(`ota-bench ${packageVersion()}\n`);
    return 0;
  }
  if (values.help || !command) {
    writeOut(`${HELP}\n`);
    return command || values.help ? 0 : 2;
  }
  // history and devices read the shared history file only: no discovery, no radio.
  const readsHistoryOnly = command === 'history' || command === 'devices';
  if (!['discover', 'inspect', 'push', 'status', 'commit', 'revert', 'history', 'devices'].includes(command))
    throw new UsageError(`unknown command "${command}". See ota-bench --help.`);
  const out = new Output(Boolean(values.json));
  // A Bluetooth setting the CLI cannot use (a typo, a missing or invalid sim scenario) is a usage
  // error at once, not "No Bluetooth adapter" and an empty list later.
  const { bleSettingFrom, checkBleSetting, createRadio } = await import('../engine/ble/radio-setting.ts');
  let ble;
  try {
    const setting = bleSettingFrom(process.env.OTA_BENCH_BLE);
    if (command !== 'inspect' && !readsHistoryOnly) await checkBleSetting(setting);
    ble = readsHistoryOnly ? null : createRadio(setting);
  } catch (error) {
    out.error((error as Error).message);
    return 2;
  }
  const { SERIAL_BAUD_RATES } = await import('../../shared/request-schemas.ts');
  const serialSettings = serialOptions(values.baud, values.flow, SERIAL_BAUD_RATES);
  const { useSerialSettings } = await import('./resolve-device.ts');
  useSerialSettings(serialSettings);
  const { createEngine } = await import('../engine/index.ts');
  const { dataDir } = await import('../engine/jobs/board-lock.ts');
  const { historyFile } = await import('../engine/history/history-file.ts');
  const engine = createEngine({
    ble,
    processName: 'the OTA Bench CLI',
    serialPorts: true,
    // The app's history file too (its data folder, or OTA_BENCH_DATA_DIR): both record and read one history.
    historyFile: historyFile(dataDir()),
    timeouts: {
      healthSeconds: seconds(values['health-seconds'], 10, 'health-seconds'),
      rebootComeBackMs: seconds(values['reboot-timeout'], 90, 'reboot-timeout') * 1000,
    },
  });
  const need = (what: string) => {
    if (!arg) throw new UsageError(`${command} needs ${what}. See ota-bench --help.`);
    return arg;
  };
  try {
    switch (command) {
      case 'discover': {
        await engine.startDiscovery();
        const { addNamedBoards } = await import('./discover-named.ts');
        const wait = new Promise((resolve) => setTimeout(resolve, seconds(values.timeout, 3, 'timeout') * 1000));
        // Ports and UDP boards named on the command line are probed while discovery runs.
        const failures = await addNamedBoards(engine, values.serial ?? [], values.udp ?? []);
        await wait;
        const devices = engine.listDevices();
        for (const d of devices) {
          out.event('device', d);
          out.line(`${deviceLine(d)}${offlineNote(d, Date.now())}`);
          const portLine = serialPortLine(d);
          if (portLine) out.line(portLine);
        }
        for (const failure of failures) {
          out.event('notAdded', failure);
          out.line(notAdded(failure.ref, failure.reason));
        }
        const status = engine.discoveryStatus();
        if (status.ble && status.ble.state !== 'scanning') out.line(`BLE: ${status.ble.message}`);
        if (status.serial && status.serial.state !== 'watching') out.line(`Serial: ${status.serial.message}`);
        const found = { fromVersion: null, toVersion: null, count: devices.length };
        out.result({ state: 'done', result: 'success', message: boardsFound(devices.length), ...found });
        return 0;
      }
      case 'inspect': {
        need('FILE');
        const image = await engine.inspectImages(files);
        out.event('image', image);
        printImage(out, image);
        const ok = !image.problem;
        const message = image.problem ?? pushableWith(image.pushableWith);
        out.result({
          state: 'done',
          result: ok ? 'success' : 'unsupported-package',
          message,
          fromVersion: null,
          toVersion: image.version,
        });
        return ok ? 0 : 1;
      }
      case 'push': {
        // Several boards (--to A --to B,C, --all) or a fleet option: a fleet run (fleet-command.ts).
        const { fleetRequestOptions, isFleetPush, targetRefs } = await import('./fleet-request.ts');
        const refs = targetRefs(values.to);
        if (isFleetPush(values, refs)) {
          if (refs.length === 0 && !values.all)
            throw new UsageError('push needs --to DEVICE (or --all) for a run to several boards.');
          need('FILE');
          const { passwordFor, terminalAsker } = await import('./password.ts');
          const password = await passwordFor(values, { env: process.env, ask: terminalAsker() });
          const interactive = Boolean(process.stdin.isTTY);
          const request = fleetRequestOptions({ ...values, password }, { interactive });
          const { fleetCommand } = await import('./fleet-command.ts');
          const discoverSeconds = seconds(values.timeout, 5, 'timeout');
          return await fleetCommand(engine, out, { files, refs, all: Boolean(values.all), request, discoverSeconds });
        }
        const to = refs[0];
        if (!to) throw new UsageError('push needs --to DEVICE (a discovered name or id, or host[:port]).');
        // Checked by the contract's own push schema: the CLI takes exactly the pushes the UI may ask for.
        const { pushRequestOptions } = await import('./push-request.ts');
        need('FILE');
        // Asked for (without echo) only once the command line is otherwise complete.
        const { askCredentials, passwordFor, terminalAsker } = await import('./password.ts');
        const password = await passwordFor(values, { env: process.env, ask: terminalAsker() });
        const request = pushRequestOptions({ ...values, password }, { interactive: Boolean(process.stdin.isTTY) });
        const { pushCommand } = await import('./push-command.ts');
        return await pushCommand(engine, out, {
          files,
          force: Boolean(values.force),
          to,
          protocol: request.protocol,
          commit: request.commitPolicy,
          commitTimeout: request.commitTimeoutSeconds,
          credentials: request.credentials,
          askCredentials: process.stdin.isTTY ? (boardName) => askCredentials(boardName) : undefined,
          discoverSeconds: seconds(values.timeout, 5, 'timeout'),
          mode: request.mode,
          otaListenPort: request.otaListenPort,
        });
      }
      case 'status':
      case 'commit':
      case 'revert': {
        const { checkPair, passwordFor, terminalAsker } = await import('./password.ts');
        const password = await passwordFor(values, { env: process.env, ask: terminalAsker() });
        checkPair(values.user, password);
        // A board behind a password (Mongoose RPC auth) needs them for status, commit and revert too.
        const credentials = values.user ? { user: values.user, password: password ?? '' } : undefined;
        const device = await resolveDeviceRef(engine, need('DEVICE'), seconds(values.timeout, 5, 'timeout'), {
          credentials,
        });
        if (command !== 'status' && device.protocol === 'mcumgr-smp') {
          const { smpSlotCommand } = await import('./smp-slot-command.ts');
          return await smpSlotCommand(engine, out, device, command);
        }
        const status =
          command === 'status'
            ? await engine.deviceStatus(device.id)
            : command === 'commit'
              ? await engine.commitDevice(device.id)
              : await engine.revertDevice(device.id);
        out.event('status', status);
        // The board's own remaining time (Mongoose: commit_timeout − uptime), as read just now.
        const { revertWords } = await import('../engine/jobs/commit-state.ts');
        out.line(statusHeadline(device.name, status, revertWords));
        if (status.slots) out.line(slotsLine(status.slots));
        if (status.imageSlots) printImageSlots(out, status.imageSlots);
        for (const [key, value] of Object.entries(status.details)) out.line(`  ${key}: ${value}`);
        const done = deviceCommandDone(command, status);
        // A board that did not answer is a lost connection, and the message says what was not done.
        const result = done ? 'success' : status.reachable ? 'update-failed' : 'connection-lost';
        const message = deviceCommandMessage(command, device, status, Boolean(credentials));
        out.result({
          state: done ? 'done' : 'failed',
          result,
          message,
          fromVersion: null,
          toVersion: status.firmwareVersion,
        });
        return done ? 0 : 1;
      }
      case 'history':
      case 'devices': {
        const { devicesCommand, historyCommand } = await import('./history-command.ts');
        return command === 'history'
          ? historyCommand(engine, out, { device: arg, limit: values.limit })
          : devicesCommand(engine, out);
      }
      default:
        throw new Error(`Unknown command "${command}". See ota-bench --help.`);
    }
  } catch (error) {
    out.error((error as Error).message);
    // A mistake on the command line is exit 2, whatever command found it; a failure on a board is 1.
    return error instanceof UsageError ? 2 : 1;
  } finally {
    await engine.close();
  }
}

keepQuietOnClosedPipes();
main(process.argv.slice(2)).then(
  (code) => exitWhenFlushed(code),
  (error: Error) => {
    process.stderr.write(`ota-bench: ${forTerminal(error.message)}\n`);
    exitWhenFlushed(2);
  },
);
