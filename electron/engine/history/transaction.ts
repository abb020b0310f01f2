// One write transaction: BEGIN IMMEDIATE takes the write lock at once (waiting up to the busy timeout
// for another process), so a read-then-write inside it never sees a row change under it.
import type { DatabaseSync } from './sqlite.ts';

export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    try {
      db.exec('ROLLBACK');
    } catch {
      /* SQLite rolled it back already (a failed COMMIT, a full disk) */
    }
    throw error;
  }
}
