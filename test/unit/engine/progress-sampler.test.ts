import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressSampler } from '../../../electron/engine/jobs/progress-sampler.ts';
import type { JobProgress } from '../../../shared/domain.ts';

describe('ProgressSampler', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('emits at most 4 times a second however often bytes move, and flushes the last figure', () => {
    const events: JobProgress[] = [];
    const sampler = new ProgressSampler(1_000_000, (p) => events.push(p), 4, () => Date.now());
    for (let ms = 0; ms < 2000; ms++) {
      sampler.update(ms * 400);
      vi.advanceTimersByTime(1);
    }
    expect(events.length).toBeGreaterThanOrEqual(7);
    expect(events.length).toBeLessThanOrEqual(8);
    sampler.update(1_000_000);
    sampler.flush();
    expect(events.at(-1)).toMatchObject({ bytesSent: 1_000_000, etaSeconds: 0 });
    expect(events.at(-2)!.bytesPerSecond).toBeGreaterThan(350_000);
    expect(events.at(-2)!.bytesPerSecond).toBeLessThan(450_000);
  });

  it('does not emit when nothing moved', () => {
    const events: JobProgress[] = [];
    const sampler = new ProgressSampler(100, (p) => events.push(p));
    vi.advanceTimersByTime(5000);
    expect(events).toHaveLength(0);
    sampler.flush();
  });
});
