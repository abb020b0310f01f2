// The real engine pushing ESP32 app images to a simulated Espressif BLE OTA device over the simulated
// radio (real noble, SimBindings, esp-ota-peripheral.ts): a push that restarts the device into the new
// image, a CRC error resent, an index error followed, a dropped link started again, the NimBLE variant
// (write requests, indications), an image esp_ota_end refuses, and the pre-flight refusals. In-process.
import { createRequire } from 'node:module';
import type { Noble as NobleClass } from '@stoprocent/noble';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type OtaEngine } from '../../../electron/engine/index.ts';
import { NobleRadio, type NobleLike } from '../../../electron/engine/ble/noble-radio.ts';
import type { Job } from '../../../shared/domain.ts';
import { sectorPackets, startCommand } from '../../../electron/engine/ble/esp-ble-ota.ts';
import { EspOtaPeripheral, type EspOtaPeripheralOptions } from '../../sim/ble/esp-ota-peripheral.ts';
import { SimBindings } from '../../sim/ble/sim-bindings.ts';
import { esp32App, esp8266App, filler, mcubootImage, scratchDir } from '../images/builders.ts';
import { until } from '../support/until.ts';
import { SIM_TIMEOUTS } from './sim-engine.ts';

const require = createRequire(import.meta.url);
const Noble = require('@stoprocent/noble/lib/noble.js') as typeof NobleClass;
const scratch = scratchDir();

let engine: OtaEngine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

/** An ESP32 app of about 30 KiB (8 sectors), version 2.0.0 in its app descriptor. */
const app = (extra = 24_000, options: Parameters<typeof esp32App>[0] = {}) =>
  esp32App({ version: '2.0.0', extra: filler(extra, 11), ...options });

async function bench(opts: Partial<EspOtaPeripheralOptions> = {}) {
  const device = new EspOtaPeripheral({ id: 'c0de00000005', name: 'esp-ble-ota-demo', ...opts });
  const bindings = new SimBindings({ peripherals: [device], timeScale: 0.02, supervisionTimeoutMs: 300 });
  const radio = new NobleRadio(async () => new Noble(bindings) as unknown as NobleLike);
  engine = createEngine({
    timeouts: SIM_TIMEOUTS,
    ble: radio,
    bleOptions: { connectTimeoutMs: 3_000, espOtaTimeouts: { commandMs: 2_000, sectorAckMs: 3_000 } },
  });
  await engine.startDiscovery();
  const found = await until(() => engine!.listDevices().find((d) => d.transport === 'ble'));
  const push = async (bytes: Buffer, name = 'app.bin'): Promise<Job> => {
    const info = await engine!.inspectImage(scratch.write(`${Math.random().toString(16).slice(2)}-${name}`, bytes));
    const job = engine!.push({
      deviceId: found.id,
      imageId: info.imageId,
      commitPolicy: 'auto',
      commitTimeoutSeconds: 60,
    });
    return engine!.waitForJob(job.id);
  };
  return { device, bindings, engine, found, push };
}

describe('Espressif BLE OTA pushes through the engine', () => {
  it('lists the device as pushable and plans an ESP32 app without connecting', async () => {
    const { found, device } = await bench();
    expect(found).toMatchObject({ protocol: 'esp-ble-ota', pushSupported: true, services: ['Espressif BLE OTA'] });
    const info = await engine!.inspectImage(scratch.write('plan.bin', app()));
    const plan = await engine!.planPush(found.id, info.imageId);
    expect(plan.verdict).toBe('ready');
    expect(plan.checks.map((c) => [c.id, c.status])).toEqual([
      ['format', 'pass'],
      ['size', 'pass'],
    ]);
    expect(device.log.some((e) => e.what === 'connected')).toBe(false);
  });

  it('sends every sector, waits for the restart and says what it can and cannot verify', async () => {
    const { device, push } = await bench();
    const image = app();
    const job = await push(image);
    expect(job.result?.message).toMatch(/took the image \(2\.0\.0\), restarted and accepts connections again/);
    expect(job.result?.message).toMatch(/cannot confirm the version/);
    expect(job.state).toBe('updated');
    expect(device.running.image?.equals(image)).toBe(true);
    expect(device.running.version).toBe('2.0.0');
    expect(device.stats.restarts).toBe(1);
    expect(job.progress).toMatchObject({ bytesSent: image.length, totalBytes: image.length });
    expect(job.log.map((l) => l.text).join('\n')).toMatch(/accepted START for .* in 8 sectors of 4 KiB/);
  });

  it('resends a sector the device reports a CRC error for', async () => {
    const { device, push } = await bench({ corruptSector: { sector: 3, times: 2 } });
    const job = await push(app());
    expect(job.state).toBe('updated');
    expect(device.stats.crcErrors).toBe(2);
    expect(job.log.map((l) => l.text).join('\n')).toMatch(
      /Sector 3: the device reported a CRC error .* sending it again/,
    );
  });

  it('gives up with the reason when the CRC error does not go away', async () => {
    const { device, push } = await bench({ corruptSector: { sector: 1, times: 99 } });
    const job = await push(app());
    expect(job.state).toBe('failed');
    expect(job.result?.message).toMatch(/CRC error on sector 1 4 times in a row/);
    expect(device.running.version).toBe('1.0.0');
  });

  it('starts again from sector 0 after the link drops (the firmware cannot resume)', async () => {
    const { device, push } = await bench({ dropLinkAfterBytes: 12_000 });
    const image = app();
    const job = await push(image);
    expect(job.state).toBe('updated');
    const log = job.log.map((l) => l.text).join('\n');
    expect(log).toMatch(/The link dropped after .* starting again from sector 0/);
    expect(log).toMatch(/still in an earlier transfer: stopped it and started again/);
    expect(device.running.image?.equals(image)).toBe(true);
  });

  it('follows the NimBLE variant: write requests, indications, an index error after a reconnect (stopping the wrong sector early)', async () => {
    const { device, push } = await bench({ nimble: true, dropLinkAfterBytes: 14_000 });
    const image = app();
    const job = await push(image);
    expect(job.state).toBe('updated');
    const log = job.log.map((l) => l.text).join('\n');
    expect(log).toMatch(/as write requests/);
    expect(log).toMatch(/the device expects sector \d; continuing from there/);
    expect(device.stats.indexErrors).toBeGreaterThan(0);
    // The firmware kept the probe's packets in its buffer: the next sector's CRC fails once, then it is
    // resent; had OTA Bench sent the whole wrong sector, the firmware would have taken it as this one.
    expect(device.stats.crcErrors).toBeGreaterThan(0);
    expect(device.running.image?.equals(image)).toBe(true);
  });

  it('refuses to follow a NimBLE device into a transfer someone else left half done', async () => {
    const { device, push } = await bench({ nimble: true });
    // Another client's image, two sectors in, then gone: the firmware keeps its place.
    const theirs = app(20_000, { version: '6.6.6' });
    device.onWrite('8018', '8022', startCommand(theirs.length), false);
    for (const sector of [0, 1])
      for (const packet of sectorPackets(theirs, sector, 244)) device.onWrite('8018', '8020', packet, false);
    await until(() => device.stats.sectorsWritten === 2 || undefined);
    const job = await push(app());
    expect(job.state).toBe('failed');
    expect(job.result?.message).toMatch(/partway through an earlier transfer \(it expects sector 2\).*power-cycle/);
    expect(device.stats.restarts).toBe(0);
  });

  it('fails in words when the device takes every sector but esp_ota_end refuses the image', async () => {
    const { device, push } = await bench({ chipId: 9 });
    const job = await push(app());
    expect(job.state).toBe('failed');
    expect(job.result?.message).toMatch(/took every sector but did not restart/);
    expect(device.running.version).toBe('1.0.0');
    expect(device.log.some((e) => /esp_ota_end failed/.test(e.what))).toBe(true);
  });

  it.each([
    ['an ESP8266 app', () => esp8266App(), /ESP8266 application image: Espressif BLE OTA runs on ESP32-family chips/],
    ['an MCUboot image', () => mcubootImage(), /MCUboot image: it is for MCUmgr/],
  ])('refuses %s before connecting', async (_what, build, why) => {
    const { device, push } = await bench();
    const job = await push(build());
    expect(job.state).toBe('failed');
    expect(job.result?.message).toMatch(why);
    expect(device.log.some((e) => e.what === 'connected')).toBe(false);
  });
});
