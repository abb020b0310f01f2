// The CLI's longer sentences, built here so the commands read as control flow. Numbers in them are
// said by shared/format.ts, as the desktop app says them. Nothing here imports the engine: main.ts
// loads this file for every command, and `--help` must stay quick.
import type { Device, DeviceStatus, ImageInfo, Job, ProtocolId } from '../../shared/domain.ts';
import { PROTOCOL_LABELS } from '../../shared/domain.ts';
import { formatBytes, formatCountdown, formatEndpoint, shortHash } from '../../shared/format.ts';

export type DeviceCommand = 'status' | 'commit' | 'revert';

/** Where the CLI takes credentials, for every message about a board's password. */
export const AUTH_HINT = 'Give them with --user USER --password PASSWORD.';

/** Boards that ask for a password and no user name (ESPHome native OTA, ArduinoOTA): `--user` means nothing to them. */
const PASSWORD_ONLY: readonly ProtocolId[] = ['esphome-native', 'arduino-ota'];

/** After a password problem: how to give credentials, or to check the ones given (only the password where that is all the board asks). */
export function credentialsHint(credentialsGiven: boolean, protocol?: ProtocolId): string {
  const passwordOnly = protocol !== undefined && PASSWORD_ONLY.includes(protocol);
  if (credentialsGiven) return passwordOnly ? 'Check --password.' : 'Check --user and --password.';
  return passwordOnly ? 'Give it with --password PASSWORD.' : AUTH_HINT;
}

/** `serial /dev/ttyACM0, 115200 baud` (`, RTS/CTS` with flow control). */
export function serialWhere(device: Device): string {
  const facts = device.serial;
  if (!facts) return `serial ${device.address ?? device.id}`;
  const flow = facts.flowControl === 'rts-cts' ? ', RTS/CTS' : '';
  return `serial ${facts.path}, ${facts.baudRate} baud${flow}`;
}

/** The second line of a serial port in `discover`: USB ids, the board they name, what the probe found. */
export function serialPortLine(device: Device): string | null {
  const facts = device.serial;
  if (!facts) return null;
  const usb = facts.vendorId ? `USB ${facts.vendorId}:${facts.productId ?? '????'}` : 'not USB';
  const board = facts.knownBoard ? ` (${facts.knownBoard})` : '';
  const serialNumber = facts.serialNumber ? ` serial ${facts.serialNumber}` : '';
  const probe = facts.allowed
    ? `probe: ${facts.probe}${facts.probeMessage ? ` — ${facts.probeMessage}` : ''}`
    : 'not probed: OTA Bench writes only to ports you name (--serial PATH) or that carry a known USB id';
  return `    ${usb}${board}${serialNumber} · ${probe}`;
}

/** `--serial` / `--udp` given to discover that could not be added, one line each. */
export function notAdded(ref: string, reason: string): string {
  return `✖ ${ref}: ${reason}`;
}

export function boardsFound(count: number): string {
  return `${count} board(s) found.`;
}

export function pushableWith(protocols: string[]): string {
  return `Pushable with: ${protocols.join(', ') || 'nothing yet'}.`;
}

/** `app.bin: ESP32 app image, 1.02 MiB, sha256 0123456789ab…, version 1.1.0` */
export function imageLine(image: ImageInfo): string {
  const version = image.version ? `, version ${image.version}` : '';
  return `${image.fileName}: ${image.formatLabel}, ${formatBytes(image.size)}, sha256 ${shortHash(image.sha256)}…${version}`;
}

/** `Board: kitchen (192.168.1.20:80, Mongoose OS, running 1.0.0)`; BLE devices by their Bluetooth address. */
export function boardLine(device: Device, protocol: ProtocolId): string {
  const where =
    device.transport === 'ble'
      ? `BLE ${device.address ?? device.id}`
      : device.transport === 'serial'
        ? serialWhere(device)
        : device.id.startsWith('udp:')
          ? `udp://${formatEndpoint(device.address, null, device.port)}`
          : formatEndpoint(device.address, device.hostname, device.port);
  const running = device.firmwareVersion ? `, running ${device.firmwareVersion}` : '';
  return `Board: ${device.name} (${where}, ${PROTOCOL_LABELS[protocol]}${running})`;
}

/** Time left in a job's commit window, on the same clock the desktop app shows ("4:52"). */
export function commitTimeLeft(job: Job, unknown: string): string {
  return job.commitDeadline ? formatCountdown((job.commitDeadline - Date.now()) / 1000) : unknown;
}

export function commitQuestion(job: Job): string {
  const version = job.toVersion ?? 'the new firmware';
  return `${job.deviceName} runs ${version} uncommitted (${commitTimeLeft(job, '?')} left). [c]ommit, [r]evert or [w]ait for rollback? `;
}

export function commitAnswerRefused(answer: string): string {
  return `Please answer c (commit), r (revert) or w (wait), not "${answer}".`;
}

/** `--commit never`: the push ends with the board uncommitted, and says how to keep the firmware. */
export function leftUncommitted(job: Job, deviceId: string): string {
  const version = job.toVersion ?? 'the new firmware';
  const left = commitTimeLeft(job, 'a few minutes');
  return `${job.deviceName} runs ${version} uncommitted; it reverts in ${left} unless you run: ota-bench commit ${deviceId}`;
}

export function notPushedForPassword(checkDetail: string): string {
  return `Not pushed: ${checkDetail} ${AUTH_HINT}`;
}

/** A refused plan: the engine's reason, and what the user can do about it from here. */
export function notPushed(
  planMessage: string | null,
  why: 'needs-override' | 'uncommitted' | 'refused',
  to: string,
): string {
  const hints = {
    'needs-override': ' If you are sure, add --force (dangerous: a wrong-slot image does not boot).',
    uncommitted: ` Keep it: ota-bench commit ${to} — or go back: ota-bench revert ${to}; then push again.`,
    refused: '',
  };
  return `Not pushed: ${planMessage}${hints[why]}`;
}

/** When the engine could not tell a board's protocol: the options that tell it. */
export function protocolHint(engineMessage: string, pushable: string[]): string {
  const password = /password/.test(engineMessage) ? '--user USER --password PASSWORD, or ' : '';
  return ` (${password}--protocol ${pushable.join('|')})`;
}

/** `kitchen: reachable, firmware 1.1.0, UNCOMMITTED (reverts in 4:10)`; `revertPhrase` is the engine's. */
export function statusHeadline(
  name: string,
  status: DeviceStatus,
  revertPhrase: (seconds?: number | null) => string,
): string {
  const boot = status.bootState;
  const commitWords = !boot
    ? ''
    : boot.committed
      ? ', committed'
      : `, UNCOMMITTED (${revertPhrase(boot.revertsInSeconds)})`;
  const reachable = status.reachable ? 'reachable' : 'not reachable';
  return `${name}: ${reachable}, firmware ${status.firmwareVersion ?? 'unknown'}${commitWords}`;
}

/** Whether `status`, `commit` or `revert` did what was asked. */
export function deviceCommandDone(command: DeviceCommand, status: DeviceStatus): boolean {
  if (!status.reachable) return false;
  return command !== 'commit' || status.bootState?.committed !== false;
}

/**
 * The result line of `status`, `commit` or `revert`. A board that did not answer is a lost
 * connection, and the message says what was not done (and, for a password, how to give one).
 */
export function deviceCommandMessage(
  command: DeviceCommand,
  device: Device,
  status: DeviceStatus,
  credentialsGiven: boolean,
): string {
  const name = device.name;
  if (deviceCommandDone(command, status)) {
    return status.outcome ?? `${name} ${command === 'status' ? 'status read' : `${command} done`}.`;
  }
  if (status.reachable) {
    return `${name}: ${command} did not take effect; the board still reports the firmware as uncommitted.`;
  }
  const error = status.details.error;
  const notDone = command === 'status' ? 'status not read' : `${command} not confirmed`;
  if (!error) return `${name} did not answer: ${notDone}.`;
  // The password hint is a sentence of its own, with its own full stop.
  const password = /needs a password|user name or password/.test(error) ? ` ${credentialsHint(credentialsGiven)}` : '.';
  return `${name} did not answer: ${notDone} (${error})${password}`;
}
