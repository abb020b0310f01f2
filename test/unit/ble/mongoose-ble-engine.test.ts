// The real engine pushing Mongoose OS fw.zips over BLE (RPC over GATT) to the simulated device (real noble,
// SimBindings, test/sim/ble/mongoose-ble-peripheral.ts): push and commit, the user's commit and revert,
// rollback when nobody commits, a link that drops mid-upload, a firmware that does not boot, refusals.
// In-process: no sockets.
import { createRequire } from 'node:module';
import type { Noble as NobleClass } from '@stoprocent/noble';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type OtaEngine } from '../../../electron/engine/index.ts';
import { NobleRadio, type NobleLike } from '../../../electron/engine/ble/noble-radio.ts';
import type { CommitPolicy, Job } from '../../../shared/domain.ts';
import { buildMongooseFwZip } from '../../sim/fw-zip.ts';
import { SimBindings } from '../../sim/ble/sim-bindings.ts';
import { MongooseBlePeripheral, type MongooseBlePeripheralOptions } from '../../sim/ble/mongoose-ble-peripheral.ts';
import { scratchDir } from '../images/builders.ts';
import { until } from '../support/until.ts';
import { SIM_TIMEOUTS } from './sim-engine.ts';

const require = createRequire(import.meta.url);
const Noble = require('@stoprocent/noble/lib/noble.js') as typeof NobleClass;

const scratch = scratchDir();
const fwZip = (version: string, platform = 'esp32', size = 12_000) =>
  buildMongooseFwZip({ platform, version, buildId: `sim-${version}`, size });

let engine: OtaEngine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

async function bench(opts: Partial<MongooseBlePeripheralOptions> = {}) {
  const device = new MongooseBlePeripheral({ id: 'c0de0004', name: 'mos-ble-lamp', ...opts });
  const bindings = new SimBindings({ peripherals: [device], timeScale: 0.02, supervisionTimeoutMs: 300 });
  const radio = new NobleRadio(async () => new Noble(bindings) as unknown as NobleLike);
  engine = createEngine({ timeouts: SIM_TIMEOUTS, ble: radio, bleOptions: { connectTimeoutMs: 3_000 } });
  await engine.startDiscovery();
  const found = await until(() => engine!.listDevices().find((d) => d.transport === 'ble'));
  const e = engine;
  const start = async (bytes: Buffer, commitPolicy: CommitPolicy = 'auto', commitTimeoutSeconds = 60) => {
    const info = await e.inspectImage(scratch.write(`fw-${Math.random().toString(16).slice(2)}.zip`, bytes));
    return e.push({ deviceId: found.id, imageId: info.imageId, commitPolicy, commitTimeoutSeconds });
  };
  const push = async (bytes: Buffer, commitPolicy?: CommitPolicy, commitTimeoutSeconds?: number): Promise<Job> =>
    e.waitForJob((await start(bytes, commitPolicy, commitTimeoutSeconds)).id);
  return { device, engine: e, found, start, push };
}

describe('Mongoose OS pushes over BLE (RPC over GATT) through the engine', () => {
  it('lists the device as pushable', async () => {
    const { found } = await bench();
    expect(found).toMatchObject({ protocol: 'mongoose-os-ble', pushSupported: true, name: 'mos-ble-lamp' });
  });

  it('--commit auto: OTA.Begin/Write/End, reboot, version check, health check, OTA.Commit', async () => {
    const { device, push, engine: e, found } = await bench();
    const zip = fwZip('1.1.0');
    const job = await push(zip);
    expect(job.result?.message, JSON.stringify(job.log)).toBe('Committed 1.1.0 on mos-ble-lamp.');
    expect(job).toMatchObject({ state: 'committed', fromVersion: '1.0.0', toVersion: '1.1.0' });
    expect(job.progress.bytesSent).toBe(zip.length);
    expect(device.activeVersion).toBe('1.1.0');
    expect(device.committed).toBe(true);
    const writes = device.calls.filter((c) => c === 'OTA.Write').length;
    expect(writes).toBe(Math.ceil(zip.length / 2048));
    expect(device.calls.slice(0, 3)).toEqual(['Sys.GetInfo', 'OTA.Status', 'OTA.Begin']);
    expect(device.calls).toContain('OTA.Commit');
    expect(e.listDevices().find((d) => d.id === found.id)?.firmwareVersion).toBe('1.1.0');
    const status = await e.deviceStatus(found.id);
    expect(status).toMatchObject({ reachable: true, firmwareVersion: '1.1.0', bootState: { committed: true } });
  });

  it('--commit prompt: the user commits in the window', async () => {
    const { device, start, engine: e } = await bench();
    const job = await start(fwZip('1.2.0'), 'prompt');
    await until(() => e.listJobs().find((j) => j.id === job.id && j.state === 'awaiting-commit'));
    expect(device.committed).toBe(false);
    e.commitJob(job.id);
    const done = await e.waitForJob(job.id);
    expect(done.state).toBe('committed');
    expect(device.committed).toBe(true);
  });

  it('--commit prompt: the user reverts; the device reboots into the old firmware', async () => {
    const { device, start, engine: e } = await bench();
    const job = await start(fwZip('1.2.0'), 'prompt');
    await until(() => e.listJobs().find((j) => j.id === job.id && j.state === 'awaiting-commit'));
    e.revertJob(job.id);
    const done = await e.waitForJob(job.id);
    expect(done.state, JSON.stringify(done.result) + JSON.stringify(done.log)).toBe('rolled-back');
    expect(done.result?.message).toBe('Reverted on your request, so mos-ble-lamp rolled back to 1.0.0.');
    expect(device.activeVersion).toBe('1.0.0');
  });

  it('nobody commits: the device rolls back at commit_timeout and the job says so', async () => {
    const { device, push } = await bench();
    const job = await push(fwZip('1.3.0'), 'never', 10);
    expect(job.state).toBe('rolled-back');
    expect(job.result?.message).toBe('Nobody committed 1.3.0 within 10 s, so mos-ble-lamp rolled back to 1.0.0.');
    expect(device.activeVersion).toBe('1.0.0');
    expect(device.committed).toBe(true);
  });

  it('a link that drops mid-upload: reconnects, aborts the half update and starts again', async () => {
    const { device, push } = await bench({ dropLinkAfterBytes: 6000 });
    const job = await push(fwZip('1.4.0'));
    expect(job.state).toBe('committed');
    expect(job.log.map((l) => l.text).join('\n')).toMatch(/link dropped after [\d,]+ of [\d,]+ bytes/);
    expect(device.calls.filter((c) => c === 'OTA.Begin')).toHaveLength(2);
    expect(device.activeVersion).toBe('1.4.0');
  });

  it('a firmware that does not boot: the device comes back with the old one, the job says rolled back', async () => {
    const { push } = await bench({ crashingVersions: ['9.9.9'] });
    const job = await push(fwZip('9.9.9'));
    expect(job.state).toBe('rolled-back');
    expect(job.result?.message).toMatch(/came back running 1\.0\.0, not 9\.9\.9: the new firmware did not boot/);
  });

  it('refuses a fw.zip for another platform before sending anything, in words', async () => {
    const { device, push, engine: e, found } = await bench();
    const zip = fwZip('1.1.0', 'esp8266');
    const info = await e.inspectImage(scratch.write('fw-8266.zip', zip));
    const plan = await e.planPush(found.id, info.imageId);
    expect(plan.checks.find((c) => c.id === 'platform')).toMatchObject({ status: 'fail' });
    expect(plan.checks.find((c) => c.id === 'platform')?.detail).toMatch(
      /built for esp8266, but the device is an esp32/,
    );
    const job = await push(zip);
    expect(job.state).toBe('failed');
    expect(device.calls).not.toContain('OTA.Begin');
  });

  it('refuses a file that is not a fw.zip', async () => {
    const { push } = await bench();
    const job = await push(Buffer.alloc(4096, 0xe9));
    expect(job.state).toBe('failed');
    expect(job.result?.message).toMatch(/not a Mongoose OS fw\.zip/);
  });
});

describe('Mongoose OS over BLE outside a job, and a device that never comes back', () => {
  it('commit and revert from the CLI or the plan panel act on uncommitted firmware, in words', async () => {
    const { device, engine: e, found } = await bench();
    const already = await e.commitDevice(found.id);
    expect(already.outcome).toBe('mos-ble-lamp already runs 1.0.0 committed: nothing to commit.');
    await expect(e.revertDevice(found.id)).rejects.toThrow(/runs 1\.0\.0 committed: there is nothing to revert to/);

    Object.assign(device, { activeVersion: '1.1.0', committed: false, previous: '1.0.0', commitTimeout: 300 });
    const committed = await e.commitDevice(found.id);
    expect(committed.outcome).toBe('Committed 1.1.0 on mos-ble-lamp.');
    expect(committed.bootState).toMatchObject({ committed: true });

    Object.assign(device, { activeVersion: '1.2.0', committed: false, previous: '1.1.0', commitTimeout: 300 });
    const reverted = await e.revertDevice(found.id);
    expect(reverted.outcome).toBe('Reverted: mos-ble-lamp went back from 1.2.0 to 1.1.0.');
    expect(reverted.firmwareVersion).toBe('1.1.0');
  });

  it('a device that never comes back after OTA.End: the job fails with how long it waited', async () => {
    const { push } = await bench({ neverReturnAfterReset: true });
    const job = await push(fwZip('1.5.0'));
    expect(job.state).toBe('failed');
    expect(job.result?.message).toMatch(
      /mos-ble-lamp did not come back within 4 s after rebooting into the new firmware/,
    );
  });
});

describe('Mongoose OS over BLE: a fw.zip the device would refuse', () => {
  it('a compressed fw.zip is refused with the inspection words before connecting', async () => {
    const { device, push, engine: e, found } = await bench();
    const zip = buildMongooseFwZip({
      platform: 'esp32',
      version: '1.1.0',
      buildId: 'c',
      size: 8_000,
      compressed: true,
    });
    const info = await e.inspectImage(scratch.write('fw-deflated.zip', zip));
    expect(info.problem).toBeTruthy();
    const plan = await e.planPush(found.id, info.imageId);
    expect(plan.checks).toEqual([expect.objectContaining({ id: 'format', status: 'fail', detail: info.problem })]);
    const job = await push(zip);
    expect(job.state).toBe('failed');
    expect(device.calls).toEqual([]);
  });
});
