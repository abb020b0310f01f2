// One job per board across processes: the app and any number of CLIs share a directory of lock
// files, one per board identity. A job takes the lock before it sends its first byte and gives it back
// when it ends, however it ends. Two pushes 2.5 s apart to one esp-link board both "succeeded" and
// left a corrupted slot; the second one must fail at once and say who holds the board.
//
// A lock is a file created exclusively (a hard link that fails if the name exists: atomic on local
// file systems, like O_EXCL, and never seen half-written) holding the holder's pid,
// process name and start time. A lock whose pid no longer runs is stale (a crash, a kill -9) and is
// taken over. Within one process JobManager already refuses a second job on a board; the file also
// covers two engines in one process (tests) because its pid is alive.
import { createHash, randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { formatClockTime } from '../../../shared/format.ts';
import { UpdateError } from '../update-error.ts';
import { lockNotTaken } from './job-messages.ts';

/** What a lock file says about the process that holds it. */
export interface LockHolder {
  pid: number;
  /** "the OTA Bench CLI", "the OTA Bench app": who the second push names. */
  process: string;
  /** Epoch ms when it took the board. */
  since: number;
  /** The board's name as the holder knew it. */
  device: string;
}

/** The holder's name when the caller gives none: the Electron app, else the script that runs. */
export function defaultProcessName(): string {
  if (process.versions.electron) return 'the OTA Bench app';
  const script = process.argv[1]?.split(/[\\/]/).pop() ?? 'node';
  return /ota-bench/.test(script) ? 'the OTA Bench CLI' : `a process running ${script}`;
}

/**
 * Where the app and the CLI keep shared state: OTA_BENCH_DATA_DIR (tests), else the directory Electron
 * uses as the app's userData for an app named "ota-bench" (app.getPath('appData') + name), computed
 * here because the engine may not import electron.
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.OTA_BENCH_DATA_DIR) return env.OTA_BENCH_DATA_DIR;
  const home = homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'ota-bench');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'ota-bench');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'ota-bench');
}

const lockDir = () => join(dataDir(), 'locks');

/** A board key's lock file: a readable, file-system-safe name that stays unique (ids hold ':' and '/'). */
export function lockFileFor(key: string): string {
  const readable = key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 12);
  return join(lockDir(), `${readable}-${hash}.lock`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it runs, under another user. ESRCH: gone.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A pid is reused once its process is gone: where the system says what runs under it (Linux
  // /proc), a holder is only one that is still Node or Electron (the CLI and the app are nothing else).
  try {
    return /node|electron|ota.?bench/i.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true; // no /proc (macOS, Windows): the pid alone has to do
  }
}

function readHolder(path: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number') return null;
    return {
      pid: parsed.pid,
      process: String(parsed.process ?? 'another program'),
      since: Number(parsed.since) || 0,
      device: String(parsed.device ?? ''),
    };
  } catch {
    return null; // unreadable: nobody we could name holds it
  }
}

/** "the OTA Bench CLI (pid 1234) is pushing to this board since 12:03:04" */
export function describeHolder(holder: LockHolder): string {
  return `${holder.process} (pid ${holder.pid}) is pushing to this board since ${formatClockTime(holder.since)}`;
}

/** Writes the holder to a private file, then links it into place: atomic, fails if a lock exists, never half-written. */
function tryCreate(path: string, holder: LockHolder): boolean {
  const scratch = `${path}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(scratch, JSON.stringify(holder), { flag: 'wx', mode: 0o644 });
  try {
    linkSync(scratch, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    try {
      unlinkSync(scratch);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Removes a lock whose holder is dead. Another process may be doing the same and may already have
 * put its own fresh lock there, so the file is first moved aside (atomic) and checked: if it is not
 * the stale one we judged, it goes back.
 */
function removeStale(path: string, stale: LockHolder | null): void {
  const aside = `${path}.${process.pid}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = readHolder(aside);
  if (moved && stale && (moved.pid !== stale.pid || moved.since !== stale.since)) {
    try {
      linkSync(aside, path);
    } catch {
      /* a third lock is there now: it wins */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* already gone */
  }
}

export interface BoardLock {
  release(): void;
  /** Set when the lock directory could not be used: the job goes ahead, unguarded, and says so. */
  warning: string | null;
}

/**
 * Takes every key of one board (its id and its address: two processes may know the same board by
 * different ids) or none. Throws UpdateError naming the holder when one is taken by a live process.
 */
export function takeBoardLock(keys: string[], holderInfo: { process: string; device: string }): BoardLock {
  const holder: LockHolder = {
    pid: process.pid,
    process: holderInfo.process,
    since: Date.now(),
    device: holderInfo.device,
  };
  try {
    mkdirSync(lockDir(), { recursive: true });
  } catch (error) {
    return {
      release: () => {},
      warning: lockNotTaken(`Could not use ${lockDir()} for board locks (${(error as Error).message})`),
    };
  }
  const taken: string[] = [];
  const release = () => {
    for (const path of taken.splice(0)) {
      // Only our own lock is removed: a stale-lock takeover elsewhere must not lose its file to us.
      const current = readHolder(path);
      if (current && (current.pid !== holder.pid || current.since !== holder.since)) continue;
      try {
        unlinkSync(path);
      } catch {
        /* already gone */
      }
    }
  };
  try {
    for (const path of [...new Set(keys)].map(lockFileFor)) {
      for (let attempt = 0; ; attempt++) {
        if (tryCreate(path, holder)) {
          taken.push(path);
          break;
        }
        const other = readHolder(path);
        if (other && isAlive(other.pid)) {
          throw new UpdateError(
            'update-failed',
            `${holderInfo.device} is busy: ${describeHolder(other)}. Wait for that push to end, then try again.`,
          );
        }
        if (attempt >= 2)
          throw new UpdateError(
            'update-failed',
            `${holderInfo.device} is busy: its lock file ${path} keeps coming back; remove it if no OTA Bench is running.`,
          );
        removeStale(path, other);
      }
    }
  } catch (error) {
    release();
    if (error instanceof UpdateError) throw error;
    return {
      release: () => {},
      warning: lockNotTaken(`Could not take the board lock (${(error as Error).message})`),
    };
  }
  return { release, warning: null };
}

/** The identities one board goes by: its id, and its address for the LAN (or Bluetooth address). */
export function boardLockKeys(device: {
  id: string;
  transport: string;
  address: string | null;
  port: number;
}): string[] {
  const keys = [device.id];
  if (device.address)
    keys.push(
      device.transport === 'ble'
        ? `ble-address:${device.address.toLowerCase()}`
        : `lan:${device.address}:${device.port}`,
    );
  return keys;
}
