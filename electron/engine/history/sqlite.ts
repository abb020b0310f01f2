// node:sqlite, loaded in one place. Node 22.13–23 print "ExperimentalWarning: SQLite is an
// experimental feature…" on stderr the first time the module loads (Node 24 no longer does); the CLI's
// stderr is for the user's own errors, so exactly that warning is dropped here, and every other
// warning still goes through. Loaded with process.getBuiltinModule, synchronously and at first use, so
// the bundlers (electron-vite, scripts/build-cli.js) leave it to the runtime and `--help` never loads it.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { UpdateError } from '../update-error.ts';

let sqlite: typeof import('node:sqlite') | null = null;

/**
 * Runs `load` with exactly Node's SQLite ExperimentalWarning silenced; any other warning, and any
 * warning emitted after it returns, goes through as usual.
 */
export function withoutSqliteWarning<T>(load: () => T): T {
  const emitWarning = process.emitWarning;
  process.emitWarning = function filtered(this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning.message;
    const option = rest[0];
    const type = typeof option === 'string' ? option : (option as { type?: string } | undefined)?.type;
    const name = typeof warning === 'string' ? type : warning.name;
    if (name === 'ExperimentalWarning' && /\bSQLite\b/i.test(text)) return;
    return (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return load();
  } finally {
    process.emitWarning = emitWarning;
  }
}

function loadQuietly(): typeof import('node:sqlite') {
  if (sqlite) return sqlite;
  try {
    const loaded = withoutSqliteWarning(() => process.getBuiltinModule?.('node:sqlite'));
    if (!loaded) throw new Error('node:sqlite is not available');
    sqlite = loaded;
    return loaded;
  } catch (error) {
    throw new UpdateError(
      'update-failed',
      `The history needs SQLite from Node.js 22.13 or newer (node:sqlite); this is Node ${process.version} (${(error as Error).message}).`,
    );
  }
}

/** Opens (creating) a database with the settings every connection of ours uses. */
export function openDatabase(file: string, busyTimeoutMs: number): DatabaseSync {
  const { DatabaseSync } = loadQuietly();
  const db = new DatabaseSync(file);
  try {
    // Waits for another process's write instead of failing with SQLITE_BUSY at once.
    db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.round(busyTimeoutMs))}`);
    if (file !== ':memory:') {
      // WAL: readers never block the writer and a crash mid-write leaves the last committed state.
      db.exec('PRAGMA journal_mode = WAL');
      // NORMAL in WAL mode: a power cut may lose the last commits, never consistency.
      db.exec('PRAGMA synchronous = NORMAL');
    }
    db.exec('PRAGMA foreign_keys = ON');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

export type { DatabaseSync, StatementSync };
