// A fleet run over Bluetooth LE: three simulated SMP devices on the one simulated radio (in process),
// a cap of 4, and yet one push at a time, because they share the radio. The device whose firmware
// crashes on the new version ends rolled back (MCUboot went back), the others succeeded.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import { createRadio } from '../../../electron/engine/ble/radio-setting.ts';
import { createEngine } from '../../../electron/engine/index.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import { isTerminal, type Device } from '../../../shared/domain.ts';
import { TEST_TIMEOUTS, waitFor } from './engine-harness.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const folder = mkdtempSync(path.join(tmpdir(), 'ota-bench-fleet-ble-'));
const smp = (id: string, name: string, crashingVersions: string[] = []) => ({
  kind: 'smp',
  id,
  name,
  version: '1.0.0',
  swapMs: 400,
  bootMs: 100,
  crashingVersions,
});
const scenario = path.join(folder, 'scenario.json');
writeFileSync(
  scenario,
  JSON.stringify({
    timeScale: 0.05,
    devices: [
      smp('c0de00000201', 'fleet-sensor-1'),
      smp('c0de00000202', 'fleet-sensor-2'),
      smp('c0de00000203', 'fleet-crashy', ['1.1.0']),
    ],
  }),
);
const imagePath = path.join(folder, 'app-1.1.0.signed.bin');
writeFileSync(
  imagePath,
  buildMcubootImage({ version: { major: 1, minor: 1, revision: 0 }, payloadSize: 40_000, seed: 21 }),
);

let engine: OtaEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

describe('a fleet run over Bluetooth LE', () => {
  it('pushes one device at a time whatever the cap, and each ends with its own result', async () => {
    engine = createEngine({ timeouts: TEST_TIMEOUTS, ble: createRadio({ kind: 'sim', scenario }, root) });
    await engine.startDiscovery();
    const devices = await waitFor(
      'three BLE devices',
      () => {
        const found = engine!.listDevices().filter((d) => d.transport === 'ble' && d.name.startsWith('fleet-'));
        return found.length === 3 ? found.sort((a, b) => a.name.localeCompare(b.name)) : null;
      },
      20_000,
    );
    const image = await engine.inspectImage(imagePath);
    const working = new Map<string, boolean>();
    let maxWorking = 0;
    engine.on('jobChanged', (job) => {
      working.set(job.id, !isTerminal(job.state));
      maxWorking = Math.max(maxWorking, [...working.values()].filter(Boolean).length);
    });
    const run = engine.startFleet({
      deviceIds: devices.map((d: Device) => d.id),
      imageIds: [image.imageId],
      commitPolicy: 'auto',
      commitTimeoutSeconds: 300,
      concurrency: 4,
      stopOnFailure: false,
      skipOffline: false,
      onlyOutdated: false,
      staged: false,
      mode: 'test-and-confirm',
    });
    const ended = await engine.waitForFleet(run.id);
    expect(maxWorking).toBe(1);
    expect(ended.members.map((m) => [m.deviceName, m.state])).toEqual([
      ['fleet-crashy', 'rolled-back'],
      ['fleet-sensor-1', 'succeeded'],
      ['fleet-sensor-2', 'succeeded'],
    ]);
    expect(ended.members.every((m) => m.message)).toBe(true);
    expect(ended.totals).toMatchObject({ succeeded: 2, rolledBack: 1 });
  }, 120_000);
});
