// RFC 6762 §5.2 continuous querying: repeat after 1 s, then double the gap up to the steady interval.
// Before, the browser asked once and then only every 15 s, so a lost answer cost 15 s.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TtlRefresh, queryGaps, startQuerySchedule } from '../../../electron/engine/discovery/query-schedule.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('query schedule', () => {
  it('gaps are 1, 2, 4, 8 s, then the steady interval', () => {
    const next = queryGaps({ firstMs: 1000, steadyMs: 15_000 });
    expect(Array.from({ length: 7 }, next)).toEqual([1000, 2000, 4000, 8000, 15_000, 15_000, 15_000]);
  });

  it('never starts below the steady interval’s cap or at zero', () => {
    expect(Array.from({ length: 3 }, queryGaps({ firstMs: 5000, steadyMs: 2000 }))).toEqual([2000, 2000, 2000]);
    expect(queryGaps({ firstMs: 0, steadyMs: 10 })()).toBe(1);
  });

  it('queries 1, 3, 7, 15, 30 and 45 s after the first query, and stops when told', () => {
    const at: number[] = [];
    const start = Date.now();
    const stop = startQuerySchedule(() => at.push(Date.now() - start), { firstMs: 1000, steadyMs: 15_000 });
    vi.advanceTimersByTime(999);
    expect(at).toEqual([]);
    vi.advanceTimersByTime(45_001);
    expect(at).toEqual([1000, 3000, 7000, 15_000, 30_000, 45_000]);
    stop();
    vi.advanceTimersByTime(60_000);
    expect(at).toHaveLength(6);
  });
});

describe('TTL refresh (RFC 6762 §5.2 cache maintenance)', () => {
  it('asks at 80, 85, 90 and 95 % of a record’s TTL, once each, and starts over on an answer', () => {
    const refresh = new TtlRefresh();
    refresh.seen('a._http._tcp.local', 10, 0);
    const dueAt = (from: number, to: number) => {
      const at: number[] = [];
      for (let t = from; t <= to; t += 250) if (refresh.takeDue(t)) at.push(t);
      return at;
    };
    expect(dueAt(0, 7750)).toEqual([]);
    expect(dueAt(8000, 12_000)).toEqual([8000, 8500, 9000, 9500]);
    refresh.seen('a._http._tcp.local', 10, 20_000);
    expect(dueAt(20_000, 28_250)).toEqual([28_000]);
    refresh.forget('a._http._tcp.local');
    expect(dueAt(28_500, 40_000)).toEqual([]);
  });
});
