// `ota-bench discover` names an unproven new address on the board's line; --json carries the
// whole Device, addressChange and its sentence included (#10 §2b).
import { describe, expect, it } from 'vitest';
import { deviceLine } from '../../../electron/cli/describe.ts';
import { aDevice } from '../renderer/support/builders.ts';

const board = aDevice({ transport: 'lan', id: 'id:esp32_00000A', name: 'mOS-esp32-00000A', address: '10.0.0.10', port: 80, protocol: 'mongoose-os', rssi: null });

describe('discover line', () => {
  it('says when another address claims to be the board', () => {
    expect(deviceLine({ ...board, addressChange: { address: '10.0.0.77', state: 'unverified', message: '…' } })).toMatch(/ · address changed, not verified: 10\.0\.0\.77$/);
    expect(deviceLine({ ...board, addressChange: { address: '10.0.0.66', state: 'different-device', message: '…' } })).toMatch(/ · another device claims to be it: 10\.0\.0\.66$/);
    expect(deviceLine({ ...board, addressChange: null })).not.toMatch(/address changed|claims/);
  });
});
