// ota-bench: the same engine as the desktop app, from a terminal.
// `--help` and `--version` load nothing but this file and the output helpers: the engine, zod and the
// Bluetooth setting are imported when a command needs them, so the CLI starts like a small tool.
import { parseArgs } from 'node:util';
import { PROTOCOL_LABELS, SMP_COMMIT_MODES, type CommitPolicy, type ProtocolId, type SmpCommitMode } from '../../shared/domain.ts';
import { Output, exitWhenFlushed, forTerminal, keepQuietOnClosedPipes, writeOut } from './output.ts';
import { UsageError, optionErrorWords, packageVersion } from './usage.ts';
import { deviceLine, offlineNote, printImage, printImageSlots, slotsLine } from './describe.ts';
import { resolveDeviceRef } from './resolve-device.ts';

const HELP = `ota-bench — push firmware to dev boards on your bench

Usage:
  ota-bench discover [--timeout S] [--json]
  ota-bench inspect FILE|FOLDER [FILE2] [--json]
  ota-bench push FILE [FILE2] --to DEVICE [--protocol P] [--commit auto|prompt|never] [--commit-timeout S]
                 [--user U --password P] [--health-seconds S] [--reboot-timeout S] [--force] [--json]
                 [--mode test-and-confirm|confirm-only|test-only]   (MCUmgr/SMP devices over BLE)
  ota-bench commit DEVICE     ota-bench revert DEVICE     ota-bench status DEVICE [--json]
                 [--user U --password P]   (a board behind a password)

DEVICE is a discovered id or name, a BLE address, or host[:port] (no discovery needed).
BLE: MCUmgr/SMP devices take signed MCUboot images (app.signed.bin). --mode picks what happens after
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
--json prints one JSON object per line: events, then a final {"type":"result",…}.
Exit status is 0 only on success.
Protocols: ${Object.keys(PROTOCOL_LABELS).filter((p) => p !== 'unknown').join(', ')}`;

const options = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  timeout: { type: 'string' },
  to: { type: 'string' },
  protocol: { type: 'string' },
  commit: { type: 'string' },
  'commit-timeout': { type: 'string' },
  'health-seconds': { type: 'string' },
  'reboot-timeout': { type: 'string' },
  user: { type: 'string' },
  password: { type: 'string' },
  force: { type: 'boolean' },
  mode: { type: 'string' },
} as const;

function seconds(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${name} wants a number of seconds, not "${value}".`);
  return n;
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
  if (!['discover', 'inspect', 'push', 'status', 'commit', 'revert'].includes(command)) throw new UsageError(`unknown command "${command}". See ota-bench --help.`);
  const out = new Output(Boolean(values.json));
  // A Bluetooth setting the CLI cannot use (a typo, a missing or invalid sim scenario) is a usage
  // error at once, not "No Bluetooth adapter" and an empty list later.
  const { bleSettingFrom, checkBleSetting, createRadio } = await import('../engine/ble/radio-setting.ts');
  let ble;
  try {
    const setting = bleSettingFrom(process.env.OTA_BENCH_BLE);
    if (command !== 'inspect') await checkBleSetting(setting);
    ble = createRadio(setting);
  } catch (error) {
    out.error((error as Error).message);
    return 2;
  }
  const { createEngine } = await import('../engine/index.ts');
  const engine = createEngine({
    ble,
    processName: 'the OTA Bench CLI',
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
        await new Promise((resolve) => setTimeout(resolve, seconds(values.timeout, 3, 'timeout') * 1000));
        const devices = engine.listDevices();
        for (const d of devices) {
          out.event('device', d);
          out.line(`${deviceLine(d)}${offlineNote(d, Date.now())}`);
        }
        const ble = engine.discoveryStatus().ble;
        if (ble && ble.state !== 'scanning') out.line(`BLE: ${ble.message}`);
        out.result({ state: 'done', result: 'success', message: `${devices.length} board(s) found.`, fromVersion: null, toVersion: null, count: devices.length });
        return 0;
      }
      case 'inspect': {
        need('FILE');
        const image = await engine.inspectImages(files);
        out.event('image', image);
        printImage(out, image);
        const ok = !image.problem;
        out.result({ state: 'done', result: ok ? 'success' : 'unsupported-package', message: image.problem ?? `Pushable with: ${image.pushableWith.join(', ') || 'nothing yet'}.`, fromVersion: null, toVersion: image.version });
        return ok ? 0 : 1;
      }
      case 'push': {
        if (!values.to) throw new UsageError('push needs --to DEVICE (a discovered name or id, or host[:port]).');
        const commit = (values.commit ?? (process.stdin.isTTY ? 'prompt' : 'never')) as CommitPolicy;
        if (!['auto', 'prompt', 'never'].includes(commit)) throw new UsageError(`--commit must be auto, prompt or never, not "${commit}".`);
        let protocol: ProtocolId | undefined;
        if (values.protocol) {
          const { protocolIdSchema } = await import('../../shared/contract.ts');
          const parsed = protocolIdSchema.safeParse(values.protocol);
          if (!parsed.success) throw new UsageError(`Unknown --protocol "${values.protocol}". Known: ${protocolIdSchema.options.join(', ')}.`);
          protocol = parsed.data;
        }
        if (Boolean(values.user) !== Boolean(values.password)) throw new UsageError('--user and --password go together.');
        const mode = values.mode as SmpCommitMode | undefined;
        if (mode !== undefined && !(mode in SMP_COMMIT_MODES)) throw new UsageError(`--mode must be ${Object.keys(SMP_COMMIT_MODES).join(', ')}, not "${mode}".`);
        need('FILE');
        const { pushCommand } = await import('./push-command.ts');
        return await pushCommand(engine, out, {
          files,
          force: Boolean(values.force),
          to: values.to,
          protocol,
          commit,
          commitTimeout: seconds(values['commit-timeout'], 300, 'commit-timeout'),
          credentials: values.user ? { user: values.user, password: values.password ?? '' } : undefined,
          discoverSeconds: seconds(values.timeout, 5, 'timeout'),
          mode,
        });
      }
      case 'status':
      case 'commit':
      case 'revert': {
        if (Boolean(values.user) !== Boolean(values.password)) throw new UsageError('--user and --password go together.');
        // A board behind a password (Mongoose RPC auth) needs them for status, commit and revert too.
        const credentials = values.user ? { user: values.user, password: values.password ?? '' } : undefined;
        const device = await resolveDeviceRef(engine, need('DEVICE'), seconds(values.timeout, 5, 'timeout'), { credentials });
        if (command !== 'status' && device.protocol === 'mcumgr-smp') {
          const { smpSlotCommand } = await import('./smp-slot-command.ts');
          return await smpSlotCommand(engine, out, device, command);
        }
        const status = command === 'status' ? await engine.deviceStatus(device.id) : command === 'commit' ? await engine.commitDevice(device.id) : await engine.revertDevice(device.id);
        out.event('status', status);
        // The board's own remaining time (Mongoose: commit_timeout − uptime), as read just now.
        const { revertWords } = await import('../engine/jobs/commit-state.ts');
        const boot = status.bootState ? (status.bootState.committed ? ', committed' : `, UNCOMMITTED (${revertWords(status.bootState.revertsInSeconds)})`) : '';
        out.line(`${device.name}: ${status.reachable ? 'reachable' : 'not reachable'}, firmware ${status.firmwareVersion ?? 'unknown'}${boot}`);
        if (status.slots) out.line(slotsLine(status.slots));
        if (status.imageSlots) printImageSlots(out, status.imageSlots);
        for (const [key, value] of Object.entries(status.details)) out.line(`  ${key}: ${value}`);
        const done = command === 'status' ? status.reachable : status.reachable && (command === 'revert' || status.bootState?.committed !== false);
        // A board that did not answer is a lost connection, and the message says what was not done.
        const why = status.details.error ? ` (${status.details.error})${/needs a password|user name or password/.test(status.details.error) ? (credentials ? ' Check --user and --password.' : ' Give them with --user USER --password PASSWORD.') : ''}` : '';
        const message = done ? status.outcome ?? `${device.name} ${command === 'status' ? 'status read' : `${command} done`}.`
          : !status.reachable ? `${device.name} did not answer: ${command === 'status' ? 'status not read' : `${command} not confirmed`}${why}.`
            : `${device.name}: ${command} did not take effect; the board still reports the firmware as uncommitted.`;
        out.result({ state: done ? 'done' : 'failed', result: done ? 'success' : status.reachable ? 'update-failed' : 'connection-lost', message, fromVersion: null, toVersion: status.firmwareVersion });
        return done ? 0 : 1;
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
