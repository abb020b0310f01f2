// Ticking boards for a fleet push (renderer/src/features/devices/selection.ts) and how the fleet card
// shows a board (renderer/src/features/fleet/fleet-view.ts): pure rules, no React.
import { describe, expect, it } from 'vitest';
import {
  countUpToDate,
  dropUpToDate,
  imageFor,
  selectFitting,
  toggle,
  toggleRange,
} from '../../../renderer/src/features/devices/selection.ts';
import { memberView, retryableCount, totalChips } from '../../../renderer/src/features/fleet/fleet-view.ts';
import type { FleetMember, FleetTotals } from '../../../shared/fleet.ts';
import { aDevice, aJob, anImage } from './support/builders.ts';

const mongoose = (id: string, version: string | null = '1.0.0') =>
  aDevice({ id, name: id, protocol: 'mongoose-os', firmwareVersion: version });
const arduino = (id: string, version: string | null = '1.0.0') =>
  aDevice({ id, name: id, protocol: 'arduino-esp32', firmwareVersion: version });
const zip = anImage({
  imageId: 'zip',
  fileName: 'fw.zip',
  version: '1.1.0',
  pushableWith: ['mongoose-os'],
  problem: null,
});
const bin = anImage({
  imageId: 'bin',
  fileName: 'sketch.bin',
  version: '2.0.0',
  pushableWith: ['arduino-esp32'],
  problem: null,
});

describe('fleet selection', () => {
  it('a board gets the first open image its protocol takes; none when it takes none or cannot be pushed to', () => {
    expect(imageFor(mongoose('a'), [zip, bin])?.imageId).toBe('zip');
    expect(imageFor(arduino('b'), [zip, bin])?.imageId).toBe('bin');
    expect(imageFor(arduino('b'), [zip])).toBeNull();
    expect(imageFor({ ...mongoose('c'), pushSupported: false }, [zip])).toBeNull();
    expect(imageFor(mongoose('a'), [{ ...zip, problem: 'truncated' }])).toBeNull();
  });

  it('shift-click ticks (or unticks) the range from the last tick, in the order shown', () => {
    const order = ['a', 'b', 'c', 'd', 'e'];
    const one = toggle(new Set(), 'b');
    expect([...toggleRange(one, order, 'b', 'd')].sort()).toEqual(['b', 'c', 'd']);
    // Upwards too, and an already ticked row in the range unticks the range.
    expect([...toggleRange(new Set(['d']), order, 'd', 'a')].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect([...toggleRange(new Set(['a', 'b', 'c']), order, 'a', 'c')]).toEqual([]);
    // No anchor (or one no longer shown): a plain tick.
    expect([...toggleRange(new Set(), order, null, 'c')]).toEqual(['c']);
    expect([...toggleRange(new Set(), order, 'gone', 'c')]).toEqual(['c']);
  });

  it('"select all that can take this file" counts every open image; "only those not already on" drops by reported version', () => {
    const devices = [mongoose('a'), mongoose('b', '1.1.0'), arduino('c', '2.0.0'), arduino('d', null)];
    expect([...selectFitting(devices, [zip])]).toEqual(['a', 'b']);
    const all = selectFitting(devices, [zip, bin]);
    expect(all.size).toBe(4);
    expect(countUpToDate(all, devices, [zip, bin])).toBe(2);
    // A board that reports no version stays: nothing says it is up to date.
    expect([...dropUpToDate(all, devices, [zip, bin])]).toEqual(['a', 'd']);
  });
});

const member = (over: Partial<FleetMember> = {}): FleetMember => ({
  deviceId: 'a',
  deviceName: 'a',
  transport: 'lan',
  imageId: 'zip',
  fileName: 'fw.zip',
  state: 'running',
  jobId: 'job-1',
  message: null,
  attempt: 1,
  pilot: false,
  ...over,
});

describe('fleet card rows', () => {
  it('a running board shows its job’s phase and percent and holds a slot', () => {
    const job = aJob({
      id: 'job-1',
      state: 'transferring',
      progress: { bytesSent: 250, totalBytes: 1000, bytesPerSecond: 100, etaSeconds: 7 },
    });
    const view = memberView(member(), job);
    expect(view).toMatchObject({ phase: 'Uploading', tone: 'active', active: true, percent: 25, flag: null });
    // Waiting for a commit decision does not hold a slot.
    expect(memberView(member({ state: 'awaiting-commit' }), { ...job, state: 'awaiting-commit' }).active).toBe(false);
  });

  it('failed and rolled-back boards are flagged with an icon and a word, with the board’s own words', () => {
    const job = aJob({
      id: 'job-1',
      state: 'failed',
      result: { code: 'not-enough-space', message: 'No room for the file.', deviceMessage: 'Not enough space' },
    });
    const failed = memberView(member({ state: 'failed' }), job);
    expect(failed).toMatchObject({
      phase: 'Failed',
      tone: 'danger',
      active: false,
      flag: { icon: '✕', word: 'Failed' },
    });
    expect(failed.message).toBe('No room for the file.');
    expect(failed.deviceMessage).toBe('Not enough space');
    expect(memberView(member({ state: 'rolled-back' }), undefined).flag?.word).toBe('Rolled back');
    // The run's verdict speaks once the member ended, even when the job itself "updated".
    expect(
      memberView(member({ state: 'failed', message: 'Did not pass its health check.' }), { ...job, state: 'updated' })
        .phase,
    ).toBe('Failed');
    expect(memberView(member({ state: 'skipped', jobId: null, message: 'Offline.' }), undefined)).toMatchObject({
      phase: 'Skipped',
      message: 'Offline.',
      percent: null,
    });
  });

  it('totals: chips in reading order; Retry failed counts failed and rolled back', () => {
    const totals: FleetTotals = {
      waiting: 1,
      running: 4,
      awaitingCommit: 0,
      succeeded: 12,
      failed: 2,
      rolledBack: 1,
      skipped: 0,
      cancelled: 0,
    };
    expect(totalChips(totals).map((chip) => `${chip.count} ${chip.label}`)).toEqual([
      '1 waiting',
      '4 running',
      '0 awaiting commit',
      '12 done',
      '2 failed',
      '1 rolled back',
      '0 skipped',
      '0 cancelled',
    ]);
    expect(retryableCount(totals)).toBe(3);
  });
});
