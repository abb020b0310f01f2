// The engine's pre-flight plan for the selected board and file (planPush): which file goes, why, the
// board's slots and every check. Asked again, after a short pause, whenever the board or the file
// changes, when a push to the board ends (its slots flipped), and on Refresh. For an esp-link or an
// MCUmgr/SMP board without a file yet, its slots alone come from deviceStatus.
import { useCallback, useEffect, useState } from 'react';
import type { Device, FlashSlots, ImageInfo, Job, PushPlan, SmpImageSlot } from '../../../../shared/domain.ts';
import { errorMessage, useApi } from '../../api.ts';
import { needsPlan, type PlanReadiness } from './push-readiness.ts';

/** Selecting a board and then a file, or clicking through boards, asks once rather than per click. */
export const PLAN_DEBOUNCE_MS = 250;

interface Answer {
  /** Which board + file this answers for; a plan never outlives its board or file. */
  identity: string;
  /** Which request (identity + board address/online + refresh count) it answers. */
  requestKey: string;
  plan: PushPlan | null;
  slots: FlashSlots | null;
  imageSlots: SmpImageSlot[] | null;
  error: string | null;
}

export interface PushPlanState extends PlanReadiness {
  /** The board's slots: from the plan, or from deviceStatus while no file is chosen. */
  slots: FlashSlots | null;
  /** An SMP device's MCUboot image slots: from the plan, or from deviceStatus while no file is chosen. */
  imageSlots: SmpImageSlot[] | null;
  refresh: () => void;
  setOverride: (override: boolean) => void;
}

/** What the override tick is bound to: the same board, file, file chosen and failed checks. */
function planFingerprint(plan: PushPlan): string {
  const failed = plan.checks.filter((check) => check.status === 'fail').map((check) => check.id);
  return [plan.deviceId, plan.imageId, plan.send?.sha256 ?? '', plan.slots?.nextSlot ?? '', ...failed].join('|');
}

export function usePushPlan(device: Device | null, image: ImageInfo | null, activeJob: Job | undefined): PushPlanState {
  const api = useApi();
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [refreshes, setRefreshes] = useState(0);
  const [overrideFor, setOverrideFor] = useState<string | null>(null);

  const deviceId = device?.id ?? null;
  // A file that cannot be pushed at all (its problem is shown under Firmware) is not planned; a board
  // with slots still shows them, as if no file were chosen.
  const imageId = image && !image.problem ? image.imageId : null;
  // Nothing worth asking: no board; a board without a file that has no slots to show; a board busy
  // with a push (its answers would describe the middle of an update).
  const wanted = deviceId !== null && (imageId !== null || needsPlan(device!.protocol)) && !activeJob;
  const identity = `${deviceId ?? ''}|${imageId ?? ''}`;
  const requestKey = wanted
    ? [identity, device!.address, device!.port, device!.online, device!.firmwareVersion, refreshes].join('|')
    : null;

  useEffect(() => {
    if (requestKey === null || deviceId === null) return;
    let live = true;
    const timer = setTimeout(() => {
      const asked: Promise<Pick<Answer, 'plan' | 'slots' | 'imageSlots'>> =
        imageId !== null
          ? api
              .planPush({ deviceId, imageId })
              .then((plan) => ({ plan, slots: plan.slots, imageSlots: plan.imageSlots }))
          : api
              .deviceStatus({ deviceId })
              .then((status) => ({ plan: null, slots: status.slots, imageSlots: status.imageSlots ?? null }));
      asked.then(
        (result) => {
          if (live) setAnswer({ identity, requestKey, ...result, error: null });
        },
        (error: unknown) => {
          if (live)
            setAnswer({ identity, requestKey, plan: null, slots: null, imageSlots: null, error: errorMessage(error) });
        },
      );
    }, PLAN_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, deviceId, imageId, identity, requestKey]);

  const current = answer?.identity === identity ? answer : null;
  const plan = current?.plan ?? null;
  const refresh = useCallback(() => setRefreshes((count) => count + 1), []);
  const setOverride = useCallback(
    (override: boolean) => setOverrideFor(override && plan ? planFingerprint(plan) : null),
    [plan],
  );

  return {
    plan: imageId !== null ? plan : null,
    slots: current?.slots ?? null,
    imageSlots: current?.imageSlots ?? null,
    checking: requestKey !== null && current?.requestKey !== requestKey,
    error: current?.error ?? null,
    override: plan !== null && overrideFor === planFingerprint(plan),
    refresh,
    setOverride,
  };
}
