// The development setting's simulated radio (test/sim/ble/sim-radio.ts): presets, scenario files and their
// errors, what a scan through the real noble sees, state kept in stateDir across radios, crashing versions.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode, encode } from 'cborg';
import type { Characteristic, Noble as NobleClass, Peripheral } from '@stoprocent/noble';
import { afterEach, describe, expect, it } from 'vitest';
import { createRadio } from '../../../electron/engine/ble/radio-setting.ts';
import type { Advertisement } from '../../../electron/engine/ble/ble-radio.ts';
import { buildMcubootImage, parseMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import {
  ESP_OTA_COMMAND_UUID,
  ESP_OTA_PROGRESS_UUID,
  ESP_OTA_RECV_FW_UUID,
  ESP_OTA_SERVICE_UUID,
  EspOtaPeripheral,
  MOS_RPC_DATA_UUID,
  MOS_RPC_RX_CTL_UUID,
  MOS_RPC_SERVICE_UUID,
  MOS_RPC_TX_CTL_UUID,
} from '../../sim/ble/other-peripherals.ts';
import { MongooseBlePeripheral } from '../../sim/ble/mongoose-ble-peripheral.ts';
import {
  PRESETS,
  buildSimulatedRadio,
  createSimulatedNoble,
  initialImageFor,
  loadScenario,
  parseScenario,
  stateFileOf,
  type SimScenario,
} from '../../sim/ble/sim-radio.ts';
import { SMP_CHARACTERISTIC_UUID, SMP_SERVICE_UUID, SmpPeripheral } from '../../sim/ble/smp-peripheral.ts';
import { until } from '../support/until.ts';

const u = (uuid: string) => uuid.replace(/-/g, '').toLowerCase();
const SVC = u(SMP_SERVICE_UUID);
const CHR = u(SMP_CHARACTERISTIC_UUID);
const ROOT = join(import.meta.dirname, '../../..');

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sim-radio-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Scans until `count` devices have been seen (all of a scenario), then stops. */
async function scanAll(noble: NobleClass, count: number): Promise<Map<string, Peripheral>> {
  await noble.waitForPoweredOnAsync(2000);
  const seen = new Map<string, Peripheral>();
  const onDiscover = (p: Peripheral) => seen.set(p.id, p);
  noble.on('discover', onDiscover);
  await noble.startScanningAsync([], true);
  await until(() => seen.size >= count, `${count} devices in the scan`);
  await noble.stopScanningAsync();
  noble.removeListener('discover', onDiscover);
  return seen;
}

/** One SMP request over the simulated link (fragments at MTU − 3, answer reassembled from notifications). */
async function smpRequest(
  chr: Characteristic,
  mtu: number,
  op: number,
  group: number,
  id: number,
  map: Record<string, unknown>,
) {
  const body = Buffer.from(encode(map));
  const hdr = Buffer.alloc(8);
  hdr[0] = (1 << 3) | op;
  hdr.writeUInt16BE(body.length, 2);
  hdr.writeUInt16BE(group, 4);
  hdr[7] = id;
  const packet = Buffer.concat([hdr, body]);
  let rx = Buffer.alloc(0);
  const answer = new Promise<Record<string, unknown>>((resolve) => {
    const onData = (data: Buffer) => {
      rx = Buffer.concat([rx, data]);
      if (rx.length >= 8 && rx.length >= 8 + rx.readUInt16BE(2)) {
        chr.removeListener('data', onData);
        resolve(decode(rx.subarray(8, 8 + rx.readUInt16BE(2))) as Record<string, unknown>);
      }
    };
    chr.on('data', onData);
  });
  for (let at = 0; at < packet.length; at += mtu - 3) await chr.writeAsync(packet.subarray(at, at + mtu - 3), true);
  return answer;
}

async function openSmp(noble: NobleClass, id: string) {
  const seen = await scanAll(noble, 1);
  const p = seen.get(id)!;
  const mtuExchanged = new Promise((resolve) => p.once('mtu', resolve)); // it follows 'connect'
  await p.connectAsync();
  await mtuExchanged;
  const { characteristics } = await p.discoverSomeServicesAndCharacteristicsAsync([SVC], [CHR]);
  const chr = characteristics[0]!;
  await chr.subscribeAsync();
  return { p, chr, mtu: p.mtu ?? 23 };
}

function smallScenario(extra: Partial<SimScenario> = {}): SimScenario {
  return {
    timeScale: 0.05,
    devices: [
      { kind: 'smp', id: 'c0de00000009', name: 'smp-state', version: '1.0.0', bufSize: 1024, swapMs: 200, bootMs: 50 },
    ],
    ...extra,
  };
}

describe('scenarios', () => {
  it('the presets load with the five bench devices; e2e is fast and keeps no state, bench keeps it in the temp directory', () => {
    const bench = loadScenario('bench');
    const e2e = loadScenario('e2e');
    const names = (s: typeof bench) => s.devices.map((d) => `${d.kind}:${d.id}:${d.name}`);
    expect(names(bench)).toEqual([
      'smp:c0de00000001:smp-sensor',
      'smp:c0de00000002:smp-legacy',
      'smp:c0de00000003:smp-crashy',
      'mongoose-rpc:c0de00000004:mos-ble-lamp',
      'esp-ota:c0de00000005:esp-ble-ota-demo',
    ]);
    expect(names(e2e)).toEqual(names(bench));
    expect(bench.timeScale).toBe(1);
    expect(bench.link).toEqual({ phy: 2, llPayload: 251, connIntervalMs: 15 });
    expect(bench.stateDir).toBe(join(tmpdir(), 'ota-bench-sim', 'bench'));
    expect(e2e.timeScale).toBeLessThanOrEqual(0.05);
    expect(e2e.stateDir).toBeUndefined();
    expect(bench.devices[0]).toMatchObject({ version: '1.0.0', bufSize: 2475, bufCount: 4, maxMtu: 247 });
    expect(bench.devices[1]).toMatchObject({ version: '0.9.0', legacy: true });
    expect(bench.devices[2]).toMatchObject({ crashingVersions: ['9.9.9'] });
    expect(Object.keys(PRESETS).sort()).toEqual(['bench', 'e2e']);
  });

  it('loads a scenario file relative to the root; a relative stateDir is relative to the file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'one.json'), JSON.stringify(smallScenario({ stateDir: 'state' })));
    const scenario = loadScenario('one.json', dir);
    expect(scenario.devices).toHaveLength(1);
    expect(scenario.stateDir).toBe(join(dir, 'state'));
  });

  it('a bad scenario gives one sentence naming the field', () => {
    const bad = (value: unknown) => () => parseScenario(value, 'x.json');
    expect(bad({ devices: [{ kind: 'smp', id: 'c0de', name: 'a', version: '1.0' }] })).toThrow(
      'The BLE scenario x.json is not valid: devices[0].version must be a version like 1.2.3.',
    );
    expect(bad({ devices: [{ kind: 'smp', id: 'C0:DE', name: 'a', version: '1.0.0' }] })).toThrow(
      /devices\[0\]\.id must be 1 to 32 lowercase hex digits/,
    );
    expect(bad({ devices: [{ kind: 'esp-ota', id: 'c0de', name: 'a', verison: 1 }] })).toThrow(
      'devices[0] has an unknown field "verison".',
    );
    expect(bad({ devices: [{ kind: 'nordic-dfu', id: 'c0de', name: 'a' }] })).toThrow(
      'devices[0].kind must be "smp", "mongoose-rpc" or "esp-ota".',
    );
    expect(bad({ link: { phy: 2, llPayload: 251, connIntervalMs: 5 }, devices: [] })).toThrow(
      'link.connIntervalMs must be ≥ 7.5.',
    );
    expect(
      bad({
        devices: [
          { kind: 'esp-ota', id: 'c0de', name: 'a' },
          { kind: 'smp', id: 'c0de', name: 'b', version: '1.0.0' },
        ],
      }),
    ).toThrow(/devices\[1\]\.id repeats another device's id/);
    expect(bad({})).toThrow('devices is missing.');
    expect(() => buildSimulatedRadio({ timeScale: 0, devices: [] })).toThrow('timeScale must be ≥ 0.001.');
    // 1e308 turned every timer into "never" (or, past 2^31 ms, into Node's 1 ms).
    expect(() => buildSimulatedRadio({ timeScale: 1e308, devices: [] })).toThrow('timeScale must be ≤ 100.');

    const dir = tempDir();
    writeFileSync(join(dir, 'broken.json'), '{ "devices": [');
    expect(() => loadScenario('broken.json', dir)).toThrow(/^The BLE scenario .*broken\.json is not valid JSON/);
    expect(() => loadScenario('missing.json', dir)).toThrow(
      /"missing\.json" is neither a preset \(bench, e2e\) nor a file/,
    );
  });
});

describe('the simulated radio through the real noble', () => {
  it('a scan sees all five devices with their names, advertised services and RSSI', async () => {
    const { noble, bindings } = buildSimulatedRadio(loadScenario('e2e'));
    const seen = await scanAll(noble, 5);
    const view = [...seen.values()].map((p) => ({
      id: p.id,
      name: p.advertisement.localName,
      services: p.advertisement.serviceUuids,
      connectable: p.connectable,
    }));
    expect(view.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'c0de00000001', name: 'smp-sensor', services: [SVC], connectable: true },
      { id: 'c0de00000002', name: 'smp-legacy', services: [SVC], connectable: true },
      { id: 'c0de00000003', name: 'smp-crashy', services: [SVC], connectable: true },
      { id: 'c0de00000004', name: 'mos-ble-lamp', services: [u(MOS_RPC_SERVICE_UUID)], connectable: true },
      { id: 'c0de00000005', name: 'esp-ble-ota-demo', services: [ESP_OTA_SERVICE_UUID], connectable: true },
    ]);
    expect(seen.get('c0de00000001')!.rssi).toBe(-52);
    expect(seen.get('c0de00000004')!.address).toBe('c0:de:00:00:00:04');
    bindings.stop();
  });

  it('the Mongoose OS RPC and Espressif OTA devices accept a connection and expose their GATT', async () => {
    const { noble, peripherals } = buildSimulatedRadio(loadScenario('e2e'));
    const seen = await scanAll(noble, 5);

    const mos = seen.get('c0de00000004')!;
    await mos.connectAsync();
    const mosGatt = await mos.discoverSomeServicesAndCharacteristicsAsync([u(MOS_RPC_SERVICE_UUID)], []);
    expect(Object.fromEntries(mosGatt.characteristics.map((c) => [c.uuid, c.properties]))).toEqual({
      [u(MOS_RPC_DATA_UUID)]: ['read', 'write'],
      [u(MOS_RPC_TX_CTL_UUID)]: ['write'],
      [u(MOS_RPC_RX_CTL_UUID)]: ['read', 'notify', 'indicate'],
    });
    const txCtl = mosGatt.characteristics.find((c) => c.uuid === u(MOS_RPC_TX_CTL_UUID))!;
    await txCtl.writeAsync(Buffer.from([0, 0, 0, 2]), false);
    await expect(txCtl.writeAsync(Buffer.from([0]), true)).rejects.toThrow(/not permitted/);
    // Three bytes into an announced two-byte frame: the firmware answers ATT "invalid offset".
    const data = mosGatt.characteristics.find((c) => c.uuid === u(MOS_RPC_DATA_UUID))!;
    await expect(data.writeAsync(Buffer.from('{}x'), false)).rejects.toThrow(/0x7/);
    expect(peripherals[3]).toBeInstanceOf(MongooseBlePeripheral);
    await mos.disconnectAsync();

    const esp = seen.get('c0de00000005')!;
    await esp.connectAsync();
    const espGatt = await esp.discoverSomeServicesAndCharacteristicsAsync([ESP_OTA_SERVICE_UUID], []);
    const inOut = ['write', 'writeWithoutResponse', 'notify', 'indicate'];
    expect(Object.fromEntries(espGatt.characteristics.map((c) => [c.uuid, c.properties]))).toEqual({
      [ESP_OTA_RECV_FW_UUID]: inOut,
      [ESP_OTA_PROGRESS_UUID]: ['read', 'notify'],
      [ESP_OTA_COMMAND_UUID]: inOut,
      '8023': inOut,
    });
    const command = espGatt.characteristics.find((c) => c.uuid === ESP_OTA_COMMAND_UUID)!;
    await command.subscribeAsync();
    await command.writeAsync(Buffer.alloc(20), true);
    expect(peripherals[4]).toBeInstanceOf(EspOtaPeripheral);
    await esp.disconnectAsync();
  });

  it('OTA_BENCH_BLE=sim:e2e: the engine loads this module and its radio reports the devices', async () => {
    const radio = createRadio({ kind: 'sim', scenario: 'e2e' }, ROOT)!;
    const names = new Set<string | null>();
    radio.on('advertisement', (a: Advertisement) => names.add(a.localName));
    await radio.startScanning([]);
    await until(() => names.size >= 5, 'five devices advertising');
    await radio.close();
    expect([...names].sort()).toEqual(['esp-ble-ota-demo', 'mos-ble-lamp', 'smp-crashy', 'smp-legacy', 'smp-sensor']);
    expect(radio.status().state).toBe('scanning');
  });

  it('createSimulatedNoble takes a scenario file path', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'one.json'), JSON.stringify(smallScenario()));
    const noble = await createSimulatedNoble('one.json', dir);
    const seen = await scanAll(noble, 1);
    expect([...seen.keys()]).toEqual(['c0de00000009']);
    noble.stop();
  });
});

describe('stateDir', () => {
  it('a state write and an interrupted upload survive into a new radio built from the same stateDir', async () => {
    const stateDir = tempDir();
    const first = buildSimulatedRadio(smallScenario({ stateDir }));
    const device = first.smp.get('c0de00000009')!;
    // Put a 2.0.0 image in slot 1 (as a finished upload would) and mark it for test over SMP.
    const v2 = buildMcubootImage({ version: { major: 2, minor: 0, revision: 0 }, payloadSize: 3000 });
    device.restore({ ...device.snapshot(), slots: [device.snapshot().slots[0], v2] });
    const { p, chr, mtu } = await openSmp(first.noble, device.id);
    const tested = await smpRequest(chr, mtu, 2, 1, 0, {
      hash: new Uint8Array(parseMcubootImage(v2)!.hash),
      confirm: false,
    });
    expect((tested.images as { pending: boolean }[])[1]!.pending).toBe(true);
    await p.disconnectAsync();
    const saved = JSON.parse(readFileSync(stateFileOf(stateDir, device.id), 'utf8')) as { pendingSwap: string };
    expect(saved.pendingSwap).toBe('test');

    const second = buildSimulatedRadio(smallScenario({ stateDir }));
    const again = second.smp.get('c0de00000009')!;
    expect(again.pendingSwap).toBe('test');
    expect(again.slots[1]?.info.version).toBe('2.0.0');
    expect(again.activeVersion).toBe('1.0.0');
    // It boots the tested image after a reset, in this radio, and a third radio sees it running unconfirmed.
    again.reboot();
    await until(() => again.log.at(-1)?.what.startsWith('booted'), 'the reboot');
    expect(again.activeVersion).toBe('2.0.0');
    const third = buildSimulatedRadio(smallScenario({ stateDir }));
    expect(third.smp.get('c0de00000009')!.imageList()).toMatchObject({
      images: [
        { slot: 0, version: '2.0.0', confirmed: false },
        { slot: 1, version: '1.0.0', confirmed: true },
      ],
    });
  });

  it('an upload session is kept when the central leaves, so the next process resumes it', async () => {
    const stateDir = tempDir();
    const first = buildSimulatedRadio(smallScenario({ stateDir }));
    const image = buildMcubootImage({ version: { major: 3, minor: 0, revision: 0 }, payloadSize: 6000 });
    const { p, chr, mtu } = await openSmp(first.noble, 'c0de00000009');
    const sha = new Uint8Array(createHash('sha256').update(image).digest());
    const answer = await smpRequest(chr, mtu, 2, 1, 1, {
      image: 0,
      len: image.length,
      off: 0,
      sha,
      data: new Uint8Array(image.subarray(0, 900)),
    });
    expect(answer).toEqual({ off: 900 });
    await p.disconnectAsync();

    const second = buildSimulatedRadio(smallScenario({ stateDir }));
    const next = await openSmp(second.noble, 'c0de00000009');
    const resumed = await smpRequest(next.chr, next.mtu, 2, 1, 1, {
      image: 0,
      len: image.length,
      off: 0,
      sha,
      data: new Uint8Array(image.subarray(0, 900)),
    });
    expect(resumed).toEqual({ off: 900 });
    expect(second.smp.get('c0de00000009')!.upload!.data.subarray(0, 900)).toEqual(image.subarray(0, 900));
  });

  it('without saved state the device starts from its deterministic initial image; a damaged state file is an error', () => {
    const stateDir = tempDir();
    const a = buildSimulatedRadio(smallScenario({ stateDir })).smp.get('c0de00000009')!;
    const b = buildSimulatedRadio(smallScenario()).smp.get('c0de00000009')!;
    expect(a.slots[0].bytes).toEqual(b.slots[0].bytes);
    expect(a.slots[0].bytes).toEqual(initialImageFor({ id: 'c0de00000009', name: 'smp-state', version: '1.0.0' }));
    expect(initialImageFor({ id: 'c0de00000008', name: 'smp-state', version: '1.0.0' })).not.toEqual(a.slots[0].bytes);

    writeFileSync(stateFileOf(stateDir, 'c0de00000009'), '{"format":"ota-bench-sim-smp/1"}');
    expect(() => buildSimulatedRadio(smallScenario({ stateDir }))).toThrow(
      /^The simulated device state .*c0de00000009\.json cannot be read \(id: .*\); delete it to start the device afresh\.$/,
    );
  });

  it('a stateDir that is a file is an error that says so (it was an uncaught EEXIST at the first save)', () => {
    const file = join(tempDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    expect(() => buildSimulatedRadio(smallScenario({ stateDir: file }))).toThrow(
      /keeps state in .*not-a-folder, but that is a file, not a folder/,
    );
  });

  it('a state save that fails later is reported once on stderr, and the device keeps running', () => {
    const stateDir = tempDir();
    const radio = buildSimulatedRadio(smallScenario({ stateDir }));
    rmSync(stateDir, { recursive: true });
    writeFileSync(stateDir, 'now a file');
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((text: string) => written.push(String(text)) > 0) as typeof process.stderr.write;
    try {
      expect(() => radio.save()).not.toThrow();
      radio.save();
    } finally {
      process.stderr.write = write;
      rmSync(stateDir, { force: true });
    }
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^Simulated BLE: cannot save device state to .*c0de00000009\.json/);
  });
});

describe('crashingVersions', () => {
  it('an image with a crashing version is swapped in, crashes at boot and MCUboot reverts; other versions boot', async () => {
    const radio = buildSimulatedRadio({
      timeScale: 0.05,
      devices: [
        {
          kind: 'smp',
          id: 'c0de00000003',
          name: 'smp-crashy',
          version: '1.0.0',
          crashingVersions: ['9.9.9'],
          swapMs: 200,
          bootMs: 50,
        },
      ],
    });
    const device = radio.smp.get('c0de00000003')!;
    expect(device).toBeInstanceOf(SmpPeripheral);
    const testImage = (major: number, minor: number, revision: number) => {
      const image = buildMcubootImage({ version: { major, minor, revision }, payloadSize: 2000 });
      device.restore({ ...device.snapshot(), slots: [device.snapshot().slots[0], image], pendingSwap: 'test' });
      device.reboot();
    };
    const booted = () => device.log.at(-1)?.what.startsWith('booted');
    testImage(9, 9, 9);
    await until(() => device.stats.reverts === 1 && booted(), 'the crash, the revert and the boot');
    expect(device.activeVersion).toBe('1.0.0');
    expect(device.stats).toMatchObject({ swaps: 1, reverts: 1 });
    expect(device.log.map((l) => l.what)).toContain('9.9.9 crashed at boot');
    expect(device.imageList()).toMatchObject({
      images: [
        { version: '1.0.0', confirmed: true },
        { version: '9.9.9', pending: false },
      ],
    });

    testImage(2, 0, 0);
    await until(() => device.stats.swaps === 2 && booted(), 'the swap and the boot');
    expect(device.activeVersion).toBe('2.0.0');
    expect(device.revertOnNextBoot).toBe(true);
  });
});
