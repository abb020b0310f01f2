// Push options (commit policy, timeout, credentials; the commit mode for SMP) and the push itself.
// Options live in memory for the session only: passwords are never written anywhere by the renderer;
// the main process keeps them when the user asks it to (useSavedCredentials).
import { useCallback, useState } from 'react';
import type { CommitPolicy, Device, ImageInfo, Job, SmpCommitMode } from '../../../../shared/domain.ts';
import { useApi } from '../../api.ts';
import { useAsyncAction } from '../../lib/useAsyncAction.ts';
import { activeJobFor } from '../jobs/job-merge.ts';
import { hasCommitStep, overrideApplies, pushBlocker, takesCredentials } from './push-readiness.ts';
import { asksOtaListenPort, OTA_LISTEN_PORT_REFUSAL, otaListenPortFrom } from './ota-listen-port.ts';
import { DEFAULT_SMP_MODE, isSmp } from './smp.ts';
import { usePushPlan } from './usePushPlan.ts';
import { useSavedCredentials } from './useSavedCredentials.ts';

export const DEFAULT_COMMIT_TIMEOUT_SECONDS = 300;

interface PushFormInput {
  device: Device | null;
  image: ImageInfo | null;
  inspecting: boolean;
  jobs: Job[];
  onPushed: (job: Job) => void;
}

export function usePushForm({ device, image, inspecting, jobs, onPushed }: PushFormInput) {
  const api = useApi();
  const [commitPolicy, setCommitPolicy] = useState<CommitPolicy>('prompt');
  const [commitTimeoutText, setCommitTimeoutText] = useState(String(DEFAULT_COMMIT_TIMEOUT_SECONDS));
  const [mode, setMode] = useState<SmpCommitMode>(DEFAULT_SMP_MODE);
  // ArduinoOTA's connect-back port: blank is any free port. Kept across boards, like a firewall rule.
  const [otaPortText, setOtaPortText] = useState('');
  // Credentials belong to one board: switching boards shows empty fields rather than sending the
  // previous board's password to this one.
  const [credentials, setCredentials] = useState({ deviceId: '', user: '', password: '' });
  const sameBoard = credentials.deviceId === (device?.id ?? '');
  const user = sameBoard ? credentials.user : '';
  const password = sameBoard ? credentials.password : '';
  const setUser = (value: string) => setCredentials({ deviceId: device?.id ?? '', user: value, password });
  const setPassword = (value: string) => setCredentials({ deviceId: device?.id ?? '', user, password: value });

  const saved = useSavedCredentials(device);

  const commitTimeoutSeconds = Number(commitTimeoutText);
  const activeJob = device ? activeJobFor(jobs, device.id) : undefined;
  const planning = usePushPlan(device, inspecting ? null : image, activeJob);
  const asksPort = asksOtaListenPort(device);
  const otaListenPort = asksPort ? otaListenPortFrom(otaPortText) : undefined;
  const blocker =
    pushBlocker({ device, image, inspecting, activeJob, commitTimeoutSeconds, planning }) ??
    (otaListenPort === null ? OTA_LISTEN_PORT_REFUSAL : null);

  const send = useCallback((request: Parameters<typeof api.push>[0]) => api.push(request), [api]);
  const action = useAsyncAction(send);

  const push = async () => {
    if (blocker || !device || !image) return;
    const withCommit = hasCommitStep(device.protocol);
    const typed = (user || password) && takesCredentials(device);
    const job = await action.run({
      deviceId: device.id,
      imageId: image.imageId,
      // Protocols without a commit step boot the new firmware for good: nothing to ask. SMP devices
      // say what happens after the upload with `mode`; the schema still wants a policy and a timeout.
      commitPolicy: withCommit ? commitPolicy : 'auto',
      commitTimeoutSeconds: withCommit ? commitTimeoutSeconds : DEFAULT_COMMIT_TIMEOUT_SECONDS,
      // SMP boards and BLE devices take no user name or password (push-readiness.ts takesCredentials).
      // Empty fields: the main process uses the board's saved credentials, if any.
      ...(typed ? { credentials: { user, password } } : {}),
      ...(typed && saved.remember ? { remember: saved.remember } : {}),
      ...(typed && saved.remember === 'keychain' && saved.keychainOptIn ? { keychainOptIn: true as const } : {}),
      ...(isSmp(device.protocol) ? { mode } : {}),
      ...(otaListenPort ? { otaListenPort } : {}),
      // Only ever set by the explicit "Push anyway" tick, naming the plan the user was shown: the
      // engine refuses it if the plan it makes at push time fails differently.
      ...(overrideApplies(planning) && planning.plan
        ? { override: { planFingerprint: planning.plan.fingerprint } }
        : {}),
    });
    if (job) onPushed(job);
    if (job && typed && saved.remember) saved.refresh();
    // An override is for one push: the next one has to be ticked again.
    planning.setOverride(false);
  };

  return {
    /** The push running on this board, if any: it holds the board (the SMP slot actions wait). */
    activeJob,
    commitPolicy,
    setCommitPolicy,
    commitTimeoutText,
    setCommitTimeoutText,
    commitTimeoutSeconds,
    mode,
    setMode,
    otaPortText,
    setOtaPortText,
    /** The port as typed: undefined when blank (any free port), null when it is no port. */
    otaListenPort,
    user,
    setUser,
    password,
    setPassword,
    /** Saved credentials of this board ("saved", never the secret), the Remember choice, Forget. */
    saved,
    blocker,
    planning,
    push,
    pushing: action.pending,
    error: action.error,
  };
}

export type PushForm = ReturnType<typeof usePushForm>;
