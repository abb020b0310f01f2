import { describe, expect, it } from 'vitest';
import { bleStatusLabel, deviceEndpoint, pushLaterNote } from '../../../renderer/src/features/devices/transport.ts';
import { aDevice } from './support/builders.ts';

const ble = (over = {}) =>
  aDevice({
    id: 'ble:c8f1a2b3d4e5',
    transport: 'ble',
    address: 'C8:F1:A2:B3:D4:E5',
    port: 0,
    protocol: 'mcumgr-smp',
    rssi: -60,
    ...over,
  });

describe('deviceEndpoint', () => {
  it('gives host:port on the LAN and the bare Bluetooth address for BLE', () => {
    expect(deviceEndpoint(aDevice())).toBe('192.168.1.41:80');
    expect(deviceEndpoint(ble())).toBe('C8:F1:A2:B3:D4:E5');
  });

  it('falls back to the radio id where the OS hides the address (macOS)', () => {
    expect(deviceEndpoint(ble({ address: null }))).toBe('c8f1a2b3d4e5');
    expect(deviceEndpoint(ble({ address: '' }))).toBe('c8f1a2b3d4e5');
  });
});

describe('bleStatusLabel', () => {
  it('says each state in a few words; an unavailable radio quotes the engine', () => {
    expect(bleStatusLabel(undefined)).toBeNull();
    expect(bleStatusLabel({ state: 'scanning', message: '' })).toBe('Scanning BLE');
    expect(bleStatusLabel({ state: 'starting', message: '' })).toBe('Starting BLE…');
    expect(bleStatusLabel({ state: 'off', message: 'OTA_BENCH_BLE=off' })).toBe('BLE off');
    expect(bleStatusLabel({ state: 'unavailable', message: 'No Bluetooth adapter: hci0 not found' })).toBe(
      'BLE: No Bluetooth adapter: hci0 not found',
    );
    expect(bleStatusLabel({ state: 'unavailable', message: '' })).toBe('BLE unavailable');
  });
});

describe('pushLaterNote', () => {
  it('names the BLE service that is listed but not pushable yet', () => {
    expect(pushLaterNote(ble({ name: 'mos-ble-lamp', protocol: 'mongoose-os-ble', pushSupported: false }))).toBe(
      'mos-ble-lamp advertises Mongoose OS RPC over BLE. OTA Bench lists it now; pushing over that service comes in a later version.',
    );
  });

  it('says nothing for pushable devices and for unknown protocols', () => {
    expect(pushLaterNote(ble())).toBeNull();
    expect(pushLaterNote(aDevice({ protocol: 'unknown', pushSupported: false }))).toBeNull();
  });

  it('covers LAN protocols that come later too', () => {
    expect(pushLaterNote(aDevice({ name: 'lab-node', protocol: 'arduino-ota', pushSupported: false }))).toBe(
      'lab-node speaks ArduinoOTA (espota). Pushing over it comes in a later version of OTA Bench.',
    );
  });
});
