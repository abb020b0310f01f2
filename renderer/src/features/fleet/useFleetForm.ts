// The fleet push form's state: which images (the open one plus any opened "for the other kind"),
// concurrency, commit policy, stop on failure, staged rollout; and the startFleet call.
import { useState } from 'react';
import type { CommitPolicy, Device, ImageInfo } from '../../../../shared/domain.ts';
import type { FleetRun } from '../../../../shared/fleet.ts';
import { FLEET_LIMITS } from '../../../../shared/request-schemas.ts';
import { errorMessage, useApi } from '../../api.ts';
import { imageFor } from '../devices/selection.ts';
import { DEFAULT_COMMIT_TIMEOUT_SECONDS } from '../push/usePushForm.ts';
import { CONCURRENCY_BLOCKER, NO_IMAGE_BLOCKER, NOTHING_FITS_BLOCKER } from './fleet-messages.ts';

interface FleetFormInput {
  devices: Device[];
  /** The open image first, then any opened for another kind of board (useFleetImages). */
  images: ImageInfo[];
  skipOffline: boolean;
  onStarted: (run: FleetRun) => void;
}

export function useFleetForm({ devices, images, skipOffline, onStarted }: FleetFormInput) {
  const api = useApi();
  const [concurrencyText, setConcurrencyText] = useState(String(FLEET_LIMITS.defaultConcurrency));
  const [commitPolicy, setCommitPolicy] = useState<CommitPolicy>('auto');
  const [stopOnFailure, setStopOnFailure] = useState(false);
  const [staged, setStaged] = useState(false);
  // One user/password for the boards of the run that ask; each board's saved ones are added by the main process.
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [pushing, setPushing] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const concurrency = Number(concurrencyText);
  const concurrencyValid =
    Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= FLEET_LIMITS.maxConcurrency;
  const fitting = devices.filter((device) => imageFor(device, images) !== null);
  const blocker =
    images.length === 0
      ? NO_IMAGE_BLOCKER
      : !concurrencyValid
        ? CONCURRENCY_BLOCKER
        : fitting.length === 0
          ? NOTHING_FITS_BLOCKER
          : null;

  const push = async () => {
    if (blocker) return;
    setPushing(true);
    setError(null);
    try {
      const run = await api.startFleet({
        deviceIds: devices.map((device) => device.id),
        imageIds: images.map((chosen) => chosen.imageId),
        commitPolicy,
        commitTimeoutSeconds: DEFAULT_COMMIT_TIMEOUT_SECONDS,
        concurrency,
        stopOnFailure,
        skipOffline,
        onlyOutdated: false,
        staged,
        ...(user || password ? { credentials: { user, password } } : {}),
      });
      onStarted(run);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setPushing(false);
    }
  };

  return {
    concurrencyText,
    setConcurrencyText,
    concurrencyValid,
    commitPolicy,
    setCommitPolicy,
    stopOnFailure,
    setStopOnFailure,
    staged,
    setStaged,
    user,
    setUser,
    password,
    setPassword,
    blocker,
    pushing,
    error,
    push,
  };
}

export type FleetForm = ReturnType<typeof useFleetForm>;
