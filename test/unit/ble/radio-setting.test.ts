// OTA_BENCH_BLE parsing, and noble's stdout warnings kept out of `ota-bench --json`.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bleSettingFrom, createRadio, quietStateWarnings } from '../../../electron/engine/ble/radio-setting.ts';

afterEach(() => vi.restoreAllMocks());

describe('OTA_BENCH_BLE', () => {
  it.each([
    [undefined, { kind: 'real', bindings: 'default' }],
    ['', { kind: 'real', bindings: 'default' }],
    ['default', { kind: 'real', bindings: 'default' }],
    ['hci', { kind: 'real', bindings: 'hci' }],
    [' dbus ', { kind: 'real', bindings: 'dbus' }],
    ['off', { kind: 'off' }],
    ['sim:bench', { kind: 'sim', scenario: 'bench' }],
    ['sim:/tmp/a scenario.json', { kind: 'sim', scenario: '/tmp/a scenario.json' }],
  ])('%j → %j', (value, setting) => {
    expect(bleSettingFrom(value)).toEqual(setting);
  });

  it.each(['bluez', 'sim:', 'HCI', 'on'])('refuses %j with the values it knows', (value) => {
    expect(() => bleSettingFrom(value)).toThrow(
      /is not a Bluetooth setting: use default, hci, dbus, off or sim:SCENARIO/,
    );
  });

  it('off means no radio at all; the others load nothing until used', () => {
    expect(createRadio({ kind: 'off' })).toBeNull();
    const radio = createRadio({ kind: 'sim', scenario: 'bench' }, '/nonexistent');
    expect(radio?.status().state).toBe('starting');
  });
});

describe('quietStateWarnings', () => {
  it('drops what noble prints on a state change, keeps the handler working, restores console.log', () => {
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((text: string) => void printed.push(text));
    const seen: string[] = [];
    const bindings = {
      onStateChange(state: string) {
        console.log('noble warning: adapter does not support Bluetooth Low Energy (BLE, Bluetooth Smart).');
        seen.push(state);
      },
    };
    quietStateWarnings(bindings);
    bindings.onStateChange.bind(bindings)('unsupported');
    expect(seen).toEqual(['unsupported']);
    expect(printed).toEqual([]);
    console.log('after');
    expect(printed).toEqual(['after']);
    expect(log).toHaveBeenCalledTimes(1);
  });

  it('leaves bindings without the handler alone', () => {
    expect(() => quietStateWarnings(undefined)).not.toThrow();
    expect(() => quietStateWarnings({})).not.toThrow();
  });
});
