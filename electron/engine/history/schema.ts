// The history file's schema, as an ordered list of migrations numbered in code. PRAGMA user_version
// says how many have been applied; opening runs the missing ones in one write transaction (two
// processes opening an old file at once: the second waits, then finds nothing left to do). A file
// from a newer OTA Bench (a version this code does not know) is refused, never rewritten.
import type { DatabaseSync } from './sqlite.ts';
import { newerSchema } from './history-messages.ts';
import { inTransaction } from './transaction.ts';

/** Migration N (1-based) brings a file from user_version N−1 to N. Append only; never edit a shipped one. */
export const MIGRATIONS: readonly string[] = [
  // 1: one row per push. `states` and `log` are JSON arrays (read and written with the row, never
  // queried inside); writer_pid/writer_token name the process that writes a running row, so the next
  // start can tell a row whose process died (interrupted) from one another process is still writing.
  `CREATE TABLE jobs (
    job_id TEXT PRIMARY KEY,
    fleet_id TEXT,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    updated_at INTEGER NOT NULL,
    device_id TEXT NOT NULL,
    device_name TEXT NOT NULL,
    mdns_id TEXT, mac TEXT, ble_address TEXT, hostname TEXT, address TEXT,
    protocol TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    image_version TEXT,
    from_version TEXT,
    to_version TEXT,
    commit_policy TEXT NOT NULL,
    mode TEXT,
    state TEXT NOT NULL,
    result TEXT NOT NULL,
    states TEXT NOT NULL,
    result_code TEXT, message TEXT, device_message TEXT,
    bytes_sent INTEGER NOT NULL,
    duration_ms INTEGER,
    bytes_per_second REAL,
    retries INTEGER NOT NULL,
    initiated_by TEXT NOT NULL,
    log TEXT NOT NULL,
    image_path TEXT NOT NULL,
    pair_path TEXT,
    writer_pid INTEGER NOT NULL,
    writer_token TEXT
  );
  CREATE INDEX jobs_by_start ON jobs (started_at DESC);
  CREATE INDEX jobs_by_device ON jobs (device_id, started_at DESC);
  CREATE INDEX jobs_running ON jobs (writer_pid) WHERE result = 'running';`,
  // 2: the inventory, every device ever seen, with the user's label and notes.
  `CREATE TABLE devices (
    device_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    transport TEXT NOT NULL,
    protocol TEXT NOT NULL,
    mdns_id TEXT, mac TEXT, ble_address TEXT, hostname TEXT, address TEXT,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL,
    reported_version TEXT,
    reported_at INTEGER,
    label TEXT,
    notes TEXT
  );`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: DatabaseSync): number {
  return Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version);
}

/** Brings the file up to `target` (default: the newest); throws a sentence when it is newer than this code. */
export function migrate(db: DatabaseSync, file: string, target = SCHEMA_VERSION): void {
  if (schemaVersion(db) === target) return;
  inTransaction(db, () => {
    const found = schemaVersion(db); // again, under the write lock
    if (found > SCHEMA_VERSION) throw new RefusedHistoryFile(newerSchema(file, found, SCHEMA_VERSION));
    for (let version = found + 1; version <= target; version++) {
      db.exec(MIGRATIONS[version - 1]!);
      db.exec(`PRAGMA user_version = ${version}`);
    }
  });
}

/** A file this OTA Bench must not touch; its message is the whole sentence for the user. */
export class RefusedHistoryFile extends Error {}
