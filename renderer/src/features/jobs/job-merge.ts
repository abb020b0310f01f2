// Jobs reach the renderer by two roads: command results (push, commitJob…) and jobChanged events.
// Over Electron IPC they arrive in order, but the HTTP test bridge uses separate connections, so a
// stale copy can arrive after a newer one. These pure rules decide which copy wins.
import type { Job } from '../../../../shared/domain.ts';
import { isTerminal } from '../../../../shared/domain.ts';

/** True when `incoming` is at least as recent as `current` (ties go to the later arrival). */
export function isNewerJob(incoming: Job, current: Job): boolean {
  // A finished job never goes back to running.
  if (isTerminal(current.state) && !isTerminal(incoming.state)) return false;
  if (incoming.stateSince !== current.stateSince) return incoming.stateSince > current.stateSince;
  // The log only grows; within one state the byte counter only grows.
  if (incoming.log.length !== current.log.length) return incoming.log.length > current.log.length;
  return incoming.progress.bytesSent >= current.progress.bytesSent;
}

export function upsertJob(jobs: Job[], incoming: Job): Job[] {
  const index = jobs.findIndex((job) => job.id === incoming.id);
  if (index === -1) return sortNewestFirst([...jobs, incoming]);
  if (!isNewerJob(incoming, jobs[index])) return jobs;
  const next = jobs.slice();
  next[index] = incoming;
  return next;
}

/** Keeps jobs already known (from events) when a list arrives, unless the list's copy is newer. */
export function mergeJobLists(known: Job[], listed: Job[]): Job[] {
  return listed.reduce(upsertJob, known);
}

export function sortNewestFirst(jobs: Job[]): Job[] {
  return [...jobs].sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
}

/** The running (non-terminal) job for a device, if any: a second push to it would be refused. */
export function activeJobFor(jobs: Job[], deviceId: string): Job | undefined {
  return jobs.find((job) => job.deviceId === deviceId && !isTerminal(job.state));
}
