// Fleet runs through the real engine and simulated Mongoose OS boards: a staged run with the prompt
// policy (the first board alone until it waits healthy for its commit, then the others; one "Commit
// all healthy" commits every board), and Cancel all in the middle of slow transfers.
import { afterEach, describe, expect, it } from 'vitest';
import { MongooseBoard } from '../../sim/boards/mongoose-board.ts';
import { makeMongooseFwZip } from '../../sim/firmware-fixtures.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import type { Device } from '../../../shared/domain.ts';
import type { FleetRequest } from '../../../shared/fleet.ts';
import { shutdown, testEngine, waitFor } from './engine-harness.ts';

let engine: OtaEngine | undefined;
let boards: MongooseBoard[] = [];
afterEach(async () => {
  await shutdown(engine, boards);
  engine = undefined;
  boards = [];
});

async function bench(count: number, first: number, over: Partial<ConstructorParameters<typeof MongooseBoard>[0]> = {}) {
  boards = Array.from(
    { length: count },
    (_, i) =>
      new MongooseBoard({
        address: `127.0.13.${first + i}`,
        fwVersion: '1.0.0',
        announceIntervalMs: 200,
        bootMs: 400,
        ...over,
      }),
  );
  await Promise.all(boards.map((b) => b.start()));
  engine = testEngine();
  await engine.startDiscovery();
  const devices = await waitFor(
    'the boards to be discovered',
    () => {
      const found = boards.map((b) => engine!.listDevices().find((d) => d.address === b.address));
      return found.every(Boolean) ? (found as Device[]) : null;
    },
    20_000,
  );
  const image = await engine.inspectImage(
    makeMongooseFwZip({
      platform: 'esp32',
      version: '1.1.0',
      buildId: '20261204-policies',
      size: 200_000,
      fileName: `policies-${first}.zip`,
    }).path,
  );
  const request = (extra: Partial<FleetRequest>): FleetRequest => ({
    deviceIds: devices.map((d) => d.id),
    imageIds: [image.imageId],
    commitPolicy: 'auto',
    commitTimeoutSeconds: 120,
    concurrency: 4,
    stopOnFailure: false,
    skipOffline: false,
    onlyOutdated: false,
    staged: false,
    ...extra,
  });
  return { engine, request };
}

describe('a fleet run on simulated Mongoose OS boards', () => {
  it('staged with prompt: the first board alone, then the rest; Commit all healthy commits every board', async () => {
    const { engine, request } = await bench(3, 10);
    const jobsStarted: number[] = [];
    engine.on('jobChanged', (job) => job.state === 'queued' && jobsStarted.push(Date.now()));
    const run = engine.startFleet(request({ commitPolicy: 'prompt', staged: true }));
    expect(run.members.map((m) => m.pilot)).toEqual([true, false, false]);
    const settled = await engine.waitForFleet(run.id, { untilSettled: true });
    expect(settled.state).toBe('awaiting-commit');
    expect(settled.members.map((m) => m.state)).toEqual(['awaiting-commit', 'awaiting-commit', 'awaiting-commit']);
    // The pilot's job started alone: the others only after it waited healthy.
    const pilotJob = engine.getJob(settled.members[0]!.jobId!);
    const others = settled.members.slice(1).map((m) => engine.getJob(m.jobId!));
    for (const job of others) expect(job.createdAt).toBeGreaterThanOrEqual(pilotJob.stateSince);
    expect(boards.every((b) => !b.bootState.is_committed)).toBe(true);

    engine.commitFleet(run.id);
    const ended = await engine.waitForFleet(run.id);
    expect(ended.members.map((m) => m.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(ended.members[0]!.message).toMatch(/^Committed 1\.1\.0 on /);
    expect(boards.every((b) => b.bootState.is_committed && b.firmwareVersion === '1.1.0')).toBe(true);
    engine.dismissFleet(run.id);
    expect(engine.listFleets()).toEqual([]);
  });

  it('Cancel all stops the transfers under way and leaves the waiting boards cancelled', async () => {
    const { engine, request } = await bench(4, 20, { bytesPerSecond: 50_000 });
    const run = engine.startFleet(request({ concurrency: 2 }));
    await waitFor(
      'two transfers under way',
      () => engine.listJobs().filter((j) => j.state === 'transferring' && j.progress.bytesSent > 0).length === 2,
    );
    engine.cancelFleet(run.id);
    const ended = await engine.waitForFleet(run.id);
    expect(ended.members.map((m) => m.state)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    expect(ended.members.map((m) => m.jobId === null)).toEqual([false, false, true, true]);
    expect(ended.totals.cancelled).toBe(4);
    expect(engine.listJobs().every((j) => j.state === 'cancelled')).toBe(true);
    expect(boards.every((b) => b.firmwareVersion === '1.0.0')).toBe(true);
  });
});
