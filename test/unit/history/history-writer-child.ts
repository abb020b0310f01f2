// A process that writes the history as the engine does, for the crash and concurrency tests:
//   node history-writer-child.ts FILE crash NAME   — starts 5 jobs, moves them through states in a loop
//                                                   (prints "running" once each has a row), until killed
//   node history-writer-child.ts FILE rows NAME N  — N jobs, each through every state to the end, then
//                                                   2 jobs left running; prints "done", waits for stdin to close
import { HistoryStore } from '../../../electron/engine/history/history-store.ts';
import type { Job, JobState } from '../../../shared/domain.ts';
import { context, device, job, step } from './history-fixtures.ts';

const [file, mode, name, count] = process.argv.slice(2) as [string, string, string, string?];
const store = HistoryStore.open(file, { processName: name });
const ctx = context(device({ id: `id:${name}`, name }));
const MIDDLE: JobState[] = ['connecting', 'transferring', 'rebooting', 'verifying'];

function start(i: number): Job {
  const now = Date.now();
  const j = job({ id: `${name}-${i}`, deviceId: `id:${name}`, deviceName: name, createdAt: now, stateSince: now });
  store.recordJob(j, ctx);
  return j;
}

if (mode === 'crash') {
  let jobs = Array.from({ length: 5 }, (_, i) => start(i));
  let round = 0;
  process.stdout.write('running\n');
  // Busy writing when the kill comes: a state change every few milliseconds on every job.
  setInterval(() => {
    round++;
    jobs = jobs.map((j) => {
      const next = step(j, MIDDLE[round % MIDDLE.length]!, Date.now(), {
        log: [...j.log, { at: Date.now(), text: `round ${round}` }].slice(-60),
      });
      store.recordJob(next, ctx);
      return next;
    });
  }, 2);
} else {
  for (let i = 0; i < Number(count); i++) {
    let j = start(i);
    for (const state of MIDDLE) {
      j = step(j, state, Date.now());
      store.recordJob(j, ctx);
    }
    j = step(j, 'updated', Date.now(), { result: { code: 'success', message: 'ok', deviceMessage: null } });
    store.recordJob(j, ctx);
  }
  start(Number(count));
  start(Number(count) + 1);
  process.stdout.write('done\n');
  process.stdin.resume();
  process.stdin.on('end', () => {
    store.close();
    process.exit(0);
  });
}
