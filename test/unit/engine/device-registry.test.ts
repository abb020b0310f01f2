import { describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../../../electron/engine/discovery/device-registry.ts';
import type { AddressCheck, AddressVerdict } from '../../../electron/engine/discovery/verify-address.ts';
import type { ServiceObservation } from '../../../electron/engine/discovery/mdns-browser.ts';

const mongoose = (over: Partial<ServiceObservation> = {}): ServiceObservation => ({
  fqdn: 'mos-esp32-a1b2c3._http._tcp.local',
  instance: 'mOS-esp32-A1B2C3',
  type: '_http._tcp',
  host: 'mos-esp32-a1b2c3.local',
  port: 80,
  addresses: ['10.0.0.20'],
  txt: { id: 'esp32_A1B2C3', arch: 'esp32', app: 'demo', fw_version: '1.0', fw_id: '20261101-aa' },
  ttlSeconds: 120,
  ...over,
});

/** A registry whose check of a new address (verify-address.ts) answers `verdict`, without sockets. */
function registry(verdict: AddressVerdict = { verdict: 'unverified', message: 'not verified' }) {
  let now = 1_000_000;
  const checks: AddressCheck[] = [];
  const reg = new DeviceRegistry(
    () => now,
    async (check) => {
      checks.push(check);
      return verdict;
    },
  );
  return { reg, checks, advance: (ms: number) => (now += ms) };
}

describe('DeviceRegistry', () => {
  it('identifies a Mongoose OS board from its TXT and keeps one device per TXT id', () => {
    const { reg } = registry();
    reg.observeService(mongoose());
    reg.observeService(
      mongoose({ fqdn: 'other-name._http._tcp.local', host: 'other.local', addresses: ['10.0.0.21'] }),
    );
    const devices = reg.list();
    expect(devices).toHaveLength(1);
    expect(devices[0]).toMatchObject({
      id: 'id:esp32_A1B2C3',
      protocol: 'mongoose-os',
      protocolEvidence: 'txt',
      firmwareVersion: '1.0',
      arch: 'esp32',
      online: true,
      pushSupported: true,
    });
    // The second address only claims to be this board: the row keeps the first until it proves it.
    expect(devices[0]).toMatchObject({ address: '10.0.0.20', addressChange: { address: '10.0.0.21' } });
  });

  // Before #10 §2b the row moved at once; now the new address must report the same identity first.
  it('follows a board onto a new address (A record change) without a new device, once it proves it is the same board', async () => {
    const { reg, checks } = registry({ verdict: 'same', identity: { id: 'esp32_A1B2C3', mac: null } });
    reg.observeService(mongoose());
    reg.observeAddress('mos-esp32-a1b2c3.local', '10.0.0.99');
    expect(reg.list()[0]).toMatchObject({
      address: '10.0.0.20',
      addressChange: { address: '10.0.0.99', state: 'checking' },
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(checks).toMatchObject([
      { candidate: '10.0.0.99', home: { host: '10.0.0.20' }, protocol: 'mongoose-os', port: 80 },
    ]);
    expect(reg.list()).toHaveLength(1);
    expect(reg.list()[0]).toMatchObject({ address: '10.0.0.99', addressChange: null });
  });

  it('marks a device offline on goodbye and after its TTL, with last seen kept', () => {
    const { reg, advance } = registry();
    reg.observeService(mongoose({ ttlSeconds: 10 }));
    const seen = reg.list()[0].lastSeen;
    advance(11_000);
    reg.expire();
    expect(reg.list()[0]).toMatchObject({ online: false, lastSeen: seen });
    reg.refreshService('mos-esp32-a1b2c3._http._tcp.local', 10);
    expect(reg.list()[0].online).toBe(true);
    reg.goodbye('mos-esp32-a1b2c3._http._tcp.local');
    expect(reg.list()[0].online).toBe(false);
  });

  it('merges the _arduino._tcp and _http._tcp records of one host and asks for a probe', () => {
    const { reg } = registry();
    const probes: string[] = [];
    reg.on('needsProbe', (id) => probes.push(id));
    reg.observeService({
      fqdn: 'esp8266-0a1b2c._arduino._tcp.local',
      instance: 'esp8266-0a1b2c',
      type: '_arduino._tcp',
      host: 'esp8266-0a1b2c.local',
      port: 8266,
      addresses: ['10.0.0.30'],
      txt: { board: 'generic', auth_upload: 'yes' },
      ttlSeconds: 120,
    });
    expect(reg.list()[0].protocol).toBe('arduino-ota');
    reg.observeService({
      fqdn: 'esp8266-0a1b2c._http._tcp.local',
      instance: 'esp8266-0a1b2c',
      type: '_http._tcp',
      host: 'esp8266-0a1b2c.local',
      port: 80,
      addresses: ['10.0.0.30'],
      txt: {},
      ttlSeconds: 120,
    });
    const [device] = reg.list();
    expect(reg.list()).toHaveLength(1);
    expect(device).toMatchObject({ authRequired: true, port: 80, services: ['_arduino._tcp', '_http._tcp'] });
    expect(probes).toEqual([device.id]);
    reg.recordProbe(
      { host: '10.0.0.30', port: 80 },
      { protocol: 'arduino-esp8266', info: null, authRequired: false },
      device.id,
    );
    expect(reg.list()[0]).toMatchObject({ protocol: 'arduino-esp8266', protocolEvidence: 'probe', id: device.id });
  });

  it('takes the version a board announces after an update over what an earlier probe read, and asks it again', () => {
    const { reg } = registry();
    const probes: string[] = [];
    reg.on('needsProbe', (id) => probes.push(id));
    reg.observeService(mongoose());
    const info = {
      version: '1.0',
      firmwareId: '20261101-aa',
      uptimeSeconds: 5,
      identity: 'esp32_A1B2C3',
      arch: 'esp32',
      app: 'demo',
      mac: null,
    };
    reg.recordProbe({ host: '10.0.0.20', port: 80 }, { protocol: 'mongoose-os', info, authRequired: true }, probes[0]);
    expect(probes).toHaveLength(1);
    // The same announcement again: nothing new to ask.
    reg.observeService(mongoose());
    expect(probes).toHaveLength(1);
    // Pushed 1.1 and rebooted: the board announces it; the probe's 1.0 must not outrank that.
    reg.observeService(mongoose({ txt: { ...mongoose().txt, fw_version: '1.1', fw_id: '20261201-bb' } }));
    expect(reg.list()[0]).toMatchObject({ firmwareVersion: '1.1', firmwareId: '20261201-bb', authRequired: true });
    expect(probes).toEqual([probes[0], probes[0]]);
    reg.recordProbe(
      { host: '10.0.0.20', port: 80 },
      { protocol: 'mongoose-os', info: { ...info, version: '1.1', firmwareId: '20261201-bb' }, authRequired: true },
      probes[0],
    );
    expect(reg.list()[0].firmwareVersion).toBe('1.1');
  });

  it('merges a board typed by address with the same board found over mDNS later', () => {
    const { reg } = registry();
    reg.recordProbe(
      { host: '10.0.0.20', port: 80 },
      {
        protocol: 'mongoose-os',
        info: {
          version: '1.0',
          firmwareId: null,
          uptimeSeconds: 5,
          identity: 'esp32_A1B2C3',
          arch: 'esp32',
          app: 'demo',
          mac: null,
        },
        authRequired: false,
      },
    );
    reg.observeService(mongoose());
    expect(reg.list()).toHaveLength(1);
    expect(reg.list()[0].id).toBe('id:esp32_A1B2C3');
  });

  it("takes _http._tcp with esp-link's ssh_upload TXT for esp-link, but not an Arduino board whose OTA record carries it", () => {
    const { reg } = registry();
    const http = (host: string, address: string, txt: Record<string, string>) =>
      mongoose({ fqdn: `${host}._http._tcp.local`, instance: host, host: `${host}.local`, addresses: [address], txt });
    reg.observeService(http('esp-link', '10.0.0.30', { ssh_upload: 'no' }));
    reg.observeService(http('esp8266-d1', '10.0.0.31', {}));
    reg.observeService(
      mongoose({
        fqdn: 'esp8266-d1._arduino._tcp.local',
        instance: 'esp8266-d1',
        type: '_arduino._tcp',
        host: 'esp8266-d1.local',
        port: 8266,
        addresses: ['10.0.0.31'],
        txt: { tcp_check: 'no', ssh_upload: 'no', board: 'ESP8266_WEMOS_D1MINI', auth_upload: 'no' },
      }),
    );
    const byAddress = Object.fromEntries(reg.list().map((d) => [d.address, d]));
    expect(byAddress['10.0.0.30']).toMatchObject({ protocol: 'esp-link', protocolEvidence: 'txt' });
    expect(byAddress['10.0.0.31']!.protocol).not.toBe('esp-link');
  });
});
