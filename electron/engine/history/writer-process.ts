// Which process writes a running row, and whether it still runs. A row is marked interrupted only
// when its writer is certainly gone: its pid does not run, or runs something started at another time
// (the pid was reused after a crash). The start token is the boot id and the process's start time in
// clock ticks (Linux /proc), which no other process can share; where /proc does not exist the token is
// null and a running pid counts as the writer (an interrupted row then waits for the next start).
import { readFileSync } from 'node:fs';

function bootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

/** Field 3 (state) and field 22 (start time) of /proc/PID/stat; the name in field 2 may hold spaces. */
function procStat(pid: number): { state: string; startTicks: string } | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', startTicks: fields[19] ?? '?' };
  } catch {
    return null;
  }
}

export function startToken(pid: number): string | null {
  const boot = bootId();
  const stat = boot ? procStat(pid) : null;
  return boot && stat ? `${boot}:${stat.startTicks}` : null;
}

let ownToken: string | null | undefined;
/** This process's token, read once. */
export function ownStartToken(): string | null {
  if (ownToken === undefined) ownToken = startToken(process.pid);
  return ownToken;
}

function pidRuns(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it runs, under another user. ESRCH: gone.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // Killed but not yet reaped by its parent: a zombie runs nothing.
  return procStat(pid)?.state !== 'Z';
}

/** True when the process that wrote a row with this pid and token is certainly no longer running. */
export function writerIsGone(pid: number, token: string | null): boolean {
  if (!pidRuns(pid)) return true;
  if (token === null) return false;
  const now = startToken(pid);
  return now !== null && now !== token;
}
