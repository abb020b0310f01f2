// Commit policy per fleet run: auto (each job commits after its own health check; the member works
// until then), prompt (healthy boards wait; "Commit all healthy" commits each), never; and how each
// job's end becomes the member's.
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetRunner } from '../../../electron/engine/fleet/fleet-runner.ts';
import {
  FakeFleetHost,
  device,
  finishOn,
  fleetRequest,
  image,
  runnerFor,
  settle,
  statesOf,
} from './fleet-fake-host.ts';

let runner: FleetRunner | null = null;
afterEach(async () => {
  await runner?.close();
  runner = null;
});

const boards = () => ['a', 'b', 'c'].map((n) => device(n));

describe('prompt', () => {
  it('healthy boards wait for "Commit all healthy"; the run waits too once nothing else works', async () => {
    const host = new FakeFleetHost(boards(), [image('app.zip')]);
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host, { commitPolicy: 'prompt' }));
    await settle();
    expect(host.pushes.every((p) => p.commitPolicy === 'prompt')).toBe(true);
    host.move(host.jobOn('a').id, 'awaiting-commit');
    host.move(host.jobOn('b').id, 'awaiting-commit');
    await settle();
    let now = runner.get(run.id);
    expect(statesOf(now)).toEqual({ a: 'awaiting-commit', b: 'awaiting-commit', c: 'running' });
    expect(now.state).toBe('running');
    finishOn(host, ['c'], 'failed');
    await settle();
    now = runner.get(run.id);
    expect(now.state).toBe('awaiting-commit');
    expect(now.totals).toMatchObject({ awaitingCommit: 2, failed: 1 });
    await expect(runner.wait(run.id, true)).resolves.toMatchObject({ state: 'awaiting-commit' });

    const ended = runner.wait(run.id);
    runner.commitAll(run.id);
    await settle();
    expect((await ended).state).toBe('ended');
    expect(statesOf(runner.get(run.id))).toEqual({ a: 'succeeded', b: 'succeeded', c: 'failed' });
    expect(() => runner!.commitAll(run.id)).toThrow(/No board of this run is waiting for a commit/);
  });

  it('a board whose protocol has no commit step ends succeeded on updated', async () => {
    const host = new FakeFleetHost(
      [device('web', { protocol: 'esphome-web' })],
      [image('fw.bin', { format: 'esp-app', pushableWith: ['esphome-web'] })],
    );
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host, { commitPolicy: 'prompt' }));
    await settle();
    finishOn(host, ['web'], 'updated');
    await settle();
    expect(runner.get(run.id)).toMatchObject({ state: 'ended', totals: { succeeded: 1 } });
  });
});

describe('auto', () => {
  it('a job waiting on its own health check is still running; a failed check ends rolled back and flagged', async () => {
    const host = new FakeFleetHost(boards(), [image('app.zip')]);
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host, { commitPolicy: 'auto' }));
    await settle();
    host.move(host.jobOn('a').id, 'awaiting-commit');
    await settle();
    expect(runner.get(run.id).members[0]!.state).toBe('running');
    finishOn(
      host,
      ['a'],
      'rolled-back',
      'Not committed because the new firmware rebooted by itself, so a rolled back to 1.0.0.',
    );
    finishOn(host, ['b'], 'committed');
    finishOn(host, ['c'], 'cancelled');
    await settle();
    const ended = runner.get(run.id);
    expect(statesOf(ended)).toEqual({ a: 'rolled-back', b: 'succeeded', c: 'cancelled' });
    expect(ended.members[0]!.message).toMatch(/rebooted by itself/);
    expect(ended.totals).toMatchObject({ rolledBack: 1, succeeded: 1, cancelled: 1 });
  });
});

describe('never', () => {
  it('passes the policy to each job and shows a board left uncommitted as awaiting a decision', async () => {
    const host = new FakeFleetHost([device('a')], [image('app.zip')]);
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host, { commitPolicy: 'never', commitTimeoutSeconds: 60 }));
    await settle();
    expect(host.pushes[0]).toMatchObject({ commitPolicy: 'never', commitTimeoutSeconds: 60 });
    host.move(host.jobOn('a').id, 'awaiting-commit');
    await settle();
    expect(runner.get(run.id).state).toBe('awaiting-commit');
    finishOn(host, ['a'], 'rolled-back');
    await settle();
    expect(runner.get(run.id)).toMatchObject({ state: 'ended', totals: { rolledBack: 1 } });
  });
});
