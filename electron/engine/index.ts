// Composition root of the engine. Callers pick options; everything else is wired here.
import path from 'node:path';
import type { BleRadio } from './ble/ble-radio.ts';
import type { BleSideOptions } from './sides/ble-side.ts';
import type { OtaEngine } from './engine-api.ts';
import { Engine, type EngineSideOptions } from './engine.ts';
import { osSerialAccess } from './sides/serial-os.ts';
import type { Retention } from './history/maintenance.ts';
import { DEFAULT_JOB_TIMEOUTS, type JobTimeouts } from './jobs/job-context.ts';

export interface EngineOptions {
  /** Per-phase timeouts; tests and the CLI shorten or lengthen some of them. */
  timeouts?: Partial<JobTimeouts>;
  /**
   * The Bluetooth radio (ble/radio-setting.ts `createRadio`); none by default, so tests and tools that
   * do not ask for BLE never load noble. The app and the CLI pass the one OTA_BENCH_BLE picks.
   */
  ble?: BleRadio | null;
  /** BLE connect and SMP upload timeouts (tests shorten them). */
  bleOptions?: BleSideOptions;
  /** How another OTA Bench names this process when a board is locked by it ("the OTA Bench CLI"). */
  processName?: string;
  /**
   * The history and inventory database (SQLite) shared by the app and the CLI: `historyFile(dataDir())`
   * for them; absent, an in-memory one that lives as long as the engine (tests, tools).
   */
  historyFile?: string;
  /** How long history rows are kept (days, rows); default OTA_BENCH_HISTORY_DAYS / _ROWS, else 365 days and 20,000 rows. */
  historyRetention?: Retention;
  /**
   * List the OS's serial ports (the app and the CLI pass true). Off by default, like `ble`: tests and
   * tools would otherwise find this machine's own ports (/dev/ttyS0…) in every device list. A path named
   * as serial:PATH works either way.
   */
  serialPorts?: boolean;
  /**
   * Serial ports (`serial.access`: list/open/knownBoard, default the OS's via the serialport package;
   * `serial.enabled`: default unless OTA_BENCH_SERIAL=off; `serial.pollMs`, `serial.probeQuestionMs`) and
   * MCUmgr over UDP (`udp.open`, `udp.pingEveryMs`, `udp.offlineAfterMs`, `udp.resolveTimeoutMs`).
   */
  sides?: EngineSideOptions;
}

export function createEngine(options: EngineOptions = {}): OtaEngine {
  return new Engine(
    { ...DEFAULT_JOB_TIMEOUTS, ...options.timeouts },
    options.ble ?? null,
    options.bleOptions,
    options.processName,
    options.historyFile,
    options.historyRetention,
    withDefaultSides(options.sides, options.historyFile, options.serialPorts ?? false),
  );
}

/** The MCUmgr operations and the OS's serial ports, unless the caller injected its own. */
function withDefaultSides(given: EngineSideOptions = {}, historyFile?: string, osPorts = false): EngineSideOptions {
  // Without the OS's list, a named path (serial:/dev/pts/3) still opens through the real transport.
  const os = osSerialAccess();
  const named = { ...os, list: async () => [] };
  const serialAccess = given.serial && 'access' in given.serial ? given.serial.access : osPorts ? os : named;
  // Ports' settings beside the history file (the app's and the CLI's data folder); in-memory engines keep none.
  const settingsFile =
    historyFile && historyFile !== ':memory:' ? path.join(path.dirname(historyFile), 'serial-ports.json') : null;
  return {
    serial: { settingsFile, ...given.serial, access: serialAccess },
    udp: { ...given.udp },
  };
}

export type { OtaEngine } from './engine-api.ts';
export type { EngineSideOptions } from './engine.ts';
