// Issue 12's reliability check: twenty simulated boards (Mongoose OS, Arduino ESP32, ESPHome web,
// esp-link) in one fleet run with three files (one per kind) and a cap of 4, among them boards that
// fail on purpose: no room, a wrong password, a link dropped mid-transfer, a board that never comes
// back, two that roll back, one the file was not built for, one offline and one already on the
// version. Every board ends in a terminal state with its reason, the totals add up in every event,
// never more than 4 boards work at once, the history has exactly one row per pushed board with the
// right result, and nothing is left running.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MongooseBoard, type MongooseBoardOptions } from '../../sim/boards/mongoose-board.ts';
import { ArduinoBoard, type ArduinoBoardOptions } from '../../sim/boards/arduino-board.ts';
import { EsphomeBoard } from '../../sim/boards/esphome-board.ts';
import { EspLinkBoard, type EspLinkBoardOptions } from '../../sim/boards/esp-link-board.ts';
import type { HttpBoard } from '../../sim/http-board.ts';
import { makeEspAppImage, makeMongooseFwZip, writeFixture } from '../../sim/firmware-fixtures.ts';
import { buildEsp8266V2Image } from '../../sim/esp8266-v2-image.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import { createEngine } from '../../../electron/engine/index.ts';
import type { Device, Job } from '../../../shared/domain.ts';
import type { FleetMemberState, FleetRun } from '../../../shared/fleet.ts';
import { TEST_TIMEOUTS, shutdown, waitFor } from './engine-harness.ts';

let engine: OtaEngine | undefined;
let boards: HttpBoard[] = [];
afterEach(async () => {
  await shutdown(engine, boards);
  engine = undefined;
  boards = [];
});

const net = '127.0.12';
const common = { announceIntervalMs: 200, bootMs: 400 };
const mongoose = (n: number, name: string, over: Partial<MongooseBoardOptions> = {}) =>
  new MongooseBoard({ address: `${net}.${n}`, fwVersion: '1.0.0', app: name, ...common, ...over });
const arduino = (n: number, over: Partial<ArduinoBoardOptions> = {}) =>
  new ArduinoBoard({ variant: 'esp32', address: `${net}.${n}`, ...common, ...over });
const esphome = (n: number, name: string) =>
  new EsphomeBoard({ address: `${net}.${n}`, name, platform: 'ESP32', projectVersion: '1.0.0', ...common });
const espLink = (n: number, over: Partial<EspLinkBoardOptions> = {}) =>
  new EspLinkBoard({ address: `${net}.${n}`, hostname: `esp-link-${n}`, ...common, bootMs: 300, ...over });

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

interface Expected {
  state: FleetMemberState;
  /** The member's message. */
  says: RegExp;
  /** The history row's result; absent when the board was never pushed (skipped). */
  history?: 'success' | 'failed' | 'rolled-back';
}

describe('twenty boards in one fleet run', () => {
  it('end every board with its reason, add up, and leave one history row per pushed board', async () => {
    const right = { user: 'admin', password: 'right' };
    const plan: Array<{ board: HttpBoard; expect: Expected }> = [
      ...[1, 2, 3, 4].map((n) => ({
        board: mongoose(n, `mos-ok-${n}`),
        expect: { state: 'succeeded', says: /^Committed 1\.1\.0 on /, history: 'success' } as Expected,
      })),
      {
        board: mongoose(5, 'mos-full', { freeSpace: 100_000 }),
        expect: { state: 'failed', says: /no room for this image/, history: 'failed' },
      },
      {
        board: mongoose(6, 'mos-locked', { auth: right }),
        expect: { state: 'failed', says: /user name or password|password/i, history: 'failed' },
      },
      {
        board: mongoose(7, 'mos-drop', { dropAfterBytes: 100_000 }),
        expect: { state: 'failed', says: /sent|connection|closed/i, history: 'failed' },
      },
      {
        // Its commit window runs out in 0.6 s, long before the 2 s health check is over.
        board: mongoose(8, 'mos-revert', { commitSecondMs: 20 }),
        expect: { state: 'rolled-back', says: /rolled back|did not boot/, history: 'rolled-back' },
      },
      {
        board: mongoose(9, 'mos-current', { fwVersion: '1.1.0' }),
        expect: { state: 'skipped', says: /^Already runs 1\.1\.0\.$/ },
      },
      {
        board: mongoose(10, 'mos-8266', { arch: 'esp8266' }),
        expect: { state: 'failed', says: /built for esp32, but the board is an esp8266/, history: 'failed' },
      },
      ...[11, 12, 13].map((n) => ({
        board: arduino(n),
        expect: { state: 'succeeded', says: /now runs 2\.0\.0/, history: 'success' } as Expected,
      })),
      {
        board: arduino(14, { neverComesBack: true }),
        expect: { state: 'failed', says: /did not come back within 4 s/, history: 'failed' },
      },
      { board: arduino(15), expect: { state: 'skipped', says: /^Offline when its turn came\.$/ } },
      ...[16, 17, 18].map((n) => ({
        board: esphome(n, `home-${n}`),
        expect: { state: 'succeeded', says: /now runs 2\.0\.0/, history: 'success' } as Expected,
      })),
      {
        board: espLink(19),
        expect: { state: 'succeeded', says: /now runs user2\.bin/, history: 'success' },
      },
      {
        board: espLink(20, { alwaysReverts: true }),
        expect: { state: 'rolled-back', says: /did not boot and the bootloader went back/, history: 'rolled-back' },
      },
    ];
    expect(plan).toHaveLength(20);
    const timersBefore = timers();
    boards = plan.map((p) => p.board);
    await Promise.all(boards.map((b) => b.start()));
    engine = createEngine({ timeouts: { ...TEST_TIMEOUTS, rebootComeBackMs: 4000 } });
    await engine.startDiscovery();
    const byAddress = new Map<string, Device>();
    await waitFor(
      'all twenty boards to be discovered',
      () => {
        for (const d of engine!.listDevices())
          if (d.protocol !== 'unknown' && d.protocol !== 'arduino-ota' && d.address) byAddress.set(d.address, d);
        return boards.every((b) => byAddress.has(b.address));
      },
      30_000,
    );
    const devices = boards.map((b) => byAddress.get(b.address)!);
    expect(devices.map((d) => d.protocol)).toEqual([
      ...Array(10).fill('mongoose-os'),
      ...Array(5).fill('arduino-esp32'),
      ...Array(3).fill('esphome-web'),
      'esp-link',
      'esp-link',
    ]);
    // The offline board: listed, then gone (its goodbye takes it offline).
    await boards[14]!.stop();
    await waitFor(
      'the stopped board to go offline',
      () => !engine!.listDevices().find((d) => d.id === devices[14]!.id)?.online,
    );

    const fwZip = await engine.inspectImage(
      makeMongooseFwZip({
        platform: 'esp32',
        version: '1.1.0',
        buildId: '20261204-fleet',
        size: 300_000,
        fileName: 'fleet-fw.zip',
      }).path,
    );
    const sketch = await engine.inspectImage(
      makeEspAppImage({ chip: 'esp32', size: 400_000, version: '2.0.0', fileName: 'fleet-sketch.bin' }).path,
    );
    const folder = mkdtempSync(path.join(tmpdir(), 'ota-bench-fleet-pair-'));
    writeFixture('user1.bin', buildEsp8266V2Image({ slot: 1, size: 120_000, version: '3.0.0' }), folder);
    writeFixture('user2.bin', buildEsp8266V2Image({ slot: 2, size: 120_000, version: '3.0.0' }), folder);
    const pair = await engine.inspectImages([folder]);

    const events: FleetRun[] = [];
    engine.on('fleetChanged', (run) => events.push(run));
    let working = 0;
    let maxWorking = 0;
    const active = new Map<string, Job['state']>();
    engine.on('jobChanged', (job) => {
      const busy = (s: Job['state']) => !['updated', 'committed', 'rolled-back', 'failed', 'cancelled'].includes(s);
      active.set(job.id, job.state);
      working = [...active.values()].filter(busy).length;
      maxWorking = Math.max(maxWorking, working);
    });

    const started = engine.startFleet(
      {
        deviceIds: devices.map((d) => d.id),
        imageIds: [fwZip.imageId, sketch.imageId, pair.imageId],
        commitPolicy: 'auto',
        commitTimeoutSeconds: 30,
        concurrency: 4,
        stopOnFailure: false,
        skipOffline: true,
        onlyOutdated: true,
        staged: false,
      },
      { credentialsFor: { [devices[5]!.id]: { user: 'admin', password: 'wrong' } } },
    );
    expect(started.totals.waiting).toBe(20);
    const run = await engine.waitForFleet(started.id);

    expect(run.state).toBe('ended');
    expect(run.endedAt).not.toBeNull();
    const outcome = run.members.map((m) => ({ name: m.deviceName, state: m.state, message: m.message }));
    plan.forEach((p, i) => {
      const member = run.members[i]!;
      expect({ i, state: member.state }, JSON.stringify(outcome[i])).toEqual({ i, state: p.expect.state });
      expect(member.message, member.deviceName).toMatch(p.expect.says);
      expect(member.jobId === null, member.deviceName).toBe(p.expect.history === undefined);
    });
    expect(run.totals).toEqual({
      waiting: 0,
      running: 0,
      awaitingCommit: 0,
      succeeded: 11,
      failed: 5,
      rolledBack: 2,
      skipped: 2,
      cancelled: 0,
    });
    for (const event of events) {
      const sum = Object.values(event.totals).reduce((a, b) => a + b, 0);
      expect(sum).toBe(20);
      expect(event.totals.running).toBeLessThanOrEqual(4);
    }
    expect(events.at(-1)!.state).toBe('ended');
    expect(maxWorking).toBeLessThanOrEqual(4);
    // Each board got the file for its kind (the esp-link pair sent as the member the board asked for).
    expect(run.members.map((m) => m.fileName)).toEqual([
      ...Array(10).fill('fleet-fw.zip'),
      ...Array(5).fill('fleet-sketch.bin'),
      ...Array(3).fill('fleet-sketch.bin'),
      pair.fileName,
      pair.fileName,
    ]);

    // Nothing left running.
    expect(
      engine
        .listJobs()
        .filter((job) => !['updated', 'committed', 'rolled-back', 'failed', 'cancelled'].includes(job.state)),
    ).toEqual([]);

    // The history: exactly one row per pushed board, with its run and the right result.
    const rows = engine.listHistory({ limit: 1000 });
    const pushed = run.members.filter((m) => m.jobId !== null);
    expect(rows).toHaveLength(pushed.length);
    for (const member of pushed) {
      const row = rows.filter((r) => r.jobId === member.jobId);
      expect(row, member.deviceName).toHaveLength(1);
      const expected = plan[run.members.indexOf(member)]!.expect.history;
      expect({ name: member.deviceName, result: row[0]!.result, fleetId: row[0]!.fleetId }).toEqual({
        name: member.deviceName,
        result: expected,
        fleetId: run.id,
      });
    }

    // Closed cleanly: no timer of the engine, the run or the boards is left behind.
    await shutdown(engine, boards);
    engine = undefined;
    boards = [];
    expect(timers()).toBeLessThanOrEqual(timersBefore);
  }, 180_000);
});
