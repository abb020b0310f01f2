import { describe, expect, it } from 'vitest';
import {
  applicableFilter,
  groupDevices,
  hasBothTransports,
  isFiltering,
  matchesText,
  NO_FILTER,
  transportCounts,
} from '../../../renderer/src/features/devices/device-filter.ts';
import { aDevice } from './support/builders.ts';

const lanA = aDevice({
  id: 'id:a',
  name: 'kitchen-sensor',
  address: '192.168.1.41',
  hostname: 'mOS-esp32-1A2B3C.local',
  firmwareVersion: '2.20.0-20240101-abcdef',
});
const lanB = aDevice({
  id: 'addr:192.168.1.50:80',
  name: 'garage-door',
  address: '192.168.1.50',
  protocol: 'arduino-esp8266',
  firmwareVersion: null,
});
const bleA = aDevice({
  id: 'ble:c0de00000001',
  transport: 'ble',
  name: 'smp-sensor',
  address: 'C0:DE:00:00:00:01',
  protocol: 'mcumgr-smp',
  firmwareVersion: '1.0.0',
});
const bleB = aDevice({
  id: 'ble:c0de00000004',
  transport: 'ble',
  name: 'mos-ble-lamp',
  address: 'C0:DE:00:00:00:04',
  protocol: 'mongoose-os-ble',
  pushSupported: false,
});
const all = [lanA, bleA, lanB, bleB];

describe('groupDevices', () => {
  it('makes a LAN and a BLE section, LAN first, keeping the list order inside each', () => {
    const groups = groupDevices(all, NO_FILTER);
    expect(groups.map((group) => [group.transport, group.devices.map((device) => device.name), group.total])).toEqual([
      ['lan', ['kitchen-sensor', 'garage-door'], 2],
      ['ble', ['smp-sensor', 'mos-ble-lamp'], 2],
    ]);
  });

  it('has no section for a transport with no devices, or one filtered away', () => {
    expect(groupDevices([lanA, lanB], NO_FILTER).map((group) => group.transport)).toEqual(['lan']);
    expect(groupDevices(all, { transport: 'ble', text: '' }).map((group) => group.transport)).toEqual(['ble']);
  });

  it('keeps a section whose devices all fail the text, empty, with its total', () => {
    const groups = groupDevices(all, { transport: 'all', text: 'smp' });
    expect(groups.map((group) => [group.transport, group.devices.length, group.total])).toEqual([
      ['lan', 0, 2],
      ['ble', 1, 2],
    ]);
  });
});

describe('matchesText', () => {
  it('finds by name, address, host name, protocol, version and transport, ignoring case', () => {
    expect(matchesText(lanA, 'KITCHEN')).toBe(true);
    expect(matchesText(lanA, '192.168.1.41')).toBe(true);
    expect(matchesText(lanA, '1a2b3c.local')).toBe(true);
    expect(matchesText(lanA, 'mongoose')).toBe(true);
    expect(matchesText(lanA, '20240101')).toBe(true);
    expect(matchesText(bleA, 'c0:de:00:00:00:01')).toBe(true);
    expect(matchesText(bleA, 'ble')).toBe(true);
    expect(matchesText(lanB, 'ble')).toBe(false);
  });

  it('needs every word to match somewhere; blank text matches everything', () => {
    expect(matchesText(lanA, 'mongoose 2.20')).toBe(true);
    expect(matchesText(lanA, 'mongoose garage')).toBe(false);
    expect(matchesText(lanB, '   ')).toBe(true);
  });
});

describe('isFiltering / transportCounts', () => {
  it('says when anything is hidden by the filter', () => {
    expect(isFiltering(NO_FILTER)).toBe(false);
    expect(isFiltering({ transport: 'all', text: '  ' })).toBe(false);
    expect(isFiltering({ transport: 'lan', text: '' })).toBe(true);
    expect(isFiltering({ transport: 'all', text: 'x' })).toBe(true);
  });

  it('counts devices per transport', () => {
    expect(transportCounts(all)).toEqual({ lan: 2, ble: 2, serial: 0 });
    expect(transportCounts([])).toEqual({ lan: 0, ble: 0, serial: 0 });
  });
});

describe('applicableFilter', () => {
  const bleOnly = { transport: 'ble' as const, text: 'sensor' };

  it('applies the whole filter to a list with both transports', () => {
    expect(hasBothTransports(all)).toBe(true);
    expect(applicableFilter(all, bleOnly)).toEqual(bleOnly);
  });

  it('drops the transport choice once one transport is gone (its buttons are not shown), keeping the text', () => {
    expect(hasBothTransports([lanA, lanB])).toBe(false);
    expect(applicableFilter([lanA, lanB], bleOnly)).toEqual({ transport: 'all', text: 'sensor' });
  });

  it('applies nothing below two devices (no filter is shown)', () => {
    expect(applicableFilter([bleA], bleOnly)).toEqual(NO_FILTER);
  });
});
