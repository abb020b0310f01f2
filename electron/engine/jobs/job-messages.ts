// The LAN job's longer sentences (job-runner.ts, reboot-watch.ts): what happened to the board after
// the upload and what the user can do next, kept out of the job's control flow so it reads as steps.
import { formatDuration } from '../../../shared/format.ts';

/** Revert asked of a Mongoose OS board whose firmware is already committed. */
export function nothingToRevert(name: string, running: string | null): string {
  return (
    `${name} runs ${running ?? 'its firmware'} committed: there is nothing to revert ` +
    '(Mongoose OS can only go back from an uncommitted update).'
  );
}

/** The board lock could not be used (`what` says how and why): pushes are not kept from overlapping. */
export function lockNotTaken(what: string): string {
  return `${what}; another OTA Bench could push to this board at the same time.`;
}

/** The board took the image and never answered again within the come-back budget. */
export function notBackInTime(comeBackMs: number): string {
  return (
    `The board took the image but did not come back within ${formatDuration(comeBackMs / 1000)}. ` +
    'It may be stuck in its bootloader or have joined another network; power-cycle it and run `ota-bench status`.'
  );
}

/** The upload was cut (`happened` says how) and the board has been silent since; `why` is empty or " <reason>". */
export function silentSinceCut(happened: string, why: string): string {
  return (
    `${happened} It has not answered since: OTA Bench cannot tell what it runs; ` +
    `power-cycle it and run \`ota-bench status\`.${why}`
  );
}

/** The upload was cut and the board answers again with no version that shows it took the image. */
export function unknownAfterCut(happened: string, toVersion: string | null): string {
  const running = toVersion ? `, running ${toVersion}` : '';
  return `${happened} It answers again${running}, but OTA Bench cannot tell whether it took the new image.`;
}

/** A version-reporting board came back with the firmware it had before the push. */
export function stillRunningOld(fromVersion: string, expected: string): string {
  return (
    `The board came back still running ${fromVersion}, not ${expected}: ` +
    'the new image did not start and the bootloader kept the old one.'
  );
}

/** A user1/user2 board whose new firmware does not say which slot runs (`version` is empty or ", version x"). */
export function slotNotReported(name: string, version: string): string {
  return (
    `${name} rebooted, but the new firmware does not answer /flash/next like esp-link, ` +
    `so OTA Bench cannot confirm which slot runs${version}.`
  );
}

export interface SlotRollback {
  name: string;
  /** The slot the board came back in, and the one the new image was written to. */
  running: 1 | 2;
  expected: 1 | 2;
  /** Empty or ", version x". */
  version: string;
  /** The last reset cause the board reports, if any. */
  resetCause: string | null;
  /** The user pushed past a failed pre-flight check. */
  overridden: boolean;
}

/** A user1/user2 board came back in its old slot: the bootloader went back. */
export function slotRolledBack({ name, running, expected, version, resetCause, overridden }: SlotRollback): string {
  const said = resetCause ? ` The board reports its last reset as "${resetCause}".` : '';
  const likely = overridden
    ? ' You pushed it past a failed pre-flight check: most likely it is linked for the other slot or built for another flash layout.'
    : ' Likely causes: it crashes at start-up, or it was built for another slot or flash layout. Its serial log at 74880 baud shows why.';
  return (
    `${name} came back in slot ${running} (user${running}.bin), still running its previous firmware${version}: ` +
    `the new image in slot ${expected} did not boot and the bootloader went back.${said}${likely}`
  );
}

/** A silent board (ArduinoOTA) typed in by address: nothing it says shows it restarting. */
export const silentAndUnannounced = (): string =>
  'The board restarts by itself; it was added by address and mDNS does not list it, so OTA Bench cannot watch it come back.';

/** The end of a push to such a board: what is known, and what cannot be. */
export const unseenResult = (name: string, deviceMessage: string | null): string =>
  `${name} took the image${deviceMessage ? ` ("${deviceMessage}")` : ''} and restarts by itself; OTA Bench cannot see it come back or tell which firmware runs (it answers nothing but update invitations and mDNS does not list it).`;
