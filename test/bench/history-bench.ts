// The history's write cost (npm run bench; BENCH_ONLY_HISTORY=1 runs only this). Figures, never a
// pass/fail. Every write runs on the caller's thread (the app's main process, the CLI's only one), so
// the time one recordJob call takes is main-thread time; the goal is < 1 ms per state change.
// Measured on a real file in WAL mode (synchronous=NORMAL), with the rows of 20 boards × 50 pushes
// already in it, and again while a second process writes the same file.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Job, JobState } from '../../shared/domain.ts';
import { HistoryStore } from '../../electron/engine/history/history-store.ts';
import { context, device, job, step } from '../unit/history/history-fixtures.ts';

const STATES: JobState[] = ['connecting', 'transferring', 'rebooting', 'verifying', 'awaiting-commit', 'committing'];
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const ms = (x: number) => `${x.toFixed(3)} ms`;

/** Pushes `count` jobs through every state, 2 log lines and 40 progress ticks each; times every call. */
function pushes(store: HistoryStore, count: number, boards: number) {
  const writes: number[] = [];
  const ticks: number[] = [];
  const time = (j: Job, ctx: ReturnType<typeof context>, into: number[]) => {
    const started = performance.now();
    const written = store.recordJob(j, ctx);
    into.push(performance.now() - started);
    return written;
  };
  for (let i = 0; i < count; i++) {
    const ctx = context(device({ id: `id:board-${i % boards}`, name: `board-${i % boards}` }));
    let j = job({
      deviceId: ctx.device.id,
      deviceName: ctx.device.name,
      createdAt: Date.now(),
      stateSince: Date.now(),
    });
    time(j, ctx, writes);
    for (const state of STATES) {
      j = step(j, state, Date.now());
      time(j, ctx, writes);
      if (state === 'transferring') {
        for (let t = 1; t <= 40; t++) {
          j = { ...j, progress: { ...j.progress, bytesSent: t * 2500, bytesPerSecond: 2_000_000 } };
          if (time(j, ctx, ticks)) throw new Error('a progress tick was written');
        }
        j = { ...j, log: [...j.log, { at: Date.now(), text: 'The board accepted the image.' }] };
        time(j, ctx, writes);
      }
    }
    j = step(j, 'committed', Date.now(), {
      toVersion: '2.0.0',
      result: { code: 'success', message: 'ok', deviceMessage: null },
    });
    time(j, ctx, writes);
  }
  return { writes, ticks };
}

function report(label: string, { writes, ticks }: { writes: number[]; ticks: number[] }) {
  console.log(
    `  ${label}: ${writes.length} row writes, per write median ${ms(percentile(writes, 0.5))}, p95 ${ms(percentile(writes, 0.95))}, ` +
      `max ${ms(Math.max(...writes))} (${writes.filter((w) => w > 1).length} over 1 ms: WAL checkpoints, lock waits); ${ticks.length} progress ticks (not written) median ${ms(percentile(ticks, 0.5))}  (goal < 1 ms per state change)`,
  );
}

export async function historyBench(): Promise<void> {
  console.log('\nHistory: main-thread time per history write (node:sqlite, WAL, synchronous=NORMAL)');
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'ota-bench-history-bench-')), 'history.sqlite');
  const store = HistoryStore.open(file, { processName: 'the benchmark' });
  pushes(store, 1000, 20); // 1,000 rows already there, and the statements warm
  report('alone', pushes(store, 200, 20));

  // Another process writing the same file at the same time (the app and the CLI).
  const child = path.join(path.dirname(fileURLToPath(import.meta.url)), '../unit/history/history-writer-child.ts');
  const other = spawn(process.execPath, [child, file, 'rows', 'other-process', '3000'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  report('beside a second writer', pushes(store, 200, 20));
  other.stdin!.end();
  await new Promise((resolve) => other.once('exit', resolve));

  const devices = Array.from({ length: 20 }, (_, i) =>
    device({ id: `id:board-${i}`, name: `board-${i}`, lastSeen: Date.now() }),
  );
  const sightings: number[] = [];
  for (let round = 0; round < 200; round++) {
    const now = Date.now() + round * 250; // discovery news 4 times a second: a write per board each second
    const started = performance.now();
    store.sawDevices(devices.map((d) => ({ ...d, lastSeen: now })));
    sightings.push(performance.now() - started);
  }
  console.log(
    `  sawDevices (20 boards, 4 lists a second): median ${ms(percentile(sightings, 0.5))}, p95 ${ms(percentile(sightings, 0.95))}`,
  );
  store.close();
  const opening = performance.now();
  HistoryStore.open(file, { processName: 'the benchmark' }).close();
  console.log(
    `  opening it again (migrations, interrupted scan, retention) with ${1400 + 3002} rows: ${ms(performance.now() - opening)}`,
  );
}
