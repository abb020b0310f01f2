// The user's Commit / Revert click, handed to whichever job sequence waits for it. Its own file so the
// job context (job-context.ts) can name it without importing the LAN commit flow.
import { UpdateError } from '../update-error.ts';

export type Decision = 'commit' | 'revert';

/** Hands the user's Commit / Revert click to the runner, whichever comes first. */
export class CommitDecisions {
  private waiter: ((decision: Decision) => void) | null = null;
  private pending: Decision | null = null;

  decide(decision: Decision): void {
    if (this.waiter) this.waiter(decision);
    else this.pending = decision;
  }

  next(signal: AbortSignal, timeoutMs: number): Promise<Decision | 'deadline'> {
    if (this.pending) return Promise.resolve(this.pending);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done('deadline'), Math.max(0, timeoutMs));
      const onAbort = () => {
        clearTimeout(timer);
        this.waiter = null;
        reject(
          new UpdateError('cancelled', 'Stopped watching the commit window; the board decides by itself when it ends.'),
        );
      };
      const done = (value: Decision | 'deadline') => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiter = null;
        resolve(value);
      };
      this.waiter = done;
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
