// Whether a push can start, and if not, the one sentence that says why. Pure, so the Push button's
// disabled reason is unit-tested rather than discovered by clicking.
import type { Device, ImageInfo, Job, ProtocolId, PushPlan } from '../../../../shared/domain.ts';
import { PROTOCOL_LABELS } from '../../../../shared/domain.ts';
import { serialBlocker } from '../devices/serial.ts';

export const MIN_COMMIT_TIMEOUT_SECONDS = 10;
export const MAX_COMMIT_TIMEOUT_SECONDS = 24 * 3600;

/** Only Mongoose OS (over HTTP or over BLE) boots new firmware uncommitted and reverts on its own. */
export function hasCommitStep(protocol: ProtocolId): boolean {
  return protocol === 'mongoose-os' || protocol === 'mongoose-os-ble';
}

/**
 * Protocols whose push depends on what the board says before the upload (esp-link: which slot it
 * writes next picks the file; MCUmgr/SMP: the image list says whether there is anything to upload).
 * Push waits for their plan; for the others the plan only adds checks.
 */
export function needsPlan(protocol: ProtocolId): boolean {
  return protocol === 'esp-link' || protocol === 'mcumgr-smp';
}

const SMP_LINK_WORDS: Record<Device['transport'], string> = {
  ble: 'over Bluetooth',
  serial: 'over the serial port',
  lan: 'over UDP',
};

/** What the Push button waits for while the plan is asked. */
function askingBoard(device: Device): string {
  return device.protocol === 'mcumgr-smp'
    ? `Reading ${device.name}'s image slots ${SMP_LINK_WORDS[device.transport]}…`
    : `Asking ${device.name} which slot it writes next…`;
}

/**
 * Whether the push form offers a user name and password: only for boards reached over HTTP-style LAN
 * protocols. MCUmgr/SMP has no credentials on any link (UDP, serial, BLE), and BLE pairing is the OS's
 * business, so a Bluetooth board of any protocol takes none either.
 */
export function takesCredentials(device: Pick<Device, 'transport' | 'protocol'> | null): boolean {
  return device !== null && device.transport === 'lan' && device.protocol !== 'mcumgr-smp';
}

/** The engine's pre-flight plan for the selected board and file, and whether the user overrode it. */
export interface PlanReadiness {
  /** The plan for this board and file; null until the engine answered (or when it could not). */
  plan: PushPlan | null;
  /** A (re)check is under way. */
  checking: boolean;
  /** Why the engine could not make a plan (board unreachable…). */
  error: string | null;
  /** The user ticked "Push anyway" for this very plan. */
  override: boolean;
}

export const NO_PLAN: PlanReadiness = { plan: null, checking: false, error: null, override: false };

/** Push with an override of the plan on screen: only when the plan needs it and the user said so. */
export function overrideApplies({ plan, override }: PlanReadiness): boolean {
  return override && plan?.verdict === 'needs-override';
}

function listProtocols(protocols: ProtocolId[]): string {
  return protocols.map((protocol) => PROTOCOL_LABELS[protocol]).join(', ');
}

/** Does the file suit the board? null when it does (or when either is missing). */
export function mismatchReason(device: Device, image: ImageInfo): string | null {
  if (image.pushableWith.includes(device.protocol)) return null;
  const board = PROTOCOL_LABELS[device.protocol];
  if (image.pushableWith.length === 0) return `No update protocol can take this ${image.formatLabel} file.`;
  return `This ${image.formatLabel} file is for ${listProtocols(image.pushableWith)} boards; ${device.name} speaks ${board}.`;
}

export interface ReadinessInput {
  device: Device | null;
  image: ImageInfo | null;
  inspecting: boolean;
  activeJob: Job | undefined;
  commitTimeoutSeconds: number;
  planning?: PlanReadiness;
}

/** null when Push may be pressed; otherwise the reason shown under the disabled button. */
export function pushBlocker({
  device,
  image,
  inspecting,
  activeJob,
  commitTimeoutSeconds,
  planning = NO_PLAN,
}: ReadinessInput): string | null {
  if (!device) return 'Pick a board on the left.';
  // A serial port says first whether it may be written to and what its probe found.
  const serial = serialBlocker(device);
  if (serial) return serial;
  // Before asking for a file: no file would make this board pushable.
  if (!device.pushSupported) {
    if (device.protocol === 'unknown') return `OTA Bench cannot tell which update protocol ${device.name} speaks.`;
    // The push card's note (devices/transport.ts pushLaterNote) names the protocol; say it once.
    return 'Not available yet: see the note above.';
  }
  if (inspecting) return 'Wait for the file to be inspected.';
  if (!image) return 'Choose a firmware file, or drop one on the window.';
  // The Firmware card right beside the button spells the problem out; do not repeat a paragraph.
  if (image.problem) return 'This file cannot be pushed: see the problem under Firmware.';
  const { plan } = planning;
  // The plan's verdict box above the button says why in full; the blocker only points at it.
  if (plan?.verdict === 'refused') return 'Refused by the pre-flight checks above.';
  const mismatch = mismatchReason(device, image);
  if (mismatch) return mismatch;
  if (!device.online) return `${device.name} is offline. Wait until it is back, or add it again by address.`;
  if (activeJob) return `A push to ${device.name} is still running.`;
  if (
    hasCommitStep(device.protocol) &&
    !(
      Number.isInteger(commitTimeoutSeconds) &&
      commitTimeoutSeconds >= MIN_COMMIT_TIMEOUT_SECONDS &&
      commitTimeoutSeconds <= MAX_COMMIT_TIMEOUT_SECONDS
    )
  ) {
    return 'The commit timeout must be a whole number of seconds between 10 and 86400.';
  }
  if (needsPlan(device.protocol) && !plan) {
    if (planning.error) return `Could not check the file against ${device.name}: ${planning.error}`;
    return askingBoard(device);
  }
  if (needsPlan(device.protocol) && planning.checking) return `Checking the file against ${device.name} again…`;
  if (plan?.verdict === 'needs-override' && !planning.override) {
    return 'Tick “Push anyway” above to send it regardless of the failed check.';
  }
  return null;
}

/**
 * Worth knowing, not blocking: re-flashing the same build is common on a bench. While a push to this
 * board runs, the version the board reports may be the one that push just put there (Mongoose OS
 * reboots into it uncommitted), so "already runs" would be the push describing itself: say what is
 * true instead — it awaits your commit — or nothing while the push is still under way.
 */
export function versionNote(device: Device, image: ImageInfo, activeJob?: Job): string | null {
  if (activeJob) {
    if (activeJob.state !== 'awaiting-commit') return null;
    const running = activeJob.toVersion ?? activeJob.image.version ?? 'the new firmware';
    return `${device.name} runs ${running} from the push under way: awaiting your commit (Commit or Revert under Pushes).`;
  }
  if (!device.firmwareVersion || !image.version) return null;
  if (sameVersion(device.firmwareVersion, image.version)) return `${device.name} already runs ${image.version}.`;
  return null;
}

/** MCUboot files say `1.2.0+0`; the device lists `1.2.0` (the build number only when it is not 0). */
function sameVersion(running: string, file: string): boolean {
  const plain = (version: string) => version.replace(/\+0$/, '');
  return plain(running) === plain(file);
}
