// NobleRadio over the REAL noble (lib/noble.js) driven by the simulated radio: adapter states in
// words, advertisements into the BLE device table, connect (unknown, timeout, retry), the SMP
// notify channel (serialised writes, reassembled answers, MTU) and the link going down.
import { createRequire } from 'node:module';
import { decode } from 'cborg';
import type { Noble as NobleClass } from '@stoprocent/noble';
import { afterEach, describe, expect, it } from 'vitest';
import type { Advertisement, GattConnection, RadioStatus } from '../../../electron/engine/ble/ble-radio.ts';
import { NobleRadio, type NobleLike } from '../../../electron/engine/ble/noble-radio.ts';
import { SMP_OP, SmpReassembler, type SmpPacket } from '../../../electron/engine/smp/smp-frame.ts';
import { encodeSmpRequest, mcumgrParamsRequest, type SmpRequest } from '../../../electron/engine/smp/smp-messages.ts';
import { BLE_UPDATE_SERVICES, BleDeviceTable } from '../../../electron/engine/discovery/ble-devices.ts';
import { buildMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import { AdvertisingPeripheral, SimBindings, type SimBindingsOptions } from '../../sim/ble/sim-bindings.ts';
import { SMP_CHARACTERISTIC_UUID, SMP_SERVICE_UUID, SmpPeripheral } from '../../sim/ble/smp-peripheral.ts';
import { until } from '../support/until.ts';

// lib/noble.js is CommonJS without typings of its own; the package root would build native bindings.
const require = createRequire(import.meta.url);
const Noble = require('@stoprocent/noble/lib/noble.js') as typeof NobleClass;

const TIME_SCALE = 0.05;
const MOS_SERVICE = '5f6d4f53-5f52-5043-5f53-56435f49445f';
const SCAN_FOR = BLE_UPDATE_SERVICES.map((s) => s.uuid);
const v1 = buildMcubootImage({ version: { major: 1, minor: 0, revision: 0 }, payloadSize: 2048 });

const radios: NobleRadio[] = [];
afterEach(async () => {
  await Promise.all(radios.splice(0).map((r) => r.close()));
});

function radioOver(options: SimBindingsOptions) {
  const bindings = new SimBindings({ timeScale: TIME_SCALE, supervisionTimeoutMs: 400, ...options });
  const noble = new Noble(bindings);
  const radio = new NobleRadio(async () => noble as unknown as NobleLike, 'linux');
  radios.push(radio);
  return { bindings, noble, radio };
}

function smpDevice(over: Partial<ConstructorParameters<typeof SmpPeripheral>[0]> = {}) {
  return new SmpPeripheral({ id: 'c0de0001', name: 'smp-svr', initialImage: v1, bufSize: 1024, ...over });
}

function statuses(radio: NobleRadio): RadioStatus[] {
  const seen: RadioStatus[] = [];
  radio.on('status', (s) => seen.push(s));
  return seen;
}

describe('NobleRadio: adapter states', () => {
  it('scans once the simulated adapter powers on', async () => {
    const { radio } = radioOver({ peripherals: [smpDevice()] });
    const seen = statuses(radio);
    expect(radio.status().state).toBe('starting');
    await radio.startScanning(SCAN_FOR);
    await until(() => radio.status().state === 'scanning', 'scanning');
    expect(seen.at(-1)).toEqual({ state: 'scanning', message: 'Looking for Bluetooth LE devices nearby.' });
  });

  it('no adapter (unsupported): unavailable, "No Bluetooth adapter…"; connect says the same', async () => {
    const { radio } = radioOver({ peripherals: [smpDevice()], initialState: 'unsupported' });
    await radio.startScanning(SCAN_FOR);
    const status = await until(() => radio.status().state === 'unavailable' && radio.status(), 'unavailable');
    expect(status.message).toMatch(/^No Bluetooth adapter/);
    await expect(radio.connect('c0de0001', { timeoutMs: 500 })).rejects.toThrow(status.message);
  });

  it('adapter powered off: unavailable with what to do; powering on resumes the scan', async () => {
    const { radio, bindings } = radioOver({ peripherals: [smpDevice()], initialState: 'poweredOff' });
    const ads: Advertisement[] = [];
    radio.on('advertisement', (a) => ads.push(a));
    await radio.startScanning(SCAN_FOR);
    const status = await until(() => radio.status().state === 'unavailable' && radio.status(), 'unavailable');
    expect(status.message).toBe('Bluetooth is turned off. Turn it on to see BLE devices.');
    // Deliberately lets time pass: with the adapter off, nothing may be reported in the meantime.
    await new Promise((r) => setTimeout(r, 50));
    expect(ads).toEqual([]);
    bindings.setState('poweredOn');
    await until(() => radio.status().state === 'scanning', 'scanning after power-on');
    await until(() => ads.length > 0, 'an advertisement after power-on');
    bindings.setState('poweredOff');
    await until(() => radio.status().state === 'unavailable', 'unavailable again');
  });

  it('the loader failing (native module missing) is reported, not thrown', async () => {
    const radio = new NobleRadio(async () => {
      throw new Error("Cannot find module '@stoprocent/noble'");
    }, 'linux');
    radios.push(radio);
    const seen = statuses(radio);
    await expect(radio.startScanning(SCAN_FOR)).resolves.toBeUndefined();
    expect(radio.status().state).toBe('unavailable');
    expect(radio.status().message).toMatch(/^No Bluetooth adapter: .*Cannot find module '@stoprocent\/noble'/);
    expect(seen).toHaveLength(1);
    await expect(radio.connect('c0de0001', { timeoutMs: 100 })).rejects.toThrow(/^No Bluetooth adapter/);
    await expect(radio.stopScanning()).resolves.toBeUndefined();
  });

  it('bindings that throw when noble starts them (dbus without dbus-next) are reported, not thrown', async () => {
    const bindings = new SimBindings({ timeScale: TIME_SCALE });
    bindings.start = () => {
      throw new Error('noble dbus backend requires the "dbus-next" package. Install it with: npm install dbus-next');
    };
    const radio = new NobleRadio(async () => new Noble(bindings) as unknown as NobleLike, 'linux');
    radios.push(radio);
    await expect(radio.startScanning(SCAN_FOR)).resolves.toBeUndefined();
    expect(radio.status().state).toBe('unavailable');
    expect(radio.status().message).toMatch(/dbus-next/);
    await expect(radio.connect('c0de0001', { timeoutMs: 100 })).rejects.toThrow(/dbus-next/);
  });
});

describe('NobleRadio: advertisements into the device table', () => {
  it('three update protocols, hostile and nameless peripherals, others filtered out', async () => {
    const mos = new AdvertisingPeripheral({
      id: 'a0010001',
      address: 'A0:01:00:00:00:01',
      rssi: -70,
      advertisement: { localName: 'mos-rpc', serviceUuids: [MOS_SERVICE] },
    });
    const esp = new AdvertisingPeripheral({
      id: 'a0020002',
      address: 'a0:02:00:00:00:02',
      rssi: -80,
      advertisement: {
        localName: 'esp-ota',
        serviceUuids: ['180a', '8018'],
        manufacturerData: Buffer.from([0xe5, 0x02, 0x99]),
      },
    });
    const hostile = new AdvertisingPeripheral({
      id: 'bad0',
      address: 'not a mac',
      rssi: -127,
      advertisement: {
        localName: `\u202eevil\u0000\u001b[2J${'A'.repeat(10_000)}`,
        serviceUuids: ['zz', SMP_SERVICE_UUID, '-'],
        manufacturerData: Buffer.from([1]),
      },
    });
    const nameless = new AdvertisingPeripheral({
      id: 'b0b0',
      address: 'b0:b0:00:00:00:01',
      advertisement: { serviceUuids: ['8018'] },
    });
    const heartRate = new AdvertisingPeripheral({
      id: 'beef',
      address: 'be:ef:00:00:00:01',
      advertisement: { localName: 'hr', serviceUuids: ['180d'] },
    });
    const { radio } = radioOver({
      peripherals: [smpDevice({ manufacturerData: Buffer.from([0x59, 0x00]) }), mos, esp, hostile, nameless, heartRate],
    });
    const table = new BleDeviceTable();
    let changes = 0;
    table.on('changed', () => changes++);
    const perPeripheral = new Map<string, number>();
    radio.on('advertisement', (ad) => {
      perPeripheral.set(ad.peripheralId, (perPeripheral.get(ad.peripheralId) ?? 0) + 1);
      table.observe(ad);
    });
    await radio.startScanning(SCAN_FOR);
    await until(
      () => table.list().length === 5 && [...perPeripheral.values()].every((n) => n >= 10),
      'ten advertisements from each of five devices',
    );

    const byId = Object.fromEntries(table.list().map((d) => [d.id, d]));
    expect(Object.keys(byId).sort()).toEqual(['ble:a0010001', 'ble:a0020002', 'ble:b0b0', 'ble:bad0', 'ble:c0de0001']);
    expect(byId['ble:c0de0001']).toMatchObject({
      transport: 'ble',
      name: 'smp-svr',
      address: 'c0:de:00:00:00:01',
      protocol: 'mcumgr-smp',
      pushSupported: true,
      services: ['MCUmgr SMP'],
      rssi: -55,
      online: true,
      txt: { manufacturer: '0059' },
    });
    expect(byId['ble:a0010001']).toMatchObject({
      name: 'mos-rpc',
      address: 'a0:01:00:00:00:01',
      protocol: 'mongoose-os-ble',
      pushSupported: true,
      rssi: -70,
    });
    expect(byId['ble:a0020002']).toMatchObject({
      name: 'esp-ota',
      protocol: 'esp-ble-ota',
      services: ['Espressif BLE OTA'],
      txt: { manufacturer: '02e5' },
    });
    expect(byId['ble:bad0']).toMatchObject({
      name: `evil [2J${'A'.repeat(55)}…`,
      address: null,
      protocol: 'mcumgr-smp',
      rssi: -127,
      txt: {},
    });
    expect(byId['ble:b0b0']).toMatchObject({ name: 'BLE device b0:b0:00:00:00:01', protocol: 'esp-ble-ota' });
    expect(perPeripheral.has('beef')).toBe(false);
    expect(table.peripheralIdOf('ble:c0de0001')).toBe('c0de0001');
    // noble reports every advertisement (duplicates on), but the list changed once per device.
    expect(changes).toBe(5);
  });

  it('a peripheral advertising SMP only in some packets keeps its protocol (noble merges adverts)', async () => {
    const flip = new AdvertisingPeripheral({
      id: 'f11b',
      address: 'f1:1b:00:00:00:01',
      advertisement: { serviceUuids: [SMP_SERVICE_UUID] },
    });
    let n = 0;
    flip.advertisement = () =>
      n++ % 2 === 0 ? { serviceUuids: [SMP_SERVICE_UUID] } : { localName: 'flipper', serviceUuids: [] };
    const { radio } = radioOver({ peripherals: [flip] });
    const table = new BleDeviceTable();
    const seen: string[][] = [];
    radio.on('advertisement', (ad) => {
      seen.push(ad.serviceUuids);
      table.observe(ad);
    });
    await radio.startScanning([]);
    await until(() => seen.length >= 6, 'six advertisements');
    // What noble hands on alternates: the scan-response-like packet replaces serviceUuids with [].
    expect(seen.some((u) => u.length === 0)).toBe(true);
    expect(table.get('ble:f11b')).toMatchObject({ name: 'flipper', protocol: 'mcumgr-smp', services: ['MCUmgr SMP'] });
  });
});

/** The SMP packets notifications complete, collected in order. */
function collect(channelNotifications: (listener: (data: Buffer) => void) => () => void) {
  const reassembler = new SmpReassembler();
  const packets: SmpPacket[] = [];
  channelNotifications((data) => packets.push(...reassembler.push(data)));
  return packets;
}

function echo(text: string): SmpRequest {
  return { op: SMP_OP.write, group: 0, id: 0, body: { d: text }, what: 'echo' };
}

async function scanAndConnect(radio: NobleRadio, id: string): Promise<GattConnection> {
  const seen = new Promise<void>((resolve) => radio.on('advertisement', (ad) => ad.peripheralId === id && resolve()));
  await radio.startScanning(SCAN_FOR);
  await seen;
  return radio.connect(id, { timeoutMs: 2000 });
}

describe('NobleRadio: connections', () => {
  it('connect() to a peripheral never seen says so', async () => {
    const { radio } = radioOver({ peripherals: [smpDevice()] });
    await radio.startScanning(SCAN_FOR);
    await until(() => radio.status().state === 'scanning', 'scanning');
    await expect(radio.connect('0123abcd', { timeoutMs: 500 })).rejects.toThrow(
      /has not been seen by this Bluetooth adapter/,
    );
  });

  it('times out when the peripheral stops advertising, keeps scanning, and connects once it is back', async () => {
    const quiet = new AdvertisingPeripheral({
      id: 'a0a0',
      address: 'a0:a0:00:00:00:01',
      advertisement: { localName: 'q', serviceUuids: ['8018'] },
    });
    const { radio } = radioOver({ peripherals: [quiet] });
    const ads: Advertisement[] = [];
    radio.on('advertisement', (a) => ads.push(a));
    await radio.startScanning(SCAN_FOR);
    await until(() => ads.length > 0, 'an advertisement');
    const saved = quiet.adv;
    quiet.adv = null;
    const started = Date.now();
    await expect(radio.connect('a0a0', { timeoutMs: 250 })).rejects.toThrow(
      /did not accept a connection within .* \(out of range, off, or connected to something else\)/,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(radio.status().state).toBe('scanning');
    quiet.adv = saved;
    const count = ads.length;
    await until(() => ads.length > count, 'advertisements again (the scan resumed)');
    const connection = await radio.connect('a0a0', { timeoutMs: 2000 });
    expect(connection.connected).toBe(true);
    expect(connection.peripheralId).toBe('a0a0');
    await connection.disconnect();
    expect(connection.connected).toBe(false);
  });

  it('an aborted connect stops waiting', async () => {
    const quiet = new AdvertisingPeripheral({
      id: 'a0a1',
      address: 'a0:a1:00:00:00:01',
      advertisement: { serviceUuids: ['8018'] },
    });
    const { radio } = radioOver({ peripherals: [quiet] });
    const seen = new Promise<void>((resolve) => radio.on('advertisement', () => resolve()));
    await radio.startScanning(SCAN_FOR);
    await seen;
    quiet.adv = null;
    const controller = new AbortController();
    const pending = radio.connect('a0a1', { timeoutMs: 5000, signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await expect(pending).rejects.toThrow('cancelled');
  });

  it('SMP channel: MTU after opening, writes without awaiting arrive in order, answers reassembled', async () => {
    const device = smpDevice();
    const { radio } = radioOver({ peripherals: [device] });
    const connection = await scanAndConnect(radio, 'c0de0001');
    // The MTU exchange runs after 'connect' (HCI order): not known yet on a first connection.
    expect(connection.attMtu).toBeNull();
    const channel = await connection.openNotifyChannel(SMP_SERVICE_UUID, SMP_CHARACTERISTIC_UUID);
    expect(connection.attMtu).toBe(247); // min(central 256, peripheral 247)
    const packets = collect(channel.onNotification);

    // MCUmgr params, one write.
    await channel.write(encodeSmpRequest(mcumgrParamsRequest(), 7));
    await until(() => packets.length === 1, 'the params answer');
    expect(packets[0]!.header).toMatchObject({ op: SMP_OP.readResponse, group: 0, id: 6, sequence: 7, version: 2 });
    expect(decode(packets[0]!.body)).toEqual({ buf_size: 1024, buf_count: 4 });

    // Three echo packets of 2 fragments each (MTU − 3 = 244), written back to back without awaiting:
    // the device has ONE reassembly context, so any reordering or interleaving would garble them.
    const texts = ['first-'.repeat(60), 'second-'.repeat(50), 'third-'.repeat(55)];
    const writes: Promise<void>[] = [];
    texts.forEach((text, i) => {
      const packet = encodeSmpRequest(echo(text), 10 + i);
      for (let at = 0; at < packet.length; at += 244) writes.push(channel.write(packet.subarray(at, at + 244)));
    });
    expect(writes).toHaveLength(6);
    await Promise.all(writes);
    await until(() => packets.length === 4, 'three echo answers');
    expect(packets.slice(1).map((p) => [p.header.sequence, decode(p.body)])).toEqual(
      texts.map((text, i) => [10 + i, { r: text }]),
    );
    expect(device.stats.droppedReassembly).toBe(0);
    expect(device.stats.requests).toBe(4);
    await connection.disconnect();
  });

  it('the device dropping the link: listeners hear why, later writes reject', async () => {
    const device = smpDevice({ dropLinkAfterBytes: 300 });
    const { radio } = radioOver({ peripherals: [device] });
    const connection = await scanAndConnect(radio, 'c0de0001');
    const channel = await connection.openNotifyChannel(SMP_SERVICE_UUID, SMP_CHARACTERISTIC_UUID);
    const reasons: string[] = [];
    connection.onDisconnect((r) => reasons.push(r));
    const packet = encodeSmpRequest(echo('x'.repeat(400)), 1);
    for (let at = 0; at < packet.length; at += 244)
      void channel.write(packet.subarray(at, at + 244)).catch(() => undefined);
    await until(() => reasons.length > 0, 'the disconnect');
    expect(reasons).toEqual(['the link timed out (the device reset, lost power or went out of range)']);
    expect(connection.connected).toBe(false);
    await expect(channel.write(Buffer.alloc(8))).rejects.toThrow('the link is down: the link timed out');
    // A listener added after the fact still hears it, once.
    const late = await new Promise<string>((resolve) => connection.onDisconnect(resolve));
    expect(late).toBe(reasons[0]);
    await expect(connection.openNotifyChannel(SMP_SERVICE_UUID, SMP_CHARACTERISTIC_UUID)).rejects.toThrow(
      /link is down/,
    );
  });

  it('the peripheral vanishing (removePeripheral) mid-connection: link timeout', async () => {
    const { radio, bindings } = radioOver({ peripherals: [smpDevice()] });
    const connection = await scanAndConnect(radio, 'c0de0001');
    const channel = await connection.openNotifyChannel(SMP_SERVICE_UUID, SMP_CHARACTERISTIC_UUID);
    const reason = new Promise<string>((resolve) => connection.onDisconnect(resolve));
    bindings.removePeripheral('c0de0001');
    expect(await reason).toMatch(/^the link timed out/);
    await expect(channel.write(Buffer.alloc(8))).rejects.toThrow(/the link is down/);
  });

  it('the adapter turning off mid-connection: a phrase about the adapter, not an HCI code', async () => {
    const { radio, bindings } = radioOver({ peripherals: [smpDevice()] });
    const connection = await scanAndConnect(radio, 'c0de0001');
    await connection.openNotifyChannel(SMP_SERVICE_UUID, SMP_CHARACTERISTIC_UUID);
    const reason = new Promise<string>((resolve) => connection.onDisconnect(resolve));
    bindings.setState('poweredOff');
    expect(await reason).toBe('the Bluetooth adapter was turned off or reset');
    expect(radio.status().state).toBe('unavailable');
  });

  it('OTA Bench closing the connection, then connecting again', async () => {
    const { radio } = radioOver({ peripherals: [smpDevice()] });
    const connection = await scanAndConnect(radio, 'c0de0001');
    const reason = new Promise<string>((resolve) => connection.onDisconnect(resolve));
    await connection.disconnect();
    expect(await reason).toBe('OTA Bench closed the connection');
    expect(connection.connected).toBe(false);
    const again = await radio.connect('c0de0001', { timeoutMs: 1000 });
    expect(again.connected).toBe(true);
    // noble keeps peripheral.mtu from the last connection until the new exchange completes.
    expect(again.attMtu).toBe(247);
    const channel = await again.openNotifyChannel(SMP_SERVICE_UUID, SMP_CHARACTERISTIC_UUID);
    const packets = collect(channel.onNotification);
    await channel.write(encodeSmpRequest(echo('again'), 3));
    await until(() => packets.length === 1, 'an echo on the second connection');
    expect(decode(packets[0]!.body)).toEqual({ r: 'again' });
    await again.disconnect();
  });
});
