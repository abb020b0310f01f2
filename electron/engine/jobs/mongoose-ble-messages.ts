// The Mongoose OS over BLE job's longer sentences (mongoose-ble-job.ts), out of its control flow.
import { formatBleRate, formatBytes, formatCount, formatDuration } from '../../../shared/format.ts';
import { UpdateError, deviceWords } from '../update-error.ts';

export function notAFwZip(fileName: string): string {
  return `${fileName} is not a Mongoose OS fw.zip; Mongoose OS devices only accept the fw.zip that \`mos build\` produces.`;
}

export function wrongPlatform(platform: string, arch: string): string {
  return `This fw.zip is built for ${platform}, but the device is an ${arch}: it would refuse it ("Wrong platform").`;
}

export function runsUncommitted(name: string, version: string | null): string {
  return (
    `${name} runs ${version ?? 'a firmware'} uncommitted and takes no other update until it is committed or ` +
    'reverted. Commit or revert it first.'
  );
}

export function linkDroppedDuringUpload(sent: number, total: number, reason: string): string {
  return `The Bluetooth link dropped after ${formatCount(sent)} of ${formatCount(total)} bytes (${reason}); reconnecting and starting the upload again (the device's updater cannot resume).`;
}

export function linkKeptDropping(sent: number, total: number, reason: string): string {
  return `The Bluetooth link kept dropping (last at byte ${formatCount(sent)} of ${formatCount(total)}: ${reason}); move the device closer to the adapter and push again.`;
}

export function uploadFinished(bytes: number, writes: number, seconds: number): string {
  const rate = seconds > 0 ? `, ${formatBleRate(bytes / seconds)}` : '';
  return `Sent ${formatBytes(bytes)} in ${formatCount(writes)} OTA.Write calls (${formatDuration(seconds)}${rate}).`;
}

export function linkLost(name: string, reason: string): string {
  return `The Bluetooth link to ${name} went down (${reason}); move it closer to the adapter and push again.`;
}

export function endAnswerLost(reason: string): string {
  return `The link went down before OTA.End answered (${reason}); the device resets right after accepting an image, so what it runs after the reboot tells.`;
}

export function notBackAfterReboot(name: string, withinMs: number, reason: string): string {
  return `${name} did not come back within ${formatDuration(withinMs / 1000)} after rebooting into the new firmware (${reason}).`;
}

export function cameBackWithOld(name: string, running: string | null, expected: string): string {
  return `${name} came back running ${running ?? 'an unknown version'}, not ${expected}: the new firmware did not boot, so the device kept its previous one.`;
}

export function rolledBackBecause(why: string, name: string, runs: string | null): string {
  return `${why}, so ${name} rolled back to ${runs ?? 'its previous firmware'}.`;
}

export function notCommittedWithin(version: string | null, seconds: number): string {
  return `Nobody committed ${version ?? 'the new firmware'} within ${formatDuration(seconds)}`;
}

/** An OTA RPC the device refused, in the updater's own words where they say what is wrong. */
export function otaRefused(method: string, deviceMessage: string, imageSize: number): UpdateError {
  const words = deviceWords(deviceMessage);
  const text = words ?? '';
  if (/platform/i.test(text))
    return new UpdateError(
      'unsupported-package',
      'The device rejected fw.zip: it was built for another platform.',
      words,
    );
  if (/space|too (big|large)|no room/i.test(text))
    return new UpdateError(
      'not-enough-space',
      `The device has no room for this image (${formatBytes(imageSize)}).`,
      words,
    );
  if (/crc|checksum|hash|sha/i.test(text))
    return new UpdateError(
      'integrity-failure',
      'The device found the image corrupt (CRC check failed). Rebuild or re-download fw.zip.',
      words,
    );
  if (/compressed|manifest|archive|zip/i.test(text))
    return new UpdateError(
      'unsupported-package',
      'The device could not read this file as a Mongoose OS fw.zip (build it with `mos build`; do not re-zip it).',
      words,
    );
  if (/in progress|not been committed/i.test(text))
    return new UpdateError(
      'update-failed',
      'The device is busy with another update; commit or revert it first, or wait for it to end.',
      words,
    );
  return new UpdateError('update-failed', `The device refused ${method}.`, words);
}
