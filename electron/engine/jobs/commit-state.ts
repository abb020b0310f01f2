// Commit state before a push. A Mongoose OS board that runs an uncommitted update refuses the next
// one: updater_context_create() fails ("Previous update has not been committed yet") and the HTTP
// server closes the upload without a word, which reached the user as "connection lost … push again",
// again and again. So the plan reads the boot state first and says what to do.
import type { Device, DeviceCommitState, PreflightCheck } from '../../../shared/domain.ts';
import { formatCountdown } from '../../../shared/format.ts';
import type { Target } from '../net/http-client.ts';
import type { BootState, UpdateProtocol } from '../protocols/update-protocol.ts';
import { UpdateError } from '../update-error.ts';

/** "reverts in 4:10", "its commit window is over: it is reverting" or "reverts on its own soon". */
export function revertWords(revertsInSeconds: number | null | undefined): string {
  if (revertsInSeconds == null) return 'reverts on its own when its commit window ends';
  if (revertsInSeconds <= 0) return 'its commit window is over: it is reverting';
  return `reverts in ${formatCountdown(revertsInSeconds)}`;
}

/** "this board runs 1.1.0 uncommitted (reverts in 4:10)" */
export function uncommittedWords(boot: BootState, fallbackVersion: string | null): string {
  const version = boot.runningVersion ?? fallbackVersion;
  return `this board runs ${version ?? 'a firmware'} uncommitted (${revertWords(boot.revertsInSeconds)})`;
}

/** What the device row keeps: the read, turned into a deadline on our clock. */
export function commitStateOf(boot: BootState, fallbackVersion: string | null, readAt = Date.now()): DeviceCommitState {
  return {
    committed: boot.committed,
    version: boot.runningVersion ?? fallbackVersion,
    revertsAt: !boot.committed && boot.revertsInSeconds != null ? readAt + boot.revertsInSeconds * 1000 : null,
    readAt,
  };
}

/** The plan's check for protocols with test-then-commit firmware; null for the others. */
export async function commitStateCheck(
  protocol: UpdateProtocol,
  device: Device,
  target: Target,
  signal?: AbortSignal,
): Promise<PreflightCheck | null> {
  const control = protocol.commitControl;
  if (!control) return null;
  const label = 'Firmware committed';
  let boot: BootState;
  try {
    boot = await control.bootState(target, signal);
  } catch (error) {
    if (error instanceof UpdateError && error.code === 'cancelled') throw error;
    // A board that wants a password: the plan's password check already says so, in words.
    if (error instanceof UpdateError && error.code === 'auth-failed') return null;
    // Not a verdict: the push itself will find out, and say so, if the board cannot take an update.
    return {
      id: 'commit-state',
      label,
      status: 'warn',
      detail: `Could not read whether it runs committed firmware: ${(error as Error).message}`,
      overridable: false,
    };
  }
  if (boot.committed) {
    return {
      id: 'commit-state',
      label,
      status: 'pass',
      detail: `It runs ${boot.runningVersion ?? device.firmwareVersion ?? 'its firmware'} committed, so it takes an update.`,
      overridable: false,
    };
  }
  const words = uncommittedWords(boot, device.firmwareVersion);
  return {
    id: 'commit-state',
    label,
    status: 'fail',
    detail: `${words[0]!.toUpperCase()}${words.slice(1)}: commit or revert it first.`,
    overridable: false,
  };
}
