// Which ESPHome OTA a node gets: a node with a web server (announced or answering a probe) keeps the
// web OTA; a node with only `_esphomelib._tcp` is native OTA, on its platform's default OTA port
// (the TXT carries the API port, not the OTA one).
import { describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../../../electron/engine/discovery/device-registry.ts';

function node(platform: string | undefined, withWeb: boolean) {
  const registry = new DeviceRegistry();
  const txt: Record<string, string> = { mac: 'a4cf12000002', version: '2026.10.1', project_version: '1.2.3' };
  if (platform) txt.platform = platform;
  const base = { instance: 'node', host: 'node.local', addresses: ['10.0.0.7'], ttlSeconds: 120 };
  registry.observeService({
    ...base,
    fqdn: 'node._esphomelib._tcp.local',
    type: '_esphomelib._tcp',
    port: 6053,
    txt,
  } as never);
  if (withWeb)
    registry.observeService({ ...base, fqdn: 'node._http._tcp.local', type: '_http._tcp', port: 80, txt: {} } as never);
  return registry.list()[0]!;
}

describe('ESPHome discovery', () => {
  it('keeps web OTA for a node with its web server', () => {
    expect(node('ESP32', true)).toMatchObject({ protocol: 'esphome-web', port: 80 });
  });

  it('is native OTA without a web server, on the default port of its platform', () => {
    expect(node('ESP32', false)).toMatchObject({ protocol: 'esphome-native', port: 3232, firmwareVersion: '1.2.3' });
    expect(node('ESP8266', false)).toMatchObject({ protocol: 'esphome-native', port: 8266 });
    expect(node('RP2040', false)).toMatchObject({ protocol: 'esphome-native', port: 2040 });
    expect(node(undefined, false)).toMatchObject({ protocol: 'esphome-native', port: 3232 });
  });
});
