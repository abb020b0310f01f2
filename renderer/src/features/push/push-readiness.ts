// Whether a push can start, and if not, the one sentence that says why. Pure, so the Push button's
// disabled reason is unit-tested rather than discovered by clicking.
import type { Device, ImageInfo, Job, ProtocolId } from '../../../../shared/domain.ts';
import { PROTOCOL_LABELS } from '../../../../shared/domain.ts';

export const MIN_COMMIT_TIMEOUT_SECONDS = 10;
export const MAX_COMMIT_TIMEOUT_SECONDS = 24 * 3600;

/** Only Mongoose OS boots new firmware uncommitted and reverts on its own. */
export function hasCommitStep(protocol: ProtocolId): boolean {
  return protocol === 'mongoose-os';
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
}

/** null when Push may be pressed; otherwise the reason shown under the disabled button. */
export function pushBlocker({ device, image, inspecting, activeJob, commitTimeoutSeconds }: ReadinessInput): string | null {
  if (!device) return 'Pick a board on the left.';
  if (inspecting) return 'Wait for the file to be inspected.';
  if (!image) return 'Choose a firmware file, or drop one on the window.';
  if (!device.pushSupported) {
    if (device.protocol === 'unknown') return `OTA Bench cannot tell which update protocol ${device.name} speaks.`;
    return `Pushing over ${PROTOCOL_LABELS[device.protocol]} arrives in a later version of OTA Bench.`;
  }
  // The Firmware card right beside the button spells the problem out; do not repeat a paragraph.
  if (image.problem) return 'This file cannot be pushed: see the problem under Firmware.';
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
  return null;
}

/** Worth knowing, not blocking: re-flashing the same build is common on a bench. */
export function versionNote(device: Device, image: ImageInfo): string | null {
  if (!device.firmwareVersion || !image.version) return null;
  if (device.firmwareVersion === image.version) return `${device.name} already runs ${image.version}.`;
  return null;
}
