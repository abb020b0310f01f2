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

/** RFC 6762 §5.2: a querier refreshes a record it still wants at 80, 85, 90 and 95 % of its TTL. */
const REFRESH_FRACTIONS = [0.8, 0.85, 0.9, 0.95];

/**
 * Cache maintenance for records whose TTL is shorter than our steady query interval: without it a
 * board announcing a 10 s TTL would flap offline between two 15 s queries although it answers.
 * `seen` on every answer, `forget` on a goodbye; `takeDue` says whether a refresh query is due now
 * (and counts it as sent, so each fraction asks once per sighting).
 */
export class TtlRefresh {
  private readonly records = new Map<string, { seenAt: number; ttlMs: number; next: number }>();

  seen(name: string, ttlSeconds: number, now: number): void {
    this.records.set(name, { seenAt: now, ttlMs: ttlSeconds * 1000, next: 0 });
  }

  forget(name: string): void {
    this.records.delete(name);
  }

  takeDue(now: number): boolean {
    let due = false;
    for (const [name, record] of this.records) {
      const fraction = REFRESH_FRACTIONS[record.next];
      if (fraction === undefined) {
        // All four asked and no answer: the record has expired; nothing more to refresh.
        if (now >= record.seenAt + record.ttlMs) this.records.delete(name);
        continue;
      }
      if (now >= record.seenAt + record.ttlMs * fraction) {
        while (
          record.next < REFRESH_FRACTIONS.length &&
          now >= record.seenAt + record.ttlMs * REFRESH_FRACTIONS[record.next]!
        )
          record.next += 1;
        due = true;
      }
    }
    return due;
  }
}
