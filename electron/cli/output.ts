// CLI output: `--json` prints one JSON object per line (events, then a final `result` line);
// otherwise short human lines, with a redrawn progress line when stdout is a terminal.
import type { Job } from '../../shared/domain.ts';
import { formatBytes, formatDuration } from '../engine/format.ts';

export interface FinalResult {
  state: string;
  result: string;
  message: string;
  fromVersion: string | null;
  toVersion: string | null;
  [extra: string]: unknown;
}

export class Output {
  readonly json: boolean;
  private progressShown = false;

  constructor(json: boolean) {
    this.json = json;
  }

  event(type: string, payload: object): void {
    if (this.json) process.stdout.write(`${JSON.stringify({ type, ...payload })}\n`);
  }

  line(text: string): void {
    if (this.json) return;
    this.endProgress();
    process.stdout.write(`${text}\n`);
  }

  progress(job: Job): void {
    if (this.json || !process.stdout.isTTY) return;
    const { bytesSent, totalBytes, bytesPerSecond, etaSeconds } = job.progress;
    const pct = totalBytes ? Math.floor((bytesSent / totalBytes) * 100) : 0;
    const bar = '#'.repeat(Math.floor(pct / 4)).padEnd(25, '.');
    const eta = etaSeconds == null ? '' : `  ETA ${formatDuration(etaSeconds)}`;
    const link = job.link ? `  MTU ${job.link.attMtu ?? '?'} · packet ${job.link.maxPacketBytes} B · window ${job.link.window}` : '';
    process.stdout.write(`\r  [${bar}] ${String(pct).padStart(3)}%  ${formatBytes(bytesSent)} / ${formatBytes(totalBytes)}  ${formatBytes(bytesPerSecond)}/s${eta}${link}   `);
    this.progressShown = true;
  }

  result(final: FinalResult): void {
    if (this.json) this.event('result', final);
    else this.line(`${final.result === 'success' ? '✔' : '✖'} ${final.message}`);
  }

  error(message: string): void {
    if (this.json) this.event('result', { state: 'failed', result: 'error', message, fromVersion: null, toVersion: null });
    else {
      this.endProgress();
      process.stderr.write(`ota-bench: ${message}\n`);
    }
  }

  private endProgress(): void {
    if (this.progressShown) process.stdout.write('\n');
    this.progressShown = false;
  }
}
