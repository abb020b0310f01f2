// Each member's turn before its job: leave out offline boards and those already on the version, pick
// the image its protocol takes (one image per kind), let the plan choose among several, pass the run's
// or the board's own credentials; and what start() refuses.
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetRunner } from '../../../electron/engine/fleet/fleet-runner.ts';
import { FakeFleetHost, device, fleetRequest, image, runnerFor, settle, statesOf } from './fleet-fake-host.ts';

let runner: FleetRunner | null = null;
afterEach(async () => {
  await runner?.close();
  runner = null;
});

const espBin = image('sketch.ino.bin', {
  format: 'esp-app',
  version: '1.2.0',
  pushableWith: ['arduino-esp32', 'esphome-web'],
});
const mcuboot = image('zephyr.signed.bin', { format: 'mcuboot', version: '2.0.0', pushableWith: ['mcumgr-smp'] });

describe('offline boards', () => {
  it('with skipOffline are skipped when their turn comes', async () => {
    const host = new FakeFleetHost([device('on'), device('off', { online: false })], [image('app.zip')]);
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host, { skipOffline: true }));
    await settle();
    const now = runner.get(run.id);
    expect(statesOf(now)).toEqual({ on: 'running', off: 'skipped' });
    expect(now.members[1]).toMatchObject({ message: 'Offline when its turn came.', jobId: null, fileName: 'app.zip' });
    expect(host.pushedTo()).toEqual(['on']);
  });

  it('without skipOffline are still tried (the job says why it fails)', async () => {
    const host = new FakeFleetHost([device('off', { online: false })], [image('app.zip'), image('other.zip')]);
    runner = runnerFor(host).runner;
    runner.start(fleetRequest(host));
    await settle();
    expect(host.pushedTo()).toEqual(['off']);
    expect(host.planned).toEqual([]); // nothing to ask a board that is gone
  });
});

describe('only outdated', () => {
  it('skips a board that already reports the image’s version and pushes the others', async () => {
    const host = new FakeFleetHost(
      [
        device('new', { firmwareVersion: '1.1.0' }),
        device('old', { firmwareVersion: '1.0.0' }),
        device('mute', { firmwareVersion: null }),
      ],
      [image('app.zip', { version: '1.1.0' })],
    );
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host, { onlyOutdated: true }));
    await settle();
    const now = runner.get(run.id);
    expect(statesOf(now)).toEqual({ new: 'skipped', old: 'running', mute: 'running' });
    expect(now.members[0]).toMatchObject({ message: 'Already runs 1.1.0.', fileName: 'app.zip' });
  });

  it('without it, a board on that version is pushed anyway', async () => {
    const host = new FakeFleetHost(
      [device('new', { firmwareVersion: '1.1.0' })],
      [image('app.zip', { version: '1.1.0' })],
    );
    runner = runnerFor(host).runner;
    runner.start(fleetRequest(host));
    await settle();
    expect(host.pushedTo()).toEqual(['new']);
  });
});

describe('one image per kind', () => {
  it('gives each board the file its protocol takes, and skips a board none of them is for', async () => {
    const host = new FakeFleetHost(
      [
        device('esp', { protocol: 'arduino-esp32' }),
        device('nrf', { protocol: 'mcumgr-smp', transport: 'ble' }),
        device('home', { protocol: 'esphome-web' }),
        device('mos', { protocol: 'mongoose-os' }),
      ],
      [espBin, mcuboot],
    );
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host));
    await settle();
    const now = runner.get(run.id);
    expect(now.members.map((m) => [m.deviceName, m.fileName])).toEqual([
      ['esp', 'sketch.ino.bin'],
      ['nrf', 'zephyr.signed.bin'],
      ['home', 'sketch.ino.bin'],
      ['mos', null],
    ]);
    expect(now.members[3]).toMatchObject({ state: 'skipped', message: 'None of the files is for Mongoose OS.' });
    expect(host.pushes.map((p) => [p.deviceId, p.imageId])).toEqual([
      ['id:esp', espBin.imageId],
      ['id:nrf', mcuboot.imageId],
      ['id:home', espBin.imageId],
    ]);
    expect(host.planned).toEqual([]); // one candidate each: the job's own plan decides
    expect(now.images.map((i) => i.fileName)).toEqual(['sketch.ino.bin', 'zephyr.signed.bin']);
  });

  it('lets the plan choose when several files fit the protocol (the first ready one)', async () => {
    const s3 = image('s3.bin', { format: 'esp-app', pushableWith: ['arduino-esp32'] });
    const c3 = image('c3.bin', { format: 'esp-app', pushableWith: ['arduino-esp32'] });
    const host = new FakeFleetHost([device('board', { protocol: 'arduino-esp32' })], [s3, c3]);
    host.verdicts.set(`id:board ${s3.imageId}`, 'refused');
    runner = runnerFor(host).runner;
    runner.start(fleetRequest(host));
    await settle();
    expect(host.planned).toEqual([`id:board ${s3.imageId}`, `id:board ${c3.imageId}`]);
    expect(host.pushes[0]!.imageId).toBe(c3.imageId);
  });

  it('pushes a refused plan’s file all the same, so the job fails with the failing check and the history keeps it', async () => {
    const s3 = image('s3.bin', { format: 'esp-app', pushableWith: ['arduino-esp32'] });
    const c3 = image('c3.bin', { format: 'esp-app', pushableWith: ['arduino-esp32'] });
    const host = new FakeFleetHost([device('board', { protocol: 'arduino-esp32' })], [s3, c3]);
    host.verdicts.set(`id:board ${s3.imageId}`, 'refused');
    host.verdicts.set(`id:board ${c3.imageId}`, 'needs-override');
    runner = runnerFor(host).runner;
    runner.start(fleetRequest(host));
    await settle();
    expect(host.pushes[0]!.imageId).toBe(c3.imageId);
  });
});

describe('credentials', () => {
  it('the run’s own go to every board; else each board’s saved ones', async () => {
    const host = new FakeFleetHost([device('a'), device('b')], [image('app.zip')]);
    runner = runnerFor(host).runner;
    runner.start(fleetRequest(host), { credentialsFor: { 'id:a': { user: 'admin', password: 'saved' } } });
    await settle();
    expect(host.pushes.map((p) => p.credentials)).toEqual([{ user: 'admin', password: 'saved' }, undefined]);
    await runner.close();
    const again = new FakeFleetHost([device('a'), device('b')], [image('app.zip')]);
    runner = runnerFor(again).runner;
    runner.start(fleetRequest(again, { credentials: { user: 'u', password: 'typed' } }), {
      credentialsFor: { 'id:a': { user: 'admin', password: 'saved' } },
    });
    await settle();
    expect(again.pushes.map((p) => p.credentials?.password)).toEqual(['typed', 'typed']);
  });

  it('passes the mode and the connect-back port to each job', async () => {
    const host = new FakeFleetHost([device('a')], [image('app.zip')]);
    runner = runnerFor(host).runner;
    runner.start(fleetRequest(host, { mode: 'test-only', otaListenPort: 40000 }));
    await settle();
    expect(host.pushes[0]).toMatchObject({ mode: 'test-only', otaListenPort: 40000 });
  });
});

describe('ArduinoOTA boards with a fixed connect-back port', () => {
  it('go one at a time (each would listen on that port)', async () => {
    const ota = image('sketch.bin', { format: 'esp-app', pushableWith: ['arduino-ota'] });
    const host = new FakeFleetHost(
      ['x', 'y', 'z'].map((n) => device(n, { protocol: 'arduino-ota' })),
      [ota],
    );
    runner = runnerFor(host).runner;
    runner.start(fleetRequest(host, { otaListenPort: 40000 }));
    await settle();
    expect(host.working()).toHaveLength(1);
  });
});

describe('start refuses', () => {
  it('a board that is not listed, an image that is no longer open, a file that cannot be pushed', () => {
    const host = new FakeFleetHost(
      [device('a')],
      [image('app.zip'), image('bad.bin', { problem: 'It is an HTML page saved as .bin.' })],
    );
    runner = runnerFor(host).runner;
    expect(() =>
      runner!.start(fleetRequest(host, { deviceIds: ['id:a', 'id:gone'], imageIds: ['img-app.zip'] })),
    ).toThrow(
      'No board id:gone is in the list; it may have been forgotten. Refresh the list and pick the boards again.',
    );
    expect(() => runner!.start(fleetRequest(host, { imageIds: ['img-closed'] }))).toThrow(
      /no longer open; pick the file again/,
    );
    expect(() => runner!.start(fleetRequest(host, { imageIds: ['img-bad.bin'] }))).toThrow(
      'bad.bin cannot be pushed: It is an HTML page saved as .bin.',
    );
    expect(runner.list()).toEqual([]);
  });

  it('names a board given twice once', () => {
    const host = new FakeFleetHost([device('a')], [image('app.zip')]);
    runner = runnerFor(host).runner;
    const run = runner.start(fleetRequest(host, { deviceIds: ['id:a', 'id:a'] }));
    expect(run.members).toHaveLength(1);
  });

  it('a board already being updated fails with the job manager’s reason, the others go on', async () => {
    const host = new FakeFleetHost([device('a'), device('b')], [image('app.zip')]);
    runner = runnerFor(host).runner;
    runner.start(fleetRequest(host, { deviceIds: ['id:a'] }));
    await settle();
    const second = runner.start(fleetRequest(host));
    await settle();
    expect(statesOf(runner.get(second.id))).toEqual({ a: 'failed', b: 'running' });
    expect(runner.get(second.id).members[0]!.message).toBe('a is already being updated.');
  });
});
