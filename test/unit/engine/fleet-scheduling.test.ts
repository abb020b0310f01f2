// Fleet runs' scheduling against a scripted host (fleet-fake-host.ts): the concurrency cap (counted on
// the host), Bluetooth boards one at a time, going on after a failure or stopping, cancel all, retry
// the failed ones, and the staged rollout's pilot.
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

const names = (n: number, prefix = 'b') => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
let runner: FleetRunner | null = null;
afterEach(async () => {
  await runner?.close();
  runner = null;
});

/** Ends whatever works, round after round, until the run has ended; `outcome` picks each board's end. */
async function drain(host: FakeFleetHost, outcome: (name: string) => 'committed' | 'failed' = () => 'committed') {
  for (let round = 0; round < 100; round++) {
    await settle();
    const working = host.working();
    if (working.length === 0) return;
    for (const job of working) host.finish(job.id, outcome(job.deviceName));
  }
}

describe('the concurrency cap', () => {
  it('never lets more than N boards work at once, and every board gets its turn', async () => {
    const host = new FakeFleetHost(
      names(20).map((n) => device(n)),
      [image('app.zip')],
    );
    const made = runnerFor(host);
    runner = made.runner;
    const run = runner.start(fleetRequest(host, { concurrency: 4 }));
    expect(run.members).toHaveLength(20);
    await settle();
    expect(host.working()).toHaveLength(4);
    await drain(host);
    expect(host.maxWorking).toBe(4);
    const ended = runner.get(run.id);
    expect(ended.state).toBe('ended');
    expect(ended.totals.succeeded).toBe(20);
    expect(host.pushedTo()).toEqual(names(20));
    expect(new Set(host.fleetIds)).toEqual(new Set([run.id]));
  });

  it('counts boards still choosing their file (planning) against the cap', async () => {
    const s3 = image('s3.bin', { format: 'esp-app', pushableWith: ['arduino-esp32'] });
    const c3 = image('c3.bin', { format: 'esp-app', pushableWith: ['arduino-esp32'] });
    const host = new FakeFleetHost(
      names(5).map((n) => device(n, { protocol: 'arduino-esp32' })),
      [s3, c3],
    );
    let open = () => {};
    host.planGate = new Promise((resolve) => (open = resolve));
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host, { concurrency: 2 }));
    await settle();
    expect(runner.get(run.id).members.map((m) => m.state)).toEqual([
      'planning',
      'planning',
      'waiting',
      'waiting',
      'waiting',
    ]);
    expect(runner.get(run.id).totals).toMatchObject({ running: 2, waiting: 3 });
    expect(host.pushes).toHaveLength(0);
    open();
    host.planGate = null;
    await drain(host);
    expect(host.maxWorking).toBe(2);
    expect(runner.get(run.id).totals.succeeded).toBe(5);
  });

  it('with a cap of 1 pushes one board after the other, in the order given', async () => {
    const host = new FakeFleetHost(
      names(3).map((n) => device(n)),
      [image('app.zip')],
    );
    runner = runnerFor(host).runner;
    runner.start(fleetRequest(host, { concurrency: 1 }));
    await drain(host);
    expect(host.maxWorking).toBe(1);
    expect(host.pushedTo()).toEqual(['b1', 'b2', 'b3']);
  });
});

describe('Bluetooth boards', () => {
  it('go one at a time (one radio) while LAN boards fill the rest of the cap', async () => {
    const ble = names(3, 'nrf').map((n) => device(n, { transport: 'ble', protocol: 'mcumgr-smp' }));
    const lan = names(3, 'esp').map((n) => device(n));
    const host = new FakeFleetHost(
      [...ble, ...lan],
      [image('app.zip'), image('zephyr.signed.bin', { format: 'mcuboot', pushableWith: ['mcumgr-smp'] })],
    );
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host, { concurrency: 4 }));
    await settle();
    expect(host.working().map((j) => j.deviceName)).toEqual(['nrf1', 'esp1', 'esp2', 'esp3']);
    await drain(host);
    expect(host.maxBleWorking).toBe(1);
    expect(host.maxWorking).toBe(4);
    expect(runner.get(run.id).totals.succeeded).toBe(6);
  });

  it('share the radio across two runs', async () => {
    const ble = names(2, 'nrf').map((n) => device(n, { transport: 'ble', protocol: 'mcumgr-smp' }));
    const host = new FakeFleetHost(ble, [image('z.bin', { format: 'mcuboot', pushableWith: ['mcumgr-smp'] })]);
    runner = runnerFor(host).runner;
    runner.start(fleetRequest(host, { deviceIds: [ble[0]!.id] }));
    runner.start(fleetRequest(host, { deviceIds: [ble[1]!.id] }));
    await drain(host);
    expect(host.maxBleWorking).toBe(1);
    expect(host.pushedTo()).toEqual(['nrf1', 'nrf2']);
  });
});

describe('a failure', () => {
  it('does not stop the others by default; the failed board keeps its reason', async () => {
    const host = new FakeFleetHost(
      names(5).map((n) => device(n)),
      [image('app.zip')],
    );
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host, { concurrency: 2 }));
    await drain(host, (name) => (name === 'b1' ? 'failed' : 'committed'));
    const ended = runner.get(run.id);
    expect(statesOf(ended)).toEqual({
      b1: 'failed',
      b2: 'succeeded',
      b3: 'succeeded',
      b4: 'succeeded',
      b5: 'succeeded',
    });
    expect(ended.members[0]!.message).toBe('The board has no room for this image.');
    expect(ended.totals).toMatchObject({ succeeded: 4, failed: 1 });
  });

  it('with stopOnFailure: nothing new starts, running boards finish, the waiting ones are skipped saying why', async () => {
    const host = new FakeFleetHost(
      names(6).map((n) => device(n)),
      [image('app.zip')],
    );
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host, { concurrency: 2, stopOnFailure: true }));
    await settle();
    finishOn(host, ['b1'], 'rolled-back');
    await settle();
    expect(host.working().map((j) => j.deviceName)).toEqual(['b2']);
    finishOn(host, ['b2'], 'committed');
    await settle();
    const ended = runner.get(run.id);
    expect(statesOf(ended)).toEqual({
      b1: 'rolled-back',
      b2: 'succeeded',
      b3: 'skipped',
      b4: 'skipped',
      b5: 'skipped',
      b6: 'skipped',
    });
    expect(ended.members[2]!.message).toBe('The run stopped after b1 failed.');
    expect(ended.message).toMatch(/first failure \(b1\)/);
    expect(ended.state).toBe('ended');
    expect(host.pushes).toHaveLength(2);
  });
});

describe('cancel all', () => {
  it('cancels every running job and leaves the waiting boards cancelled', async () => {
    const host = new FakeFleetHost(
      names(6).map((n) => device(n)),
      [image('app.zip')],
    );
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host, { concurrency: 3 }));
    await settle();
    finishOn(host, ['b1'], 'committed');
    await settle();
    runner.cancel(run.id);
    await settle();
    const ended = runner.get(run.id);
    expect(statesOf(ended)).toEqual({
      b1: 'succeeded',
      b2: 'cancelled',
      b3: 'cancelled',
      b4: 'cancelled',
      b5: 'cancelled',
      b6: 'cancelled',
    });
    expect(ended.members[5]!.jobId).toBeNull();
    expect(ended.members[5]!.message).toBe('Cancelled before its turn came.');
    expect(ended.state).toBe('ended');
    expect(host.working()).toHaveLength(0);
    expect(host.pushes).toHaveLength(4);
  });
});

describe('cancel while boards choose their file', () => {
  it('ends them cancelled without a job, once their plan returns', async () => {
    const s3 = image('s3.bin', { format: 'esp-app', pushableWith: ['arduino-esp32'] });
    const c3 = image('c3.bin', { format: 'esp-app', pushableWith: ['arduino-esp32'] });
    const host = new FakeFleetHost(
      names(3).map((n) => device(n, { protocol: 'arduino-esp32' })),
      [s3, c3],
    );
    let open = () => {};
    host.planGate = new Promise((resolve) => (open = resolve));
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host, { concurrency: 2 }));
    await settle();
    runner.cancel(run.id);
    open();
    await settle();
    const ended = runner.get(run.id);
    expect(statesOf(ended)).toEqual({ b1: 'cancelled', b2: 'cancelled', b3: 'cancelled' });
    expect(ended.members.every((m) => m.jobId === null)).toBe(true);
    expect(host.pushes).toHaveLength(0);
    expect(ended.state).toBe('ended');
  });
});

describe('retry failed', () => {
  it('pushes again to the boards that failed or rolled back, as attempt 2, and the run runs again', async () => {
    const host = new FakeFleetHost(
      names(4).map((n) => device(n)),
      [image('app.zip')],
    );
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host));
    await settle();
    finishOn(host, ['b1'], 'failed');
    finishOn(host, ['b2'], 'rolled-back');
    finishOn(host, ['b3', 'b4'], 'committed');
    await settle();
    expect(runner.get(run.id).state).toBe('ended');
    const firstJob = runner.get(run.id).members[0]!.jobId;

    const again = runner.retry(run.id);
    expect(again.state).toBe('running');
    expect(again.endedAt).toBeNull();
    expect(statesOf(again)).toMatchObject({ b1: 'waiting', b2: 'waiting', b3: 'succeeded' });
    await settle();
    expect(host.working().map((j) => j.deviceName)).toEqual(['b1', 'b2']);
    await drain(host);
    const ended = runner.get(run.id);
    expect(ended.totals).toMatchObject({ succeeded: 4, failed: 0, rolledBack: 0 });
    expect(ended.members.map((m) => m.attempt)).toEqual([2, 2, 1, 1]);
    expect(ended.members[0]!.jobId).not.toBe(firstJob);
    expect(() => runner!.retry(run.id)).toThrow(/Nothing to retry/);
  });

  it('also gives their turn to the boards a stop on failure left out', async () => {
    const host = new FakeFleetHost(
      names(3).map((n) => device(n)),
      [image('app.zip')],
    );
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host, { concurrency: 1, stopOnFailure: true }));
    await settle();
    finishOn(host, ['b1'], 'failed');
    await settle();
    expect(statesOf(runner.get(run.id))).toEqual({ b1: 'failed', b2: 'skipped', b3: 'skipped' });
    runner.retry(run.id);
    await drain(host);
    const ended = runner.get(run.id);
    expect(ended.totals.succeeded).toBe(3);
    expect(ended.members.map((m) => m.attempt)).toEqual([2, 1, 1]);
    expect(ended.message).toBeNull();
  });
});

describe('a staged rollout', () => {
  it('pushes the first board alone, then the rest once it committed', async () => {
    const host = new FakeFleetHost(
      names(5).map((n) => device(n)),
      [image('app.zip')],
    );
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host, { staged: true, concurrency: 4 }));
    expect(run.members.map((m) => m.pilot)).toEqual([true, false, false, false, false]);
    await settle();
    expect(host.working().map((j) => j.deviceName)).toEqual(['b1']);
    host.move(host.jobOn('b1').id, 'awaiting-commit'); // auto: its health check runs; not proven yet
    await settle();
    expect(host.pushes).toHaveLength(1);
    finishOn(host, ['b1'], 'committed');
    await settle();
    expect(host.working().map((j) => j.deviceName)).toEqual(['b2', 'b3', 'b4', 'b5']);
    await drain(host);
    expect(runner.get(run.id).totals.succeeded).toBe(5);
  });

  it('skips the rest when the first board does not prove healthy', async () => {
    const host = new FakeFleetHost(
      names(4).map((n) => device(n)),
      [image('app.zip')],
    );
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host, { staged: true }));
    await settle();
    finishOn(host, ['b1'], 'rolled-back');
    await settle();
    const ended = runner.get(run.id);
    expect(statesOf(ended)).toEqual({ b1: 'rolled-back', b2: 'skipped', b3: 'skipped', b4: 'skipped' });
    expect(ended.members[1]!.message).toBe(
      'The first board did not prove healthy: b1 — Not committed, so it rolled back to 1.0.0.',
    );
    expect(ended.state).toBe('ended');
    expect(host.pushes).toHaveLength(1);
  });

  it('with prompt: the pilot waiting for its commit has proved healthy, so the rest go', async () => {
    const host = new FakeFleetHost(
      names(3).map((n) => device(n)),
      [image('app.zip')],
    );
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host, { staged: true, commitPolicy: 'prompt' }));
    await settle();
    host.move(host.jobOn('b1').id, 'awaiting-commit');
    await settle();
    expect(statesOf(runner.get(run.id))).toEqual({ b1: 'awaiting-commit', b2: 'running', b3: 'running' });
  });

  it('passes the pilot role on when the first board is left out', async () => {
    const host = new FakeFleetHost([device('off', { online: false }), device('b2'), device('b3')], [image('app.zip')]);
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host, { staged: true, skipOffline: true }));
    await settle();
    const now = runner.get(run.id);
    expect(now.members.map((m) => [m.state, m.pilot])).toEqual([
      ['skipped', false],
      ['running', true],
      ['waiting', false],
    ]);
  });
});
