// What a fleet run reports: a 'changed' for member changes (not for a job's progress), at most a few a
// second per run with the run's state changes at once, totals that add up in every one; and its
// lifecycle: wait, dismiss only ended runs, close cancels everything and leaves no timer or listener.
import { afterEach, describe, expect, it } from 'vitest';
import { FleetRunner } from '../../../electron/engine/fleet/fleet-runner.ts';
import type { FleetRun } from '../../../shared/fleet.ts';
import { FakeFleetHost, device, finishOn, fleetRequest, image, runnerFor, settle } from './fleet-fake-host.ts';

let runner: FleetRunner | null = null;
afterEach(async () => {
  await runner?.close();
  runner = null;
});

/** Timers alive now; the test's own timeout is one, so each test compares with its count at the start. */
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
const boards = (n: number) => Array.from({ length: n }, (_, i) => device(`b${i + 1}`));

describe('changed', () => {
  it('comes with the new run at once, then for member changes, never for a job’s progress', async () => {
    const host = new FakeFleetHost(boards(2), [image('app.zip')]);
    const made = runnerFor(host);
    runner = made.runner;
    const run = runner.start(fleetRequest(host));
    expect(made.events[0]).toEqual(run);
    await settle();
    const before = made.events.length;
    const job = host.jobOn('b1');
    for (let i = 0; i < 5; i++) host.move(job.id, 'transferring'); // progress-like changes
    host.move(job.id, 'rebooting');
    host.move(job.id, 'verifying');
    await settle();
    expect(made.events.length).toBe(before);
    finishOn(host, ['b1', 'b2'], 'committed');
    await settle();
    expect(made.events.at(-1)!.state).toBe('ended');
    expect(made.events.at(-1)!.endedAt).not.toBeNull();
  });

  it('is coalesced to a few a second per run, and the last one is the ended run, sent at once', async () => {
    const host = new FakeFleetHost(boards(20), [image('app.zip')]);
    runner = new FleetRunner(host, { changeIntervalMs: 250 });
    const events: FleetRun[] = [];
    runner.on('changed', (r) => events.push(r));
    const timersBefore = timers();
    const started = Date.now();
    const run = runner.start(fleetRequest(host, { concurrency: 20 }));
    await settle();
    for (const job of host.working()) host.finish(job.id, 'committed');
    await settle();
    // 20 boards each planned, ran and ended (60 member changes): one event at start and the ended run.
    expect(events.map((e) => e.state)).toEqual(['running', 'ended']);
    expect(events.at(-1)!.totals.succeeded).toBe(20);
    expect(Date.now() - started).toBeLessThan(250);
    expect(runner.get(run.id).state).toBe('ended');
    expect(timers()).toBe(timersBefore);
  });

  it('sends the folded changes when the interval is over', async () => {
    const host = new FakeFleetHost(boards(3), [image('app.zip')]);
    runner = new FleetRunner(host, { changeIntervalMs: 50 });
    const events: FleetRun[] = [];
    runner.on('changed', (r) => events.push(r));
    runner.start(fleetRequest(host));
    await settle();
    finishOn(host, ['b1'], 'committed');
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(events).toHaveLength(2);
    expect(events[1]!.totals).toMatchObject({ succeeded: 1, running: 2 });
  });
});

describe('totals', () => {
  it('add up in every event through skips, failures, a stop and a retry', async () => {
    const host = new FakeFleetHost(
      [...boards(6), device('off', { online: false }), device('ble', { transport: 'ble', protocol: 'mcumgr-smp' })],
      [image('app.zip')],
    );
    const made = runnerFor(host); // asserts the sum in every event
    runner = made.runner;
    const run = runner.start(fleetRequest(host, { concurrency: 3, skipOffline: true, stopOnFailure: true }));
    await settle();
    finishOn(host, ['b1'], 'failed');
    await settle();
    finishOn(host, ['b2', 'b3'], 'committed');
    await settle();
    runner.retry(run.id);
    for (let i = 0; i < 10 && runner.get(run.id).state !== 'ended'; i++) {
      await settle();
      for (const job of host.working()) host.finish(job.id, 'committed');
    }
    const ended = runner.get(run.id);
    expect(ended.totals).toEqual({
      waiting: 0,
      running: 0,
      awaitingCommit: 0,
      succeeded: 6,
      failed: 0,
      rolledBack: 0,
      skipped: 2,
      cancelled: 0,
    });
    expect(made.events.length).toBeGreaterThan(10);
  });
});

describe('the run’s lifecycle', () => {
  it('wait resolves when it ends; dismiss only an ended run; list is newest first', async () => {
    const host = new FakeFleetHost(boards(2), [image('app.zip')]);
    runner = runnerFor(host).runner;
    const first = runner.start(fleetRequest(host, { deviceIds: ['id:b1'] }));
    const second = runner.start(fleetRequest(host, { deviceIds: ['id:b2'] }));
    expect(runner.list().map((r) => r.id)).toEqual([second.id, first.id]);
    expect(() => runner!.dismiss(first.id)).toThrow('Only an ended run can be dismissed; cancel it first.');
    const ended = runner.wait(first.id);
    await settle();
    finishOn(host, ['b1'], 'committed');
    expect((await ended).state).toBe('ended');
    runner.dismiss(first.id);
    expect(() => runner!.get(first.id)).toThrow(/No fleet run/);
    await expect(runner.wait(first.id)).rejects.toThrow(/No fleet run/);
    expect(runner.list().map((r) => r.id)).toEqual([second.id]);
  });

  it('close cancels every run, waits for their jobs, and leaves no timer and no listener', async () => {
    const host = new FakeFleetHost(boards(6), [image('app.zip')]);
    const timersBefore = timers();
    const closing = new FleetRunner(host, { changeIntervalMs: 10_000 });
    const run = closing.start(fleetRequest(host, { concurrency: 2 }));
    await settle();
    finishOn(host, ['b1'], 'committed'); // a change folded into a pending timer
    expect(timers()).toBe(timersBefore + 1);
    await closing.close();
    expect(host.working()).toHaveLength(0);
    expect(closing.get(run.id).state).toBe('ended');
    expect(closing.get(run.id).totals).toMatchObject({ succeeded: 1, cancelled: 5 });
    expect(timers()).toBe(timersBefore);
    expect(host.listeners).toBe(0);
    expect(() => closing.start(fleetRequest(host))).toThrow(/closing/);
  });
});
