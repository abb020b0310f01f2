// At most one 'changed' per run every `intervalMs`: the first change goes out at once, later ones
// within the interval are folded into one that goes out when it is over (always the run as it is
// then). `flush` sends at once and clears the timer (a run that ended or waits for a decision leaves
// no timer behind).
export class ChangeCoalescer {
  private readonly lastAt = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;
  private readonly intervalMs: number;
  private readonly send: (runId: string) => void;

  constructor(intervalMs: number, send: (runId: string) => void) {
    this.intervalMs = intervalMs;
    this.send = send;
  }

  changed(runId: string): void {
    if (this.closed || this.timers.has(runId)) return;
    const wait = (this.lastAt.get(runId) ?? -Infinity) + this.intervalMs - Date.now();
    if (wait <= 0) return this.flush(runId);
    this.timers.set(
      runId,
      setTimeout(() => this.flush(runId), wait),
    );
  }

  flush(runId: string): void {
    if (this.closed) return;
    this.cancel(runId);
    this.lastAt.set(runId, Date.now());
    this.send(runId);
  }

  /** Drops a pending change (the run was dismissed). */
  cancel(runId: string): void {
    clearTimeout(this.timers.get(runId));
    this.timers.delete(runId);
  }

  forget(runId: string): void {
    this.cancel(runId);
    this.lastAt.delete(runId);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  close(): void {
    for (const runId of [...this.timers.keys()]) this.cancel(runId);
    this.closed = true;
  }
}
