import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressSampler } from '../../../electron/engine/jobs/progress-sampler.ts';
import type { JobProgress } from '../../../shared/domain.ts';

describe('ProgressSampler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('emits at most 4 times a second however often bytes move, and flushes the last figure', async () => {
    const events: JobProgress[] = [];
    const sampler = new ProgressSampler(
      1_000_000,
      (p) => events.push(p),
      4,
      () => Date.now(),
    );
    for (let ms = 0; ms < 2000; ms++) {
      sampler.update(ms * 400);
      vi.advanceTimersByTime(1);
    }
    expect(events.length).toBeGreaterThanOrEqual(7);
    expect(events.length).toBeLessThanOrEqual(8);
    sampler.update(1_000_000);
    const flushed = sampler.flush();
    vi.advanceTimersByTime(250);
    await flushed;
    expect(events.at(-1)).toMatchObject({ bytesSent: 1_000_000, etaSeconds: 0 });
    expect(events.at(-2)!.bytesPerSecond).toBeGreaterThan(350_000);
    expect(events.at(-2)!.bytesPerSecond).toBeLessThan(450_000);
  });

  it('does not emit when nothing moved', async () => {
    const events: JobProgress[] = [];
    const sampler = new ProgressSampler(100, (p) => events.push(p));
    vi.advanceTimersByTime(5000);
    expect(events).toHaveLength(0);
    await sampler.flush();
    expect(events).toHaveLength(0);
  });

  it('counts the final flush in the limit: it waits out the period, then delivers the true last figure', async () => {
    const events: Array<JobProgress & { at: number }> = [];
    const sampler = new ProgressSampler(
      1_000_000,
      (p) => events.push({ ...p, at: Date.now() }),
      4,
      () => Date.now(),
    );
    for (let ms = 1; ms <= 1100; ms++) {
      sampler.update(ms * 100);
      vi.advanceTimersByTime(1);
    }
    // The last tick emitted at 1000 ms; the transfer ends 100 ms later.
    sampler.update(1_000_000);
    let done = false;
    const flushed = sampler.flush().then(() => (done = true));
    await Promise.resolve();
    expect(events.at(-1)!.bytesSent).toBeLessThan(1_000_000);
    expect(done).toBe(false);
    vi.advanceTimersByTime(150);
    await flushed;
    expect(events.at(-1)).toMatchObject({ bytesSent: 1_000_000, etaSeconds: 0 });
    for (let i = 1; i < events.length; i++) expect(events[i]!.at - events[i - 1]!.at).toBeGreaterThanOrEqual(250);
    for (const first of events)
      expect(events.filter((e) => e.at >= first.at && e.at < first.at + 1000).length).toBeLessThanOrEqual(4);
  });

  it('flushes at once when the last event is a period old, and not at all when nothing changed', async () => {
    const events: JobProgress[] = [];
    const sampler = new ProgressSampler(
      1000,
      (p) => events.push(p),
      4,
      () => Date.now(),
    );
    sampler.update(500);
    vi.advanceTimersByTime(250);
    expect(events).toHaveLength(1);
    vi.advanceTimersByTime(300);
    sampler.update(1000);
    void sampler.flush();
    expect(events.at(-1)!.bytesSent).toBe(1000);
    await sampler.flush();
    expect(events).toHaveLength(2);
  });
});
