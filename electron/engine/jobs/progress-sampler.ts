// Progress is counted where bytes move (a plain counter on the hot path) and sampled here at most
// `hz` times a second, so a 64 MiB push produces a few dozen events, not one per chunk. Speed is
// measured over a sliding window so the ETA follows the link, not the average since the start.
import type { JobProgress } from '../../../shared/domain.ts';

const WINDOW_MS = 3000;

export class ProgressSampler {
  private bytes = 0;
  private lastEmitted = 0;
  private samples: Array<{ at: number; bytes: number }> = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly totalBytes: number;
  private readonly emit: (progress: JobProgress) => void;
  private readonly now: () => number;

  constructor(totalBytes: number, emit: (progress: JobProgress) => void, hz = 4, now: () => number = Date.now) {
    this.totalBytes = totalBytes;
    this.emit = emit;
    this.now = now;
    this.samples.push({ at: now(), bytes: 0 });
    this.timer = setInterval(() => this.sample(), Math.round(1000 / hz));
  }

  /** Hot path: called for every chunk. Only stores the number. */
  update(bytesSent: number): void {
    this.bytes = bytesSent;
  }

  /** Emits the final figure (even if unchanged since the last tick) and stops the timer. */
  flush(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.lastEmitted = -1;
    this.sample();
  }

  private sample(): void {
    if (this.bytes === this.lastEmitted) return;
    this.lastEmitted = this.bytes;
    const at = this.now();
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
