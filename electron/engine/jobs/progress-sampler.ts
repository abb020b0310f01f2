// Progress is counted where bytes move (a plain counter on the hot path) and sampled here at most
// `hz` times a second, the final figure included, so a 64 MiB push produces a few dozen events, not
// one per chunk. Speed is measured over a sliding window so the ETA follows the link, not the
// average since the start.
import type { JobProgress } from '../../../shared/domain.ts';

const WINDOW_MS = 3000;

export class ProgressSampler {
  private bytes = 0;
  private lastEmitted = 0;
  private lastEmittedAt: number | null = null;
  private samples: Array<{ at: number; bytes: number }> = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly totalBytes: number;
  private readonly emit: (progress: JobProgress) => void;
  private readonly now: () => number;
  private readonly periodMs: number;

  constructor(totalBytes: number, emit: (progress: JobProgress) => void, hz = 4, now: () => number = Date.now) {
    this.totalBytes = totalBytes;
    this.emit = emit;
    this.now = now;
    this.periodMs = Math.ceil(1000 / hz);
    this.samples.push({ at: now(), bytes: 0 });
    this.timer = setInterval(() => this.sample(), this.periodMs);
  }

  /** Hot path: called for every chunk. Only stores the number. */
  update(bytesSent: number): void {
    this.bytes = bytesSent;
  }

  /**
   * Emits the final figure and stops the timer. The limit holds here too: when the last event went
   * out less than a period ago, the final one waits for the rest of the period (resolves once
   * emitted), so the UI still gets the true last figure, never a fifth event in a second.
   */
  flush(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.bytes === this.lastEmitted) return Promise.resolve();
    const wait = this.lastEmittedAt === null ? 0 : Math.max(0, this.lastEmittedAt + this.periodMs - this.now());
    if (wait === 0) {
      this.sample();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      setTimeout(() => {
        this.sample();
        resolve();
      }, wait);
    });
  }

  private sample(): void {
    if (this.bytes === this.lastEmitted) return;
    this.lastEmitted = this.bytes;
    const at = this.now();
    this.lastEmittedAt = at;
    this.samples.push({ at, bytes: this.bytes });
    while (this.samples.length > 2 && this.samples[0].at < at - WINDOW_MS) this.samples.shift();
    const first = this.samples[0];
    const elapsed = (at - first.at) / 1000;
    const bytesPerSecond = elapsed > 0 ? Math.round((this.bytes - first.bytes) / elapsed) : 0;
    const remaining = Math.max(0, this.totalBytes - this.bytes);
    this.emit({
      bytesSent: this.bytes,
      totalBytes: this.totalBytes,
      bytesPerSecond,
      etaSeconds: bytesPerSecond > 0 ? Math.ceil(remaining / bytesPerSecond) : null,
    });
  }
}
