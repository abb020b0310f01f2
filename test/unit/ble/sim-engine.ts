// The real engine over the simulated radio (real noble, SimBindings, one Zephyr-like SMP peripheral),
// for tests that push to it or act on its slots. In-process: no sockets.
import { createRequire } from 'node:module';
import type { Noble as NobleClass } from '@stoprocent/noble';
import { createEngine, type OtaEngine } from '../../../electron/engine/index.ts';
import { NobleRadio, type NobleLike } from '../../../electron/engine/ble/noble-radio.ts';
import type { Job, SmpCommitMode } from '../../../shared/domain.ts';
import { buildMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import { SimBindings } from '../../sim/ble/sim-bindings.ts';
import { SmpPeripheral, type SmpPeripheralOptions } from '../../sim/ble/smp-peripheral.ts';
import { scratchDir } from '../images/builders.ts';
import { until } from '../support/until.ts';

const require = createRequire(import.meta.url);
const Noble = require('@stoprocent/noble/lib/noble.js') as typeof NobleClass;

const scratch = scratchDir();
export const SIM_TIMEOUTS = {
  rebootGoneMs: 2_000,
  rebootComeBackMs: 4_000,
  pollMs: 50,
  rollbackGraceMs: 1_000,
  healthSeconds: 1,
  versionAnnounceMs: 100,
};

export const simImage = (major: number, minor: number, payloadSize = 40_000) =>
  buildMcubootImage({ version: { major, minor, revision: 0 }, payloadSize, seed: major * 100 + minor });

/** One SMP device (v1.0.0 unless told) and an engine that has discovered it. Close `engine` after. */
export async function simSmpBench(opts: Partial<SmpPeripheralOptions> = {}) {
  const device = new SmpPeripheral({
    id: 'c0de0001',
    name: 'smp-sensor',
    initialImage: simImage(1, 0, 8_000),
    bufSize: 2475,
    bufCount: 4,
    ...opts,
  });
  const bindings = new SimBindings({ peripherals: [device], timeScale: 0.02, supervisionTimeoutMs: 300 });
  const radio = new NobleRadio(async () => new Noble(bindings) as unknown as NobleLike);
  const engine: OtaEngine = createEngine({
    timeouts: SIM_TIMEOUTS,
    ble: radio,
    bleOptions: { connectTimeoutMs: 3_000 },
  });
  await engine.startDiscovery();
  const found = await until(() => engine.listDevices().find((d) => d.transport === 'ble'));
  const open = async (bytes: Buffer) =>
    engine.inspectImage(scratch.write(`app-${Math.random().toString(16).slice(2)}.signed.bin`, bytes));
  const push = async (bytes: Buffer, mode?: SmpCommitMode): Promise<Job> => {
    const info = await open(bytes);
    return engine.waitForJob(
      engine.push({ deviceId: found.id, imageId: info.imageId, commitPolicy: 'auto', commitTimeoutSeconds: 60, mode })
        .id,
    );
  };
  return { device, bindings, engine, found, open, push };
}
