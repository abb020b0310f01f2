// The BLE device table alone: hand-made advertisements, an injected clock.
import { describe, expect, it } from 'vitest';
import type { Advertisement } from '../../../electron/engine/ble/ble-radio.ts';
import {
  BLE_UPDATE_SERVICES,
  BleDeviceTable,
  FORGET_AFTER_MS,
  LAST_SEEN_ANNOUNCE_MS,
  MAX_BLE_DEVICES,
  OFFLINE_AFTER_MS,
} from '../../../electron/engine/discovery/ble-devices.ts';

const SMP = '8d53dc1d1db74cd3868b8a527460aa84';
const MOS = '5f6d4f535f5250435f5356435f49445f';
const ESP = '8018';

function ad(over: Partial<Advertisement> = {}): Advertisement {
  return {
    peripheralId: 'c0de00000001',
    address: 'c0:de:00:00:00:01',
    addressType: 'random',
    localName: 'smp-svr',
    serviceUuids: [SMP],
    manufacturerData: null,
    rssi: -55,
    connectable: true,
    at: 0,
    ...over,
  };
}

function setup() {
  const clock = { t: 1_000_000 };
  const table = new BleDeviceTable(() => clock.t);
  let changes = 0;
  table.on('changed', () => changes++);
  return { clock, table, changes: () => changes };
}

describe('BLE_UPDATE_SERVICES', () => {
  it('lists the three services in priority order, in noble spelling', () => {
    expect(BLE_UPDATE_SERVICES.map((s) => [s.uuid, s.protocol, s.label])).toEqual([
      [SMP, 'mcumgr-smp', 'MCUmgr SMP'],
      [MOS, 'mongoose-os-ble', 'Mongoose OS RPC'],
      [ESP, 'esp-ble-ota', 'Espressif BLE OTA'],
    ]);
  });
});

describe('BleDeviceTable', () => {
  it('shows an SMP peripheral as a pushable BLE device', () => {
    const { table, changes, clock } = setup();
    table.observe(ad({ manufacturerData: Buffer.from([0x59, 0x00, 0x01, 0x02]) }));
    expect(changes()).toBe(1);
    expect(table.list()).toEqual([
      {
        id: 'ble:c0de00000001',
        transport: 'ble',
        name: 'smp-svr',
        hostname: null,
        address: 'c0:de:00:00:00:01',
        port: 0,
        protocol: 'mcumgr-smp',
        protocolEvidence: 'service-type',
        pushSupported: true,
        firmwareVersion: null,
        firmwareId: null,
        app: null,
        arch: null,
        mac: null,
        services: ['MCUmgr SMP'],
        rssi: -55,
        online: true,
        lastSeen: clock.t,
        authRequired: false,
        txt: { manufacturer: '0059' },
      },
    ]);
    expect(table.peripheralIdOf('ble:c0de00000001')).toBe('c0de00000001');
    expect(table.get('ble:c0de00000001')?.name).toBe('smp-svr');
    expect(table.get('ble:nope')).toBeNull();
    expect(table.peripheralIdOf('ble:nope')).toBeNull();
  });

  it('recognises Mongoose OS RPC and Espressif BLE OTA, which are not pushable yet', () => {
    const { table } = setup();
    table.observe(
      ad({
        peripheralId: 'aa01',
        address: 'aa:00:00:00:00:01',
        localName: 'mos',
        serviceUuids: ['5F6D4F53-5F52-5043-5F53-56435F49445F'],
      }),
    );
    table.observe(
      ad({ peripheralId: 'aa02', address: 'aa:00:00:00:00:02', localName: 'esp', serviceUuids: ['180a', ESP] }),
    );
    table.observe(
      ad({
        peripheralId: 'aa03',
        address: 'aa:00:00:00:00:03',
        localName: 'esp128',
        serviceUuids: ['00008018-0000-1000-8000-00805F9B34FB'],
      }),
    );
    const byId = Object.fromEntries(table.list().map((d) => [d.id, d]));
    expect(byId['ble:aa01']).toMatchObject({
      protocol: 'mongoose-os-ble',
      services: ['Mongoose OS RPC'],
      pushSupported: true,
    });
    expect(byId['ble:aa02']).toMatchObject({
      protocol: 'esp-ble-ota',
      services: ['Espressif BLE OTA'],
      pushSupported: true,
    });
    expect(byId['ble:aa03']).toMatchObject({ protocol: 'esp-ble-ota', services: ['Espressif BLE OTA'] });
  });

  it('picks SMP over Mongoose over Espressif and lists every update service', () => {
    const { table } = setup();
    table.observe(ad({ serviceUuids: [ESP, MOS, SMP] }));
    table.observe(ad({ peripheralId: 'bb', serviceUuids: [ESP, MOS] }));
    expect(table.get('ble:c0de00000001')).toMatchObject({
      protocol: 'mcumgr-smp',
      services: ['MCUmgr SMP', 'Mongoose OS RPC', 'Espressif BLE OTA'],
    });
    expect(table.get('ble:bb')).toMatchObject({
      protocol: 'mongoose-os-ble',
      services: ['Mongoose OS RPC', 'Espressif BLE OTA'],
    });
  });

  it('ignores peripherals without an update service, unless already known', () => {
    const { table, changes } = setup();
    table.observe(ad({ peripheralId: 'dd', serviceUuids: ['180f', 'fe59'] }));
    table.observe(ad({ peripheralId: 'de', serviceUuids: [] }));
    expect(table.list()).toEqual([]);
    expect(changes()).toBe(0);
    table.observe(ad());
    // The advertisement without the SMP UUID (noble merges a scan response in) keeps the protocol.
    table.observe(ad({ serviceUuids: [], localName: 'renamed' }));
    expect(table.get('ble:c0de00000001')).toMatchObject({
      name: 'renamed',
      protocol: 'mcumgr-smp',
      services: ['MCUmgr SMP'],
    });
    expect(changes()).toBe(2);
  });

  it('rejects peripheral ids that are not hex', () => {
    const { table } = setup();
    for (const peripheralId of [
      '',
      'c0:de:00:00:00:01',
      'zz',
      '../etc',
      'a'.repeat(65),
      42 as unknown as string,
      null as unknown as string,
    ]) {
      table.observe(ad({ peripheralId }));
    }
    expect(table.list()).toEqual([]);
    table.observe(ad({ peripheralId: 'ABCDEF' }));
    expect(table.list().map((d) => d.id)).toEqual(['ble:abcdef']);
    expect(table.peripheralIdOf('ble:abcdef')).toBe('ABCDEF');
  });

  it('cleans hostile names and survives hostile fields', () => {
    const { table } = setup();
    table.observe(ad({ peripheralId: '01', localName: 'evil\u0000\u001b[31m\u202eboard\u200b\n' }));
    table.observe(ad({ peripheralId: '02', localName: 'x'.repeat(10_000) }));
    table.observe(ad({ peripheralId: '03', localName: 42 as unknown as string }));
    table.observe(ad({ peripheralId: '04', localName: Object.create(null) as string }));
    table.observe(ad({ peripheralId: '05', localName: '\u0000\u0001\u200b  ' }));
    table.observe(ad({ peripheralId: '06', localName: `${'a'.repeat(62)}😀😀`, address: 'not-a-mac' }));
    table.observe(
      ad({
        peripheralId: '07',
        rssi: Number.NaN,
        serviceUuids: [SMP, 17 as unknown as string, null as unknown as string, 'zz-top', '0x', '-'.repeat(10_000)],
      }),
    );
    table.observe(ad({ peripheralId: '08', serviceUuids: 'nope' as unknown as string[] }));
    table.observe(ad({ peripheralId: '09', manufacturerData: 'ff' as unknown as Buffer, rssi: Infinity }));
    table.observe(null as unknown as Advertisement);
    const byId = Object.fromEntries(table.list().map((d) => [d.id, d]));
    expect(byId['ble:01']!.name).toBe('evil [31m board');
    expect(byId['ble:02']!.name).toBe(`${'x'.repeat(63)}…`);
    expect(byId['ble:03']!.name).toBe('BLE device c0:de:00:00:00:01');
    expect(byId['ble:04']!.name).toBe('BLE device c0:de:00:00:00:01');
    expect(byId['ble:05']!.name).toBe('BLE device c0:de:00:00:00:01');
    // No half of a surrogate pair where the length limit cut.
    expect(byId['ble:06']!.name).toBe(`${'a'.repeat(62)}…`);
    expect(byId['ble:06']!.address).toBeNull();
    expect(byId['ble:07']).toMatchObject({ rssi: null, protocol: 'mcumgr-smp' });
    expect(byId['ble:08']).toBeUndefined();
    expect(byId['ble:09']).toMatchObject({ rssi: null, txt: {} });
    for (const d of table.list()) {
      expect(d.name).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/);
      expect(d.name.length).toBeLessThanOrEqual(64);
    }
  });

  it('names a device without a name by its address, or by its id when the address is hidden', () => {
    const { table } = setup();
    table.observe(ad({ localName: null }));
    table.observe(ad({ peripheralId: 'a1b2c3d4e5f6', address: '', localName: '' }));
    table.observe(ad({ peripheralId: '0123456789abcdef0123456789abcdef', address: '', localName: null }));
    expect(table.list().map((d) => [d.name, d.address])).toEqual([
      ['BLE device c0:de:00:00:00:01', 'c0:de:00:00:00:01'],
      ['BLE device a1:b2:c3:d4:e5:f6', null],
      ['BLE device 0123456789ab…', null],
    ]);
  });

  it('lowercases addresses and keeps a name an advertisement without one does not carry', () => {
    const { table } = setup();
    table.observe(ad({ address: 'C0-DE-00-00-00-0A' }));
    table.observe(ad({ localName: null, address: '' }));
    expect(table.get('ble:c0de00000001')).toMatchObject({ name: 'smp-svr', address: 'c0:de:00:00:00:0a' });
  });

  it('clamps RSSI to −127…20 dBm as an integer', () => {
    const { table } = setup();
    table.observe(ad({ peripheralId: '01', rssi: -300 }));
    table.observe(ad({ peripheralId: '02', rssi: 50 }));
    table.observe(ad({ peripheralId: '03', rssi: -61.6 }));
    table.observe(ad({ peripheralId: '04', rssi: 127 }));
    expect(table.list().map((d) => d.rssi)).toEqual([-127, 20, -62, null]);
  });

  it('does not announce identical advertisements, but keeps RSSI and last seen current', () => {
    const { table, changes, clock } = setup();
    table.observe(ad());
    expect(changes()).toBe(1);
    for (let i = 0; i < 50; i++) {
      clock.t += 100;
      table.observe(ad({ rssi: i % 2 ? -55 : -57 }));
    }
    expect(changes()).toBe(1);
    expect(table.get('ble:c0de00000001')).toMatchObject({ rssi: -55, lastSeen: clock.t });
  });

  it('announces RSSI moving to another bucket, without flapping at the edge', () => {
    const { table, changes } = setup();
    table.observe(ad({ rssi: -59 }));
    table.observe(ad({ rssi: -61 })); // other bucket, but only 2 dB away
    table.observe(ad({ rssi: -60 }));
    table.observe(ad({ rssi: -59 }));
    expect(changes()).toBe(1);
    table.observe(ad({ rssi: -75 }));
    expect(changes()).toBe(2);
    expect(table.get('ble:c0de00000001')!.rssi).toBe(-75);
    table.observe(ad({ rssi: -79 })); // same bucket
    expect(changes()).toBe(2);
    table.observe(ad({ rssi: -45 }));
    expect(changes()).toBe(3);
  });

  it('announces name and service changes', () => {
    const { table, changes } = setup();
    table.observe(ad({ serviceUuids: [ESP] }));
    table.observe(ad({ serviceUuids: [ESP, SMP] }));
    expect(changes()).toBe(2);
    expect(table.get('ble:c0de00000001')!.protocol).toBe('mcumgr-smp');
    table.observe(ad({ serviceUuids: [ESP, SMP], localName: 'other' }));
    expect(changes()).toBe(3);
    table.observe(ad({ serviceUuids: [ESP, SMP], localName: 'other' }));
    expect(changes()).toBe(3);
  });

  it('announces the last seen of a device that keeps advertising every few seconds, so the list never shows it stale', () => {
    const { table, changes, clock } = setup();
    const shown: number[] = [];
    table.on('changed', () => shown.push(table.get('ble:c0de00000001')!.lastSeen));
    table.observe(ad());
    // Advertising ten times a second for a minute; the engine calls expire() every second.
    for (let ms = 100; ms <= 60_000; ms += 100) {
      clock.t += 100;
      table.observe(ad());
      if (ms % 1000 === 0) {
        table.expire();
        // What the list last announced is never more than LAST_SEEN_ANNOUNCE_MS + one tick old.
        expect(clock.t - shown.at(-1)!).toBeLessThanOrEqual(LAST_SEEN_ANNOUNCE_MS + 1000);
      }
    }
    expect(changes()).toBeGreaterThanOrEqual(15);
    expect(changes()).toBeLessThanOrEqual(21);
    expect(table.get('ble:c0de00000001')!.online).toBe(true);
  });

  it('marks silent devices offline, brings them back, and forgets them later', () => {
    const { table, changes, clock } = setup();
    table.observe(ad());
    table.observe(ad({ peripheralId: 'bb' }));
    clock.t += OFFLINE_AFTER_MS - 1;
    table.observe(ad({ peripheralId: 'bb' }));
    table.expire();
    expect(changes()).toBe(3); // bb's last seen moved on: announced
    expect(table.list().map((d) => d.online)).toEqual([true, true]);
    clock.t += 1;
    // list() is honest even before expire() runs.
    expect(table.get('ble:c0de00000001')!.online).toBe(false);
    table.expire();
    expect(changes()).toBe(4);
    table.expire();
    expect(changes()).toBe(4);
    expect(table.list().map((d) => [d.id, d.online])).toEqual([
      ['ble:c0de00000001', false],
      ['ble:bb', true],
    ]);
    table.observe(ad());
    expect(changes()).toBe(5);
    expect(table.get('ble:c0de00000001')!.online).toBe(true);
    // bb was last heard 1 ms before the other one.
    clock.t += FORGET_AFTER_MS - 2;
    table.expire();
    expect(changes()).toBe(6); // both offline now, both still listed
    expect(table.list().map((d) => [d.id, d.online])).toEqual([
      ['ble:c0de00000001', false],
      ['ble:bb', false],
    ]);
    clock.t += 1;
    table.expire();
    expect(changes()).toBe(7);
    expect(table.list().map((d) => d.id)).toEqual(['ble:c0de00000001']);
    expect(table.peripheralIdOf('ble:bb')).toBeNull();
    clock.t += 1;
    table.expire();
    expect(table.list()).toEqual([]);
    expect(changes()).toBe(8);
  });

  it('records the firmware a connected device runs', () => {
    const { table, changes, clock } = setup();
    table.observe(ad());
    clock.t += OFFLINE_AFTER_MS; // it stops advertising while connected
    table.recordFirmware('ble:c0de00000001', '1.2.3\u0000');
    expect(table.get('ble:c0de00000001')).toMatchObject({ firmwareVersion: '1.2.3', online: true, lastSeen: clock.t });
    expect(changes()).toBe(2);
    table.recordFirmware('ble:c0de00000001', '1.2.3');
    expect(changes()).toBe(2);
    table.recordFirmware('ble:c0de00000001', null);
    expect(table.get('ble:c0de00000001')!.firmwareVersion).toBeNull();
    expect(changes()).toBe(3);
    table.recordFirmware('ble:unknown', '9.9.9');
    expect(table.list()).toHaveLength(1);
  });

  it('caps the table, dropping the device heard least recently', () => {
    const { table, clock } = setup();
    for (let i = 0; i < MAX_BLE_DEVICES + 5; i++) {
      clock.t += 1;
      table.observe(ad({ peripheralId: i.toString(16).padStart(4, '0') }));
    }
    const ids = table.list().map((d) => d.id);
    expect(ids).toHaveLength(MAX_BLE_DEVICES);
    expect(ids).not.toContain('ble:0000');
    expect(ids).toContain(`ble:${(MAX_BLE_DEVICES + 4).toString(16).padStart(4, '0')}`);
  });
});
