// The push history and the device inventory, in one SQLite file (node:sqlite) that the app's main
// process and any CLI share. Every write is one small transaction on the caller's thread: a job's row
// is written when something worth keeping changed (its state, its result, the version the board
// reported, a new log line), never on a progress tick. Opening marks the rows of processes that died
// as interrupted and prunes old rows (maintenance.ts). A file this code cannot use (a newer schema,
// no node:sqlite) leaves the store unavailable: pushes go on, and reading the history says why.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Device, Job, JobLogEntry } from '../../../shared/domain.ts';
import { isTerminal } from '../../../shared/domain.ts';
import type { HistoryEntry, HistoryQuery, InventoryDevice } from '../../../shared/history.ts';
import type { RecordedImage } from '../engine-api.ts';
import { UpdateError } from '../update-error.ts';
import { toCsv, toJson } from './export.ts';
import { historyUnavailable, noSuchDevice, noSuchJob } from './history-messages.ts';
import { InventoryWriter, inventoryOf, type DeviceRow } from './inventory.ts';
import { ROW_COLUMNS, countsAsRetry, entryOf, newLogLines, rowOf, type JobRow, type StateStep } from './job-row.ts';
import { markInterrupted, prune, retentionFromEnv, type Retention } from './maintenance.ts';
import { RefusedHistoryFile, migrate } from './schema.ts';
import { openDatabase, type DatabaseSync, type StatementSync } from './sqlite.ts';
import { inTransaction } from './transaction.ts';
import { ownStartToken } from './writer-process.ts';

export interface JobRecordContext {
  fleetId: string | null;
  device: Device;
  /** Where the pushed file is (and its pair's other file): what "push again" re-opens. */
  imagePath: string;
  pairPath: string | null;
}

export interface HistoryOptions {
  /** Who writes: "the OTA Bench app", "the OTA Bench CLI" (the rows' initiatedBy). */
  processName: string;
  /** Default: OTA_BENCH_HISTORY_DAYS / OTA_BENCH_HISTORY_ROWS, else 365 days and 20,000 rows. */
  retention?: Retention;
  /** How long a write waits for another process's transaction. */
  busyTimeoutMs?: number;
  /**
   * How often reading looks again for rows whose process died since this one opened the file (a CLI
   * killed while the app runs); default 5 s.
   */
  sweepIntervalMs?: number;
  /** Tests: who the writer is (another pid, another start token). */
  writer?: { pid: number; token: string | null };
}

const DEFAULT_LIST_LIMIT = 200;
/** An export without a limit has every row the query selects (retention bounds them). */
const EXPORT_LIMIT = -1;
const UPSERT_JOB = `INSERT INTO jobs (${ROW_COLUMNS.join(', ')}) VALUES (${ROW_COLUMNS.map((c) => `:${c}`).join(', ')})
  ON CONFLICT (job_id) DO UPDATE SET ${ROW_COLUMNS.filter((c) => c !== 'job_id')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

/** What this process remembers of a job it is writing, to tell a change worth a write from a progress tick. */
interface Tracked {
  states: StateStep[];
  /** The fields whose change is worth a write, as last written. */
  written: string;
  lastLog: JobLogEntry | null;
  retries: number;
  toVersion: string | null;
}

export class HistoryStore {
  private readonly tracked = new Map<string, Tracked>();
  private readonly statements = new Map<string, StatementSync>();
  /** The newest row of each job whose last write failed, as a write to try again. */
  private readonly unwritten = new Map<string, () => void>();
  private readonly devices: InventoryWriter | null;
  private closed = false;
  private lastSweep = Date.now();

  private readonly db: DatabaseSync | null;
  /** Why the history cannot be used, when it cannot. */
  private readonly unavailable: string | null;
  private readonly options: HistoryOptions;

  private constructor(db: DatabaseSync | null, unavailable: string | null, options: HistoryOptions) {
    this.db = db;
    this.unavailable = unavailable;
    this.options = options;
    this.devices = db ? new InventoryWriter(db) : null;
  }

  /** `file`: the database file (created with its folder), or ':memory:'. */
  static open(file: string, options: HistoryOptions): HistoryStore {
    let db: DatabaseSync | null = null;
    try {
      if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
      db = openDatabase(file, options.busyTimeoutMs ?? 5000);
      migrate(db, file);
      const now = Date.now();
      markInterrupted(db, now);
      prune(db, options.retention ?? retentionFromEnv(), now);
      return new HistoryStore(db, null, options);
    } catch (error) {
      db?.close();
      const message = (error as Error).message;
      return new HistoryStore(
        null,
        error instanceof RefusedHistoryFile ? message : historyUnavailable(`${file}: ${message}`),
        options,
      );
    }
  }

  /** Why reading the history fails, or null when it works. */
  get problem(): string | null {
    return this.unavailable;
  }

  /** Called on every job change; writes only when the state (or the log's end) changed. Returns the row written, if any. */
  recordJob(job: Job, context: JobRecordContext): HistoryEntry | null {
    if (!this.db || this.closed) return null;
    const tracked = this.tracked.get(job.id) ?? { states: [], written: '', lastLog: null, retries: 0, toVersion: null };
    const lastLog = job.log.at(-1) ?? null;
    const worth = JSON.stringify([job.state, job.result, job.toVersion, job.mode, lastLog?.at, lastLog?.text]);
    if (worth === tracked.written) return null;
    const states =
      tracked.states.at(-1)?.state === job.state
        ? tracked.states
        : [...tracked.states, { state: job.state, at: job.stateSince }];
    const retries = tracked.retries + newLogLines(job.log, tracked.lastLog).filter((l) => countsAsRetry(l.text)).length;
    const writer = this.options.writer ?? { pid: process.pid, token: ownStartToken() };
    const row = rowOf({
      job,
      fleetId: context.fleetId,
      device: context.device,
      imagePath: context.imagePath,
      pairPath: context.pairPath,
      states,
      retries,
      initiatedBy: this.options.processName,
      writerPid: writer.pid,
      writerToken: writer.token,
      now: Date.now(),
    });
    const reportedChanged = job.toVersion !== null && job.toVersion !== tracked.toVersion;
    const firstWrite = !tracked.written;
    const write = () =>
      inTransaction(this.db!, () => {
        this.statement(UPSERT_JOB).run({ ...row });
        // The inventory knows every board pushed to, and the version it reported after the push.
        if (reportedChanged || firstWrite) {
          this.devices!.write(context.device, row.updated_at, reportedChanged ? job.toVersion : null);
        }
      });
    if (isTerminal(job.state)) this.tracked.delete(job.id);
    else this.tracked.set(job.id, { states, written: worth, lastLog, retries, toVersion: job.toVersion });
    this.retryUnwritten(job.id);
    try {
      write();
      this.unwritten.delete(job.id);
    } catch {
      // A full disk or a lock held too long must not break the push: this row is written again at
      // the next write of any job, and at close, unless a newer one of the same job replaces it.
      this.unwritten.set(job.id, write);
      return null;
    }
    return entryOf(row, false);
  }

  /** Rows whose write failed (a lock held past the busy timeout), tried again; `except`: about to be replaced. */
  private retryUnwritten(except?: string): void {
    for (const [jobId, write] of this.unwritten) {
      if (jobId === except) continue;
      try {
        write();
        this.unwritten.delete(jobId);
      } catch {
        return; // still locked: the next write tries again
      }
    }
  }

  /** Every device discovery lists, written only where its row would change (inventory.ts). */
  sawDevices(devices: Device[]): void {
    if (!this.db || this.closed) return;
    const changed = this.devices!.changed(devices);
    if (changed.length === 0) return;
    const now = Date.now();
    try {
      inTransaction(this.db, () => {
        for (const device of changed) this.devices!.write(device, now);
      });
    } catch {
      /* written at the next change */
    }
  }

  list(query: HistoryQuery = {}): HistoryEntry[] {
    return this.rows(query).map((row) => entryOf(row, false));
  }

  entry(jobId: string): HistoryEntry {
    return entryOf(this.row(jobId), true);
  }

  export(format: 'csv' | 'json', query: HistoryQuery = {}): { text: string; rows: number } {
    const entries = this.rows(query, EXPORT_LIMIT).map((row) => entryOf(row, format === 'json'));
    return { text: format === 'csv' ? toCsv(entries) : toJson(entries), rows: entries.length };
  }

  recordedImage(jobId: string): RecordedImage {
    const row = this.row(jobId);
    return { path: row.image_path, pairPath: row.pair_path, sha256: row.sha256 };
  }

  /** Every device ever seen, newest first, with `online` from this process's own discovery. */
  inventory(online: Device[]): InventoryDevice[] {
    this.usable();
    this.sweep();
    const byId = new Map(online.map((d) => [d.id, d]));
    const devices = this.statement('SELECT * FROM devices ORDER BY last_seen DESC').all() as unknown as DeviceRow[];
    // One index lookup per device (jobs_by_device), not a pass over every row.
    const newest = this.statement('SELECT * FROM jobs WHERE device_id = ? ORDER BY started_at DESC LIMIT 1');
    return devices.map((d) =>
      inventoryOf(d, (newest.get(d.device_id) as unknown as JobRow | undefined) ?? null, byId.get(d.device_id)),
    );
  }

  setNote(deviceId: string, note: { label: string | null; notes: string | null }): InventoryDevice {
    const db = this.usable();
    const clean = (text: string | null) => (text?.trim() ? text.trim() : null);
    const changed = db
      .prepare('UPDATE devices SET label = ?, notes = ? WHERE device_id = ?')
      .run(clean(note.label), clean(note.notes), deviceId).changes;
    if (Number(changed) === 0) throw new UpdateError('invalid-uri', noSuchDevice(deviceId));
    const device = this.inventory([]).find((d) => d.deviceId === deviceId)!;
    return device;
  }

  close(): void {
    if (this.closed) return;
    this.retryUnwritten();
    this.closed = true;
    this.db?.close();
  }

  /** Marks the rows of writers that died since the last look (opening did the first). */
  private sweep(): void {
    const now = Date.now();
    if (!this.db || now - this.lastSweep < (this.options.sweepIntervalMs ?? 5000)) return;
    this.lastSweep = now;
    try {
      markInterrupted(this.db, now, new Set(this.tracked.keys()));
    } catch {
      /* busy: the next read looks again */
    }
  }

  /** Prepared once: preparing costs more than running a small write. */
  private statement(sql: string): StatementSync {
    let prepared = this.statements.get(sql);
    if (!prepared) this.statements.set(sql, (prepared = this.usable().prepare(sql)));
    return prepared;
  }

  private usable(): DatabaseSync {
    if (this.unavailable || !this.db) throw new UpdateError('update-failed', this.unavailable ?? 'No history.');
    if (this.closed) throw new UpdateError('update-failed', historyUnavailable('it has been closed.'));
    return this.db;
  }

  private row(jobId: string): JobRow {
    const row = this.statement('SELECT * FROM jobs WHERE job_id = ?').get(jobId) as unknown as JobRow | undefined;
    if (!row) throw new UpdateError('invalid-uri', noSuchJob(jobId));
    return row;
  }

  private rows(query: HistoryQuery, defaultLimit = DEFAULT_LIST_LIMIT): JobRow[] {
    const where: string[] = [];
    const params: Record<string, string | number> = {};
    if (query.deviceId !== undefined) {
      where.push('device_id = :deviceId');
      params.deviceId = query.deviceId;
    }
    if (query.result !== undefined) {
      where.push('result = :result');
      params.result = query.result;
    }
    if (query.fileName !== undefined) {
      where.push('instr(lower(file_name), lower(:fileName)) > 0');
      params.fileName = query.fileName;
    }
    if (query.before !== undefined) {
      where.push('started_at < :before');
      params.before = query.before;
    }
    params.limit = query.limit ?? defaultLimit;
    this.sweep();
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY started_at DESC, job_id LIMIT :limit`;
    return this.statement(sql).all(params) as unknown as JobRow[];
  }
}
