// The sentences a fleet run says: why a board was skipped, why the run stopped, and the refusals of
// start / retry / commit all / dismiss. Kept here so the control flow reads as control flow.
import { PROTOCOL_LABELS, type ProtocolId } from '../../../shared/domain.ts';

export const offlineWhenItsTurnCame = (): string => 'Offline when its turn came.';

export const alreadyRuns = (version: string): string => `Already runs ${version}.`;

export function noFileFor(protocol: ProtocolId): string {
  if (protocol === 'unknown') return 'Its update protocol is not known, so none of the files can be chosen for it.';
  return `None of the files is for ${PROTOCOL_LABELS[protocol]}.`;
}

export const noLongerListed = (deviceId: string): string =>
  `The board ${deviceId} is no longer listed; it may have been forgotten.`;

export const runStoppedAfter = (board: string): string => `The run stopped after ${board} failed.`;

export const pilotNotHealthy = (board: string, why: string | null): string =>
  `The first board did not prove healthy: ${board}${why ? ` — ${why}` : ''}`;

export const cancelledBeforeItsTurn = (): string => 'Cancelled before its turn came.';

export const runCancelled = (): string => 'Cancelled: running pushes were stopped and the waiting boards left alone.';

export const stoppedAfterFirstFailure = (board: string): string =>
  `Stopped after the first failure (${board}); the boards that were running finished.`;

export const stagedPilotFailed = (board: string): string =>
  `${board} went first and did not prove healthy, so the others were not pushed.`;

export const noSuchDevice = (deviceId: string): string =>
  `No board ${deviceId} is in the list; it may have been forgotten. Refresh the list and pick the boards again.`;

export const imageNotOpen = (imageId: string): string =>
  `The image ${imageId.slice(0, 8)} is no longer open; pick the file again.`;

export const imageCannotBePushed = (fileName: string, problem: string): string =>
  `${fileName} cannot be pushed: ${problem}`;

export const noSuchRun = (fleetId: string): string => `No fleet run ${fleetId}; it may have been dismissed.`;

export const onlyEndedRunsDismissed = (): string => 'Only an ended run can be dismissed; cancel it first.';

export const nothingToRetry = (): string => 'Nothing to retry: no board of this run failed or rolled back.';

export const nothingAwaitsCommit = (): string => 'No board of this run is waiting for a commit.';

export const runnerClosed = (): string => 'OTA Bench is closing; no new fleet run can start.';
