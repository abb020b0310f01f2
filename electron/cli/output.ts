// CLI output: `--json` prints one JSON object per line (events, then a final `result` line);
// otherwise short human lines, with a redrawn progress line when stdout is a terminal.
// Every string a device or a file supplied (versions, names, board messages, manifest fields) passes
// through `forTerminal` or `jsonLine` on its way out: no escape sequence, title change, bell or bidi
// override reaches the user's terminal, whichever output mode.
import type { Job } from '../../shared/domain.ts';
import { formatBytesOf, formatEta, formatLinkFacts, formatUploadRate, percentOf } from '../../shared/format.ts';
import { UNSAFE_CHARACTERS } from '../engine/net/sanitize.ts';

/** Text for the terminal: our own line breaks stay, anything else unsafe becomes a space. */
export function forTerminal(text: string): string {
  return text.replace(UNSAFE_CHARACTERS, (c) => (c === '\n' ? c : ' '));
}

/**
 * One JSON line. JSON.stringify escapes C0 controls but passes C1 controls, bidi overrides and
 * zero-width characters through raw; they are escaped here too (\u202e), so the data stays exact and
 * `cat`ing the output is harmless.
 */
export function jsonLine(value: object): string {
  return `${JSON.stringify(value).replace(UNSAFE_CHARACTERS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

let stdoutClosed = false;

/**
 * `ota-bench push … | head -3`: once the reader has gone, writes fail with EPIPE. The rest of the
 * output is dropped quietly (no stack trace); the command itself runs to its end, so a push that has
 * started is not cut off half-way because nobody reads its log.
 */
export function keepQuietOnClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
      if (stream === process.stdout) stdoutClosed = true;
    });
  }
}

/** Writes to stdout unless its reader has gone. */
export function writeOut(text: string): void {
  if (!stdoutClosed && !process.stdout.destroyed) process.stdout.write(text);
}

/**
 * Exit once stdout and stderr have handed everything to the reader. process.exit() alone drops
 * what is still queued when the reader is slow (a pipe or socket read late), and the final
 * `result` line is exactly what would go missing.
 */
export function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  const streams = [process.stdout, process.stderr].filter(
    (s) => !s.destroyed && !(s === process.stdout && stdoutClosed),
  );
  let pending = streams.length;
  if (pending === 0) process.exit(code);
  for (const stream of streams) {
    stream.write('', () => {
      if (--pending === 0) process.exit(code);
    });
  }
}

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
    if (this.json) writeOut(jsonLine({ type, ...payload }));
  }

  line(text: string): void {
    if (this.json) return;
    this.endProgress();
    writeOut(`${forTerminal(text)}\n`);
  }

  progress(job: Job): void {
    if (this.json || !process.stdout.isTTY) return;
    const { bytesSent, totalBytes, bytesPerSecond, etaSeconds } = job.progress;
    // The same words as the job card in the desktop app: "1.30 MiB of 5.72 MiB", "18.4 kB/s" over BLE.
    const pct = percentOf(bytesSent, totalBytes);
    const bar = '#'.repeat(Math.floor(pct / 4)).padEnd(25, '.');
    const eta = etaSeconds == null ? '' : `  ETA ${formatEta(etaSeconds)}`;
    const link = job.link ? `  ${formatLinkFacts(job.link)}` : '';
    const rate = formatUploadRate(bytesPerSecond, job.protocol);
    writeOut(
      `\r  [${bar}] ${String(pct).padStart(3)}%  ${formatBytesOf(bytesSent, totalBytes)}  ${rate}${eta}${link}   `,
    );
    this.progressShown = true;
  }

  result(final: FinalResult): void {
    if (this.json) this.event('result', final);
    else this.line(`${final.result === 'success' ? '✔' : '✖'} ${final.message}`);
  }

  error(message: string): void {
    if (this.json)
      this.event('result', { state: 'failed', result: 'error', message, fromVersion: null, toVersion: null });
    else {
      this.endProgress();
      if (!process.stderr.destroyed) process.stderr.write(`ota-bench: ${forTerminal(message)}\n`);
    }
  }

  private endProgress(): void {
    if (this.progressShown) writeOut('\n');
    this.progressShown = false;
  }
}
