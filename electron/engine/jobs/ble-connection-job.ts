// Every BLE job holds one connection to its device. A peripheral takes one central at a time, so the
// job's terminal state is published only once that connection is closed: whoever reacts to it (the UI
// reading the device's slots or version) then finds the device free to connect to.
import { isTerminal } from '../../../shared/domain.ts';
import type { JobContext } from './job-context.ts';

/** Runs `run` with a context whose terminal state waits until `close` has closed the connection. */
export async function publishAfterClose(
  ctx: JobContext,
  run: (held: JobContext) => Promise<void>,
  close: () => Promise<void> | undefined,
  onReleased?: () => void,
): Promise<void> {
  let finish: (() => void) | null = null;
  const held: JobContext = {
    ...ctx,
    setState: (state, patch) => {
      if (isTerminal(state)) finish = () => ctx.setState(state, patch);
      else ctx.setState(state, patch);
    },
  };
  try {
    await run(held);
  } finally {
    await close();
    onReleased?.();
  }
  (finish as (() => void) | null)?.();
}
