// What opening the file does before anything else: rows whose process died are marked interrupted,
// then rows older than the retention are pruned. Each step is one write transaction, so a crash (or
// a second process opening at the same moment) leaves either all of it done or none of it.
import { interruptedMessage } from './history-messages.ts';
import type { StateStep } from './job-row.ts';
import type { DatabaseSync } from './sqlite.ts';
import { inTransaction } from './transaction.ts';
import { writerIsGone } from './writer-process.ts';

export interface Retention {
  /** Rows that started longer ago than this are removed. */
  days: number;
  /** At most this many rows are kept, the newest. */
  rows: number;
}

export const DEFAULT_RETENTION: Retention = { days: 365, rows: 20_000 };

/** OTA_BENCH_HISTORY_DAYS and OTA_BENCH_HISTORY_ROWS override the defaults (positive whole numbers). */
export function retentionFromEnv(env: NodeJS.ProcessEnv = process.env): Retention {
  const read = (value: string | undefined, fallback: number) => {
    const n = Number(value);
    return value !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
  };
  return {
    days: read(env.OTA_BENCH_HISTORY_DAYS, DEFAULT_RETENTION.days),
    rows: read(env.OTA_BENCH_HISTORY_ROWS, DEFAULT_RETENTION.rows),
  };
}

interface OpenRow {
  job_id: string;
  writer_pid: number;
  writer_token: string | null;
  state: string;
  states: string;
  initiated_by: string;
  updated_at: number;
  started_at: number;
}

/**
 * Marks the rows of jobs whose writing process is gone as interrupted, keeping what was known (the
 * last state reached is in `states`, the time of the last write is its end). Rows another live process
 * is writing (the app and the CLI at once), and this process's own (`ownJobs`), are left alone.
 * Returns the job ids marked.
 */
export function markInterrupted(db: DatabaseSync, now: number, ownJobs: ReadonlySet<string> = new Set()): string[] {
  const select = `SELECT job_id, writer_pid, writer_token, state, states, initiated_by, updated_at, started_at
    FROM jobs WHERE result = 'running'`;
  const candidates = (db.prepare(select).all() as unknown as OpenRow[]).filter(
    (row) => !ownJobs.has(row.job_id) && writerIsGone(row.writer_pid, row.writer_token),
  );
  if (candidates.length === 0) return [];
  const reread = db.prepare(`${select} AND job_id = ?`);
  const mark = db.prepare(`UPDATE jobs SET state = 'interrupted', result = 'interrupted', states = :states,
      ended_at = :ended, duration_ms = :duration, message = :message, updated_at = :now
    WHERE job_id = :job_id AND result = 'running'`);
  return inTransaction(db, () => {
    const marked: string[] = [];
    for (const candidate of candidates) {
      // Read again under the write lock: its writer may have ended it meanwhile.
      const row = reread.get(candidate.job_id) as unknown as OpenRow | undefined;
      if (!row || row.writer_pid !== candidate.writer_pid || row.writer_token !== candidate.writer_token) continue;
      const states = [...(JSON.parse(row.states) as StateStep[]), { state: 'interrupted', at: now }];
      mark.run({
        job_id: row.job_id,
        states: JSON.stringify(states),
        ended: row.updated_at,
        duration: row.updated_at - row.started_at,
        message: interruptedMessage(row.initiated_by, row.state),
        now,
      });
      marked.push(row.job_id);
    }
    return marked;
  });
}

/**
 * Removes finished rows past the retention (running rows count towards the rows kept but are never
 * removed: another process writes them), and devices unseen as long that carry no label or notes. */
export function prune(db: DatabaseSync, retention: Retention, now: number): number {
  const cutoff = now - retention.days * 86_400_000;
  return inTransaction(db, () => {
    let removed = Number(
      db.prepare(`DELETE FROM jobs WHERE result != 'running' AND started_at < ?`).run(cutoff).changes,
    );
    removed += Number(
      db
        .prepare(
          `DELETE FROM jobs WHERE result != 'running' AND job_id IN
            (SELECT job_id FROM jobs ORDER BY result = 'running' DESC, started_at DESC LIMIT -1 OFFSET ?)`,
        )
        .run(retention.rows).changes,
    );
    db.prepare(
      `DELETE FROM devices WHERE last_seen < ? AND label IS NULL AND notes IS NULL
        AND device_id NOT IN (SELECT device_id FROM jobs)`,
    ).run(cutoff);
    return removed;
  });
}
