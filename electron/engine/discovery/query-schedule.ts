// When to ask the network again (RFC 6762 §5.2, continuous querying): the first repeat one second
// after the first query, then each gap twice the one before, until the gaps reach the steady
// interval. Answers lost at start-up (a board that was busy, a packet dropped on Wi-Fi or by a full
// receive buffer) are asked for again within a second instead of a full interval later.
// The RFC caps the gaps at 60 minutes and relies on TTL-based refresh; we stay at `steadyMs`
// because boards without goodbyes are only noticed gone when they stop answering.

export interface QueryScheduleOptions {
  /** Gap before the first repeat (RFC 6762 §5.2: at least one second). */
  firstMs?: number;
  /** Gaps double up to this steady interval. */
  steadyMs?: number;
}

/** The gaps between queries: 1 s, 2 s, 4 s, 8 s, … capped at `steadyMs`. */
export function queryGaps({ firstMs = 1000, steadyMs = 15_000 }: QueryScheduleOptions = {}): () => number {
  let gap = Math.max(1, Math.min(firstMs, steadyMs));
  return () => {
    const current = gap;
    gap = Math.min(gap * 2, steadyMs);
    return current;
  };
}

/**
 * Calls `query` after each gap (not at once: the caller sends the first query itself). Returns a
 * function that stops it. Timers are unref'd so a forgotten schedule does not hold a process open.
 */
export function startQuerySchedule(query: () => void, options: QueryScheduleOptions = {}): () => void {
  const nextGap = queryGaps(options);
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const arm = () => {
    timer = setTimeout(() => {
      if (stopped) return;
      query();
      arm();
    }, nextGap());
    timer.unref?.();
  };
  arm();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
