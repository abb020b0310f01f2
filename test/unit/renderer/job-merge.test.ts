import { describe, expect, it } from 'vitest';
import { activeJobFor, isNewerJob, mergeJobLists, upsertJob } from '../../../renderer/src/features/jobs/job-merge.ts';
import { aJob } from './support/builders.ts';

describe('isNewerJob', () => {
  it('prefers the later state change', () => {
    expect(isNewerJob(aJob({ state: 'rebooting', stateSince: 2000 }), aJob({ stateSince: 1000 }))).toBe(true);
    expect(isNewerJob(aJob({ stateSince: 1000 }), aJob({ state: 'rebooting', stateSince: 2000 }))).toBe(false);
  });

  it('within one state, prefers more log lines, then more bytes sent', () => {
    const base = aJob({ progress: { bytesSent: 500, totalBytes: 1000, bytesPerSecond: 1, etaSeconds: 1 } });
    const behind = aJob({ progress: { bytesSent: 100, totalBytes: 1000, bytesPerSecond: 1, etaSeconds: 5 } });
    expect(isNewerJob(behind, base)).toBe(false);
    expect(isNewerJob(base, behind)).toBe(true);
    expect(isNewerJob(aJob({ log: [{ at: 1, text: 'x' }] }), base)).toBe(true);
  });

  it('never lets a running copy overwrite a finished one', () => {
    expect(
      isNewerJob(aJob({ state: 'transferring', stateSince: 9000 }), aJob({ state: 'failed', stateSince: 5000 })),
    ).toBe(false);
  });
});

describe('upsertJob / mergeJobLists', () => {
  it('adds new jobs newest first', () => {
    const jobs = upsertJob([aJob({ id: 'a', createdAt: 1 })], aJob({ id: 'b', createdAt: 2 }));
    expect(jobs.map((job) => job.id)).toEqual(['b', 'a']);
  });

  it('ignores a stale copy arriving late', () => {
    const current = [aJob({ state: 'awaiting-commit', stateSince: 5000 })];
    expect(upsertJob(current, aJob({ state: 'committing', stateSince: 4000 }))).toBe(current);
  });

  it('keeps event updates that beat the initial list', () => {
    const fromEvent = aJob({ state: 'rebooting', stateSince: 3000 });
    const listed = [
      aJob({ state: 'transferring', stateSince: 1000 }),
      aJob({ id: 'old', createdAt: 0, state: 'committed' }),
    ];
    const merged = mergeJobLists([fromEvent], listed);
    expect(merged.map((job) => [job.id, job.state])).toEqual([
      ['job-1', 'rebooting'],
      ['old', 'committed'],
    ]);
  });
});

describe('activeJobFor', () => {
  it('finds only unfinished jobs of that device', () => {
    const jobs = [aJob({ id: 'done', state: 'committed' }), aJob({ id: 'other', deviceId: 'x' }), aJob({ id: 'live' })];
    expect(activeJobFor(jobs, 'id:board-1')?.id).toBe('live');
    expect(activeJobFor(jobs.slice(0, 2), 'id:board-1')).toBeUndefined();
  });
});
