// Which Bluetooth radio the app and the CLI use, from OTA_BENCH_BLE:
//   (unset) | default  noble's platform default: raw HCI on Linux, CoreBluetooth on macOS, WinRT on Windows
//   hci                raw HCI socket (Linux; needs cap_net_raw on the node/Electron binary)
//   dbus               BlueZ over D-Bus (Linux; no capabilities, needs the optional dbus-next package)
//   off                no Bluetooth at all
//   sim:SCENARIO       development only: the simulated radio of test/sim/ble/sim-radio.ts (a preset
//                      name or a scenario JSON file), loaded from a source checkout
// Linux defaults to raw HCI on purpose: it reports the negotiated ATT MTU and lets us ask for a large
// one, which SMP chunk sizes depend on; BlueZ's D-Bus API does not report it to noble, so writes fall
// back to 20 bytes there (ble-protocols.md §5.1–5.2).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BleRadio } from './ble-radio.ts';
import { NobleRadio, type NobleLike } from './noble-radio.ts';

export type BleSetting =
  { kind: 'real'; bindings: 'default' | 'hci' | 'dbus' } | { kind: 'off' } | { kind: 'sim'; scenario: string };

/** Parses OTA_BENCH_BLE; throws a sentence for a value it does not know. */
export function bleSettingFrom(value: string | undefined): BleSetting {
  const text = (value ?? '').trim();
  if (text === '' || text === 'default') return { kind: 'real', bindings: 'default' };
  if (text === 'hci' || text === 'dbus') return { kind: 'real', bindings: text };
  if (text === 'off') return { kind: 'off' };
  if (text.startsWith('sim:') && text.length > 4) return { kind: 'sim', scenario: text.slice(4) };
  throw new Error(
    `OTA_BENCH_BLE=${JSON.stringify(text)} is not a Bluetooth setting: use default, hci, dbus, off or sim:SCENARIO.`,
  );
}

/** The module that builds the simulated radio (development setting; not shipped in a packaged app). */
export const SIM_RADIO_MODULE = 'test/sim/ble/sim-radio.ts';

interface SimRadioModule {
  createSimulatedNoble(spec: string, root: string): Promise<NobleLike>;
  checkScenario(spec: string, root: string): void;
}

async function importSimRadio(root: string): Promise<SimRadioModule> {
  const file = resolve(root, SIM_RADIO_MODULE);
  if (!existsSync(file)) {
    throw new Error(
      `OTA_BENCH_BLE=sim:… is a development setting: it needs a source checkout of OTA Bench as the working directory (${file} does not exist).`,
    );
  }
  return (await import(pathToFileURL(file).href)) as SimRadioModule;
}

/**
 * Checks a setting before anything uses it, so a mistake is an error at start and not a radio that
 * quietly says "No Bluetooth adapter": for sim:SCENARIO, the scenario is loaded and validated
 * (throws one sentence). Real radios are checked when they start (noble reports their state).
 */
export async function checkBleSetting(setting: BleSetting, root: string = process.cwd()): Promise<void> {
  if (setting.kind === 'sim') (await importSimRadio(root)).checkScenario(setting.scenario, root);
}

/** A radio for the setting, or null for `off`. Nothing is loaded until the radio is first used. */
export function createRadio(setting: BleSetting, root: string = process.cwd()): BleRadio | null {
  if (setting.kind === 'off') return null;
  if (setting.kind === 'sim') {
    return new NobleRadio(async () => (await importSimRadio(root)).createSimulatedNoble(setting.scenario, root));
  }
  return new NobleRadio(async () => {
    // resolve-bindings builds noble with the platform's native bindings; requiring it is what can
    // fail on a machine without Bluetooth support, so it happens here, on first use.
    const resolveBindings = createRequire(import.meta.url)('@stoprocent/noble/lib/resolve-bindings.js') as (
      type: string,
    ) => NobleLike;
    const noble = resolveBindings(setting.bindings);
    quietStateWarnings((noble as { _bindings?: StateBindings })._bindings);
    return noble;
  });
}

interface StateBindings {
  onStateChange?: (state: string) => void;
}

/**
 * noble's HCI bindings print "noble warning: adapter does not support Bluetooth Low Energy…" with
 * console.log on every state change: on stdout, where it would corrupt `ota-bench --json`. The radio
 * reports the same states in its own words (noble-radio.ts), so those lines are dropped. Bindings
 * register the handler when they start, after this runs, so the wrapper is what they bind.
 */
export function quietStateWarnings(bindings: StateBindings | undefined): void {
  const original = bindings?.onStateChange;
  if (!bindings || typeof original !== 'function') return;
  bindings.onStateChange = function quiet(this: unknown, state: string) {
    const log = console.log;
    console.log = () => undefined;
    try {
      original.call(this, state);
    } finally {
      console.log = log;
    }
  };
}
