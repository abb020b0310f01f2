// DEVICE as a serial port or a UDP board on the command line (resolve-device.ts) against a fake engine:
// serial: and udp:// go straight to the engine (no discovery), --baud is appended to a serial: reference
// without one, a listed port named by its name is allowed with --baud/--flow and waited for until its
// probe ends; discover's --serial/--udp forms.
import { afterEach, describe, expect, it } from 'vitest';
import type { Device, SerialPortSettings } from '../../../shared/domain.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import { resolveDeviceRef, useSerialSettings } from '../../../electron/cli/resolve-device.ts';
import { namedRefs } from '../../../electron/cli/discover-named.ts';
import { serialPortLine, serialWhere } from '../../../electron/cli/messages.ts';

function serialDevice(probe: 'unprobed' | 'probing' | 'smp', allowed = false): Device {
  return {
    id: 'serial:usb:2fe3:0100:ABC',
    transport: 'serial',
    name: 'nRF52840 DK',
    hostname: null,
    address: '/dev/ttyACM0',
    port: 0,
    protocol: probe === 'smp' ? 'mcumgr-smp' : 'unknown',
    protocolEvidence: 'probe',
    pushSupported: probe === 'smp',
    firmwareVersion: null,
    firmwareId: null,
    app: null,
    arch: null,
    mac: null,
    services: [],
    rssi: null,
    online: true,
    lastSeen: 1,
    authRequired: false,
    txt: {},
    serial: {
      path: '/dev/ttyACM0',
      vendorId: '2fe3',
      productId: '0100',
      manufacturer: 'ZEPHYR',
      serialNumber: 'ABC',
      knownBoard: 'Zephyr CDC-ACM',
      baudRate: 115200,
      flowControl: 'none',
      allowed,
      probe,
      probeMessage: null,
    },
  };
}

function fakeEngine(listed: Device[]) {
  const resolved: string[] = [];
  const settings: SerialPortSettings[] = [];
  let rows = listed;
  const engine = {
    startDiscovery: async () => {},
    listDevices: () => rows,
    resolveDevice: async (ref: string) => {
      resolved.push(ref);
      return serialDevice('smp', true);
    },
    setSerialPort: async (change: SerialPortSettings) => {
      settings.push(change);
      const probing = { ...serialDevice('probing', true) };
      rows = [probing];
      // The probe answers a moment later.
      setTimeout(() => {
        rows = [serialDevice('smp', true)];
      }, 150);
      return probing;
    },
  } as unknown as OtaEngine;
  return { engine, resolved, settings };
}

afterEach(() => useSerialSettings({}));

describe('serial and UDP devices on the command line', () => {
  it('serial:PATH and udp://HOST go to the engine at once; --baud is added where no @BAUD was given', async () => {
    const { engine, resolved } = fakeEngine([]);
    useSerialSettings({ baudRate: 921600 });
    await resolveDeviceRef(engine, 'serial:/dev/pts/3', 5);
    await resolveDeviceRef(engine, 'serial:/dev/pts/3@9600', 5);
    await resolveDeviceRef(engine, 'udp://10.0.0.7', 5);
    expect(resolved).toEqual(['serial:/dev/pts/3@921600', 'serial:/dev/pts/3@9600', 'udp://10.0.0.7']);
  });

  it('a listed port named by its name is allowed with --baud/--flow and waited for until its probe ends', async () => {
    const { engine, settings } = fakeEngine([serialDevice('unprobed')]);
    useSerialSettings({ baudRate: 230400, flowControl: 'rts-cts' });
    const device = await resolveDeviceRef(engine, 'nRF52840 DK', 0.3);
    expect(settings).toEqual([
      { deviceId: 'serial:usb:2fe3:0100:ABC', allowed: true, baudRate: 230400, flowControl: 'rts-cts' },
    ]);
    expect(device).toMatchObject({ protocol: 'mcumgr-smp', serial: expect.objectContaining({ probe: 'smp' }) });
  });

  it('discover --serial PATH / --udp HOST[:PORT] take the bare forms and the prefixed ones', () => {
    expect(namedRefs(['/dev/ttyACM0', 'serial:COM5@9600'], ['10.0.0.7', 'udp://[fd00::7]:1400'])).toEqual([
      'serial:/dev/ttyACM0',
      'serial:COM5@9600',
      'udp://10.0.0.7',
      'udp://[fd00::7]:1400',
    ]);
  });

  it('says where a serial port is and what its probe found', () => {
    const device = serialDevice('smp', true);
    expect(serialWhere(device)).toBe('serial /dev/ttyACM0, 115200 baud');
    expect(serialPortLine(device)).toBe('    USB 2fe3:0100 (Zephyr CDC-ACM) serial ABC · probe: smp');
    expect(serialPortLine(serialDevice('unprobed'))).toMatch(/not probed: OTA Bench writes only to ports you name/);
  });
});
