// Runs one slot action at a time on an SMP device: irreversible ones wait for a second click, and
// whatever happened (done, refused, or an error) is shown with what the next reset does; then the
// slot table is read again (the plan's refresh).
import { useCallback, useState } from 'react';
import type { ImageSlotActionResult } from '../../../../shared/domain.ts';
import { errorMessage, useApi } from '../../api.ts';
import { slotActionRequest, type SlotAction } from './slot-actions.ts';

export interface SlotActionsState {
  /** The action waiting for its confirmation click. */
  asking: SlotAction | null;
  running: SlotAction | null;
  result: ImageSlotActionResult | null;
  error: string | null;
  choose(action: SlotAction): void;
  confirm(): void;
  cancel(): void;
}

export function useSlotActions(deviceId: string, afterAction: () => void): SlotActionsState {
  const api = useApi();
  const [asking, setAsking] = useState<SlotAction | null>(null);
  const [running, setRunning] = useState<SlotAction | null>(null);
  const [result, setResult] = useState<ImageSlotActionResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const run = useCallback(
    (action: SlotAction) => {
      setAsking(null);
      setRunning(action);
      setResult(null);
      setError(null);
      api
        .imageSlotAction(slotActionRequest(deviceId, action))
        .then(
          (answer) => setResult(answer),
          (failure: unknown) => setError(errorMessage(failure)),
        )
        .finally(() => {
          setRunning(null);
          afterAction();
        });
    },
    [api, deviceId, afterAction],
  );

  const choose = useCallback((action: SlotAction) => (action.confirmText ? setAsking(action) : run(action)), [run]);
  const confirm = useCallback(() => {
    if (asking) run(asking);
  }, [asking, run]);
  const cancel = useCallback(() => setAsking(null), []);
  return { asking, running, result, error, choose, confirm, cancel };
}
