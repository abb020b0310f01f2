// `ota-bench discover` names an unproven new address on the board's line; --json carries the
// whole Device, addressChange and its sentence included (#10 §2b).
import { describe, expect, it } from 'vitest';
import { deviceLine } from '../../../electron/cli/describe.ts';
import type { Device } from '../../../shared/domain.ts';

const board: Device = {
  id: 'id:esp32_00000A',
  transport: 'lan',
  name: 'mOS-esp32-00000A',
  hostname: null,
  address: '10.0.0.10',
  port: 80,
  protocol: 'mongoose-os',
  protocolEvidence: 'txt',
  pushSupported: true,
  firmwareVersion: '1.0',
  firmwareId: null,
  app: null,
  arch: 'esp32',
  mac: null,
  services: ['_http._tcp'],
  rssi: null,
  online: true,
  lastSeen: 0,
  authRequired: false,
  txt: {},
};

describe('discover line', () => {
  it('says when another address claims to be the board', () => {
    expect(
      deviceLine({ ...board, addressChange: { address: '10.0.0.77', state: 'unverified', message: '…' } }),
    ).toMatch(/ · address changed, not verified: 10\.0\.0\.77$/);
    expect(
      deviceLine({ ...board, addressChange: { address: '10.0.0.66', state: 'different-device', message: '…' } }),
    ).toMatch(/ · another device claims to be it: 10\.0\.0\.66$/);
    expect(deviceLine({ ...board, addressChange: null })).not.toMatch(/address changed|claims/);
  });
});
