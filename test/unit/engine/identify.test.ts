// A 401 is evidence: how each firmware asks for a password tells it apart; an ambiguous name is an
// error listing the candidates; describe-device lets mDNS outrank a challenge-only identification.
import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../../electron/engine/net/http-client.ts';
import {
  isBasicChallenge,
  isEspAsyncChallenge,
  isEsphomePage,
  isMongooseChallenge,
} from '../../../electron/engine/protocols/fingerprints.ts';
import { ambiguousDevice, matchDevices } from '../../../electron/engine/discovery/match-device.ts';
import { DeviceRegistry } from '../../../electron/engine/discovery/device-registry.ts';
import type { Device } from '../../../shared/domain.ts';

const challenge = (header: string, status = 401): HttpResponse => ({
  status,
  headers: { 'www-authenticate': header },
  body: '',
});

describe('fingerprints of a 401', () => {
  it('Mongoose: Digest, hex-time nonce, no opaque', () => {
    expect(isMongooseChallenge(challenge('Digest qop="auth", realm="RPC", nonce="6750a3c1", algorithm=MD5'))).toBe(
      true,
    );
    expect(
      isMongooseChallenge(
        challenge(
          'Digest realm="asyncesp", qop="auth", nonce="0123456789abcdef0123456789abcdef", opaque="fedcba9876543210fedcba9876543210"',
        ),
      ),
    ).toBe(false);
    expect(isMongooseChallenge(challenge('Basic realm="Login Required"'))).toBe(false);
    expect(isMongooseChallenge(challenge('Digest qop="auth", realm="RPC", nonce="6750a3c1"', 200))).toBe(false);
  });

  it('ESPAsyncWebServer (ESPHome on ESP8266): Digest realm "asyncesp" with opaque', () => {
    expect(
      isEspAsyncChallenge(
        challenge(
          'Digest realm="asyncesp", qop="auth", nonce="0123456789abcdef0123456789abcdef", opaque="fedcba9876543210fedcba9876543210"',
        ),
      ),
    ).toBe(true);
    expect(isEspAsyncChallenge(challenge('Digest qop="auth", realm="asyncesp", nonce="6750a3c1"'))).toBe(false);
  });

  it('Basic, and hostile headers are not evidence of anything', () => {
    expect(isBasicChallenge(challenge('Basic realm="Login Required"'))).toBe(true);
    for (const header of ['', 'Digest', '\u0000Basic', 'Digest realm="a", realm="b", nonce="1"', 'x'.repeat(10_000)]) {
      const res = challenge(header);
      expect([isMongooseChallenge(res), isEspAsyncChallenge(res)]).toEqual([false, false]);
    }
  });

  it("ESPHome's page", () => {
    expect(
      isEsphomePage({
        status: 200,
        headers: {},
        body: '<body><esp-app></esp-app><script src="https://oi.esphome.io/v2/www.js"></script>',
      }),
    ).toBe(true);
    expect(isEsphomePage({ status: 200, headers: {}, body: '<form><input name="firmware"></form>' })).toBe(false);
  });
});

const device = (over: Partial<Device>): Device => ({
  id: 'x',
  transport: 'lan',
  name: 'n',
  hostname: null,
  address: '10.0.0.1',
  port: 80,
  protocol: 'unknown',
  protocolEvidence: 'probe',
  pushSupported: false,
  firmwareVersion: null,
  firmwareId: null,
  app: null,
  arch: null,
  mac: null,
  services: [],
  rssi: null,
  online: true,
  lastSeen: 0,
  authRequired: false,
  txt: {},
  ...over,
});

describe('matchDevices', () => {
  const twins = [
    device({ id: 'ble:aa', transport: 'ble', name: 'twin', address: 'aa:aa:aa:aa:aa:01' }),
    device({ id: 'ble:bb', transport: 'ble', name: 'Twin', address: 'aa:aa:aa:aa:aa:02' }),
  ];

  it('an id is exact; a name can match several', () => {
    expect(matchDevices(twins, 'ble:aa').map((d) => d.id)).toEqual(['ble:aa']);
    expect(matchDevices(twins, 'twin').map((d) => d.id)).toEqual(['ble:aa', 'ble:bb']);
    expect(matchDevices(twins, 'aa:aa:aa:aa:aa:02').map((d) => d.id)).toEqual(['ble:bb']);
  });

  it('the ambiguity error lists each candidate with its id and address', () => {
    const error = ambiguousDevice('twin', matchDevices(twins, 'twin'));
    expect(error.message).toBe(
      '"twin" matches 2 devices; name one by its id:\n  twin  BLE aa:aa:aa:aa:aa:01  id ble:aa\n  Twin  BLE aa:aa:aa:aa:aa:02  id ble:bb',
    );
  });
});

describe('a challenge-only identification yields to mDNS', () => {
  it('ESPHome by its service type even if a probe only saw a Basic challenge on GET /update', () => {
    const registry = new DeviceRegistry();
    registry.observeService({
      fqdn: 'node._esphomelib._tcp.local',
      type: '_esphomelib._tcp',
      instance: 'node',
      host: 'node.local',
      port: 6053,
      addresses: ['10.0.0.9'],
      txt: { mac: 'a4cf12000001' },
      ttlSeconds: 120,
    } as never);
    const listed = registry.list()[0]!;
    registry.recordProbe(
      { host: '10.0.0.9', port: 80 },
      {
        protocol: 'arduino-esp8266',
        info: null,
        authRequired: true,
        basis: 'challenge',
        authChallenge: 'HTTP Basic (realm "Login Required")',
      },
      listed.id,
    );
    expect(registry.get(listed.id)).toMatchObject({
      protocol: 'esphome-web',
      authRequired: true,
      authChallenge: 'HTTP Basic (realm "Login Required")',
    });
    registry.recordProbe(
      { host: '10.0.0.9', port: 80 },
      { protocol: 'arduino-esp8266', info: null, authRequired: false, basis: 'answer' },
      listed.id,
    );
    expect(registry.get(listed.id)?.protocol).toBe('arduino-esp8266');
  });
});
