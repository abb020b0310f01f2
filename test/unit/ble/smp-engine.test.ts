// The real engine pushing MCUboot images over the simulated radio (real noble, SimBindings, a
// Zephyr-like SMP peripheral): discovery into the device list, every commit mode, rollback, resume
// after a dropped link, validation shortcuts, a legacy server, refusals. In-process: no sockets.
import { createRequire } from 'node:module';
import type { Noble as NobleClass } from '@stoprocent/noble';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type OtaEngine } from '../../../electron/engine/index.ts';
import { NobleRadio, type NobleLike } from '../../../electron/engine/ble/noble-radio.ts';
import type { Device, Job } from '../../../shared/domain.ts';
import { buildMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import { SimBindings } from '../../sim/ble/sim-bindings.ts';
import { SmpPeripheral, type SmpPeripheralOptions } from '../../sim/ble/smp-peripheral.ts';
import { scratchDir } from '../images/builders.ts';
import { until } from '../support/until.ts';

const require = createRequire(import.meta.url);
const Noble = require('@stoprocent/noble/lib/noble.js') as typeof NobleClass;

const scratch = scratchDir();
const TIME_SCALE = 0.02;
const TIMEOUTS = {
  rebootGoneMs: 2_000,
  rebootComeBackMs: 4_000,
  pollMs: 50,
  rollbackGraceMs: 1_000,
  healthSeconds: 1,
  versionAnnounceMs: 100,
};

const image = (major: number, minor: number, payloadSize = 40_000) =>
  buildMcubootImage({ version: { major, minor, revision: 0 }, payloadSize, seed: major * 100 + minor });
const v1 = image(1, 0, 8_000);
const v2 = image(1, 1);

let engine: OtaEngine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

async function bench(opts: Partial<SmpPeripheralOptions> = {}) {
  const device = new SmpPeripheral({
    id: 'c0de0001',
    name: 'smp-sensor',
    initialImage: v1,
    bufSize: 2475,
    bufCount: 4,
    ...opts,
  });
  const bindings = new SimBindings({ peripherals: [device], timeScale: TIME_SCALE, supervisionTimeoutMs: 300 });
  const radio = new NobleRadio(async () => new Noble(bindings) as unknown as NobleLike);
  engine = createEngine({ timeouts: TIMEOUTS, ble: radio, bleOptions: { connectTimeoutMs: 3_000 } });
  await engine.startDiscovery();
  const found = await until(() => engine!.listDevices().find((d) => d.transport === 'ble'));
  return { device, bindings, engine, found };
}

async function push(
  e: OtaEngine,
  found: Device,
  bytes: Buffer,
  mode?: 'test-and-confirm' | 'confirm-only' | 'test-only',
): Promise<Job> {
  const info = await e.inspectImage(scratch.write(`app-${Math.random().toString(16).slice(2)}.signed.bin`, bytes));
  const job = e.push({
    deviceId: found.id,
    imageId: info.imageId,
    commitPolicy: 'auto',
    commitTimeoutSeconds: 60,
    mode,
  });
  return e.waitForJob(job.id);
}

describe('BLE devices and SMP pushes through the engine', () => {
  it('lists the SMP device with transport, address and RSSI', async () => {
    const { found } = await bench();
    expect(found).toMatchObject({
      id: 'ble:c0de0001',
      transport: 'ble',
      name: 'smp-sensor',
      protocol: 'mcumgr-smp',
      pushSupported: true,
    });
    expect(found.rssi).toBeLessThan(0);
    expect(engine!.discoveryStatus().ble?.state).toBe('scanning');
  });

  it('test-and-confirm: uploads, tests, resets, reconnects and confirms', async () => {
    const { device, found, engine: e } = await bench();
    const job = await push(e, found, v2);
    expect(job.result?.message).toMatch(/runs 1\.1\.0 and confirmed it/);
    expect(job.state).toBe('committed');
    expect(job).toMatchObject({ mode: 'test-and-confirm', fromVersion: '1.0.0', toVersion: '1.1.0' });
    expect(job.link).toMatchObject({
      attMtu: 247,
      bufSize: 2475,
      bufCount: 4,
      maxPacketBytes: 2475,
      window: 3,
      resumedFrom: [],
    });
    expect(job.progress.bytesSent).toBe(v2.length);
    expect(device.activeVersion).toBe('1.1.0');
    expect(device.revertOnNextBoot).toBe(false);
    const status = await e.deviceStatus(found.id);
    expect(status.details.error).toBeUndefined();
    expect(status.imageSlots?.find((s) => s.active)).toMatchObject({ version: '1.1.0', confirmed: true });
    expect(e.listDevices().find((d) => d.id === found.id)?.firmwareVersion).toBe('1.1.0');
  });

  it('test-only leaves the image unconfirmed: the next reset reverts', async () => {
    const { device, found, engine: e } = await bench();
    const job = await push(e, found, v2, 'test-only');
    expect(job.state).toBe('updated');
    expect(job.result?.message).toMatch(/as a test, not confirmed/);
    expect(device.activeVersion).toBe('1.1.0');
    expect(device.revertOnNextBoot).toBe(true);
  });

  it('confirm-only makes it permanent before the reset', async () => {
    const { device, found, engine: e } = await bench();
    const job = await push(e, found, v2, 'confirm-only');
    expect(job.state).toBe('committed');
    expect(device.activeVersion).toBe('1.1.0');
    expect(device.revertOnNextBoot).toBe(false);
  });

  it('ends rolled back, with the reason, when MCUboot keeps the old image', async () => {
    const { device, found, engine: e } = await bench({ crashesAtBoot: (img) => img.info.version.startsWith('1.1') });
    const job = await push(e, found, v2);
    expect(job.state).toBe('rolled-back');
    expect(job.result?.message).toMatch(/came back running 1\.0\.0.*its previous image, not 1\.1\.0/);
    expect(device.activeVersion).toBe('1.0.0');
  });

  it('resumes from the device offset after the link drops mid-upload', async () => {
    const { device, found, engine: e } = await bench({ dropLinkAfterBytes: 20_000 });
    const job = await push(e, found, v2);
    expect(job.state, job.result?.message).toBe('committed');
    expect(job.link?.resumedFrom.length).toBe(1);
    expect(job.link!.resumedFrom[0]).toBeGreaterThan(10_000);
    expect(job.log.map((l) => l.text).join('\n')).toMatch(
      /Resumed at byte [\d,]+ \(the device kept the partial upload\)/,
    );
    // Resumed, not restarted: the device received little more than one image's worth.
    expect(device.stats.bytesReceived).toBeLessThan(v2.length * 1.3);
  });

  it('does nothing when the image already runs confirmed, and skips the upload when slot 1 holds it', async () => {
    const { device, found, engine: e } = await bench();
    const same = await push(e, found, v1);
    expect(same.state).toBe('committed');
    expect(same.result?.message).toMatch(/already runs 1\.0\.0 \(confirmed\): nothing to do/);
    const before = device.stats.bytesReceived;
    await push(e, found, v2, 'test-only');
    // v2 now runs as a test; reset back to v1: v2 stays in slot 1.
    device.reboot();
    await until(() => device.activeVersion === '1.0.0' && device.advertisement() !== null);
    const received = device.stats.bytesReceived;
    const again = await push(e, found, v2);
    expect(again.state).toBe('committed');
    expect(again.log.map((l) => l.text).join('\n')).toMatch(/Slot 1 already holds this image: skipping the upload/);
    expect(device.stats.bytesReceived - received).toBeLessThan(1000);
    expect(received - before).toBeGreaterThan(v2.length);
  });

  it('pushes to a legacy server without params or reassembly: one packet per write, stop-and-wait', async () => {
    const { device, found, engine: e } = await bench({ legacy: true, bufSize: 256 });
    const job = await push(e, found, v2);
    expect(job.state, job.result?.message).toBe('committed');
    expect(job.link).toMatchObject({ bufSize: null, maxPacketBytes: 244, window: 1 });
    expect(device.activeVersion).toBe('1.1.0');
  });

  it('refuses a bare zephyr.bin before connecting, with a sentence', async () => {
    const { device, found, engine: e } = await bench();
    const bare = Buffer.alloc(4096);
    bare.writeUInt32LE(0x20008000, 0);
    for (const at of [4, 8, 12]) bare.writeUInt32LE(0x00001001 + at, at);
    const info = await e.inspectImage(scratch.write('zephyr.bin', bare));
    const plan = await e.planPush(found.id, info.imageId);
    expect(plan.verdict).toBe('refused');
    expect(plan.message).toMatch(/without the MCUboot header.*imgtool/);
    const job = await e.waitForJob(
      e.push({ deviceId: found.id, imageId: info.imageId, commitPolicy: 'auto', commitTimeoutSeconds: 60 }).id,
    );
    expect(job.state).toBe('failed');
    expect(job.result?.message).toMatch(/without the MCUboot header/);
    expect(device.stats.bytesReceived).toBe(0);
  });

  it('plans against the image list: slots, link and checks', async () => {
    const { found, engine: e } = await bench();
    const info = await e.inspectImage(scratch.write('v2.signed.bin', v2));
    const plan = await e.planPush(found.id, info.imageId);
    expect(plan.verdict).toBe('ready');
    expect(plan.imageSlots).toEqual([
      expect.objectContaining({ slot: 0, version: '1.0.0', active: true, confirmed: true }),
    ]);
    expect(plan.checks.map((c) => c.id).sort()).toEqual(['bootloader', 'format', 'hash', 'link', 'running', 'slot1']);
    // The simulated peripheral does not name its mode; it accepts the no-op confirm, so it can test and confirm.
    expect(plan.checks.find((c) => c.id === 'bootloader')?.status).toBe('pass');
    expect(plan.bootMode).toMatchObject({ stateWrites: true });
    expect(plan.checks.find((c) => c.id === 'link')?.detail).toMatch(
      /2475 B × 4: packets of 2475 B, 3 in flight, ATT MTU 247/,
    );
  });

  it('fails within the bound when the device never comes back after the reset', async () => {
    const { found, engine: e } = await bench({ neverReturnAfterReset: true });
    const job = await push(e, found, v2);
    expect(job.state).toBe('failed');
    expect(job.result?.code).toBe('connection-lost');
    expect(job.result?.message).toMatch(/did not come back/);
  });
});
