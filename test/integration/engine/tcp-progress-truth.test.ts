// Progress over the two TCP protocols without HTTP must be what the board has taken, never what left
// our socket: ArduinoOTA counts a piece once the board acknowledged writing it, ESPHome native (v2)
// once the board acknowledged its 8 KiB block. Each progress event is compared, as it arrives, with
// the simulated board's own count of bytes taken so far (boards slowed down so the transfer spans
// many events), and the last figure must be the whole image.
import { afterEach, describe, expect, it } from 'vitest';
import { ArduinoOtaBoard } from '../../sim/boards/arduino-ota-board.ts';
import { EsphomeNativeBoard } from '../../sim/boards/esphome-native-board.ts';
import { makeEspAppImage } from '../../sim/firmware-fixtures.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import type { Job } from '../../../shared/domain.ts';
import { discovered, request, shutdown, testEngine, waitFor } from './engine-harness.ts';

let engine: OtaEngine | undefined;
let boards: Array<ArduinoOtaBoard | EsphomeNativeBoard> = [];

afterEach(async () => {
  await shutdown(engine, boards as never);
  engine = undefined;
  boards = [];
});

/** Pushes `size` bytes and checks every progress event against `taken()` at the moment it arrives. */
async function pushAndCompare(deviceId: string, size: number, taken: () => number) {
  const file = makeEspAppImage({ chip: 'esp32', size, version: '2.0.0', fileName: `truth-${Math.random()}.bin` });
  const image = await engine!.inspectImage(file.path);
  const seen: Array<{ claimed: number; taken: number }> = [];
  const stop = engine!.on('jobChanged', (job: Job) => {
    if (job.state === 'transferring') seen.push({ claimed: job.progress.bytesSent, taken: taken() });
  });
  const job = await engine!.waitForJob(engine!.push(request(deviceId, image.imageId)).id);
  stop();
  return { job, seen, size: image.size };
}

describe('progress over ArduinoOTA and ESPHome native is what the board took', () => {
  it('ArduinoOTA: never ahead of the pieces the board acknowledged', async () => {
    const board = new ArduinoOtaBoard({ address: '127.0.6.200', writeMsPerPiece: 4 });
    boards.push(board);
    await board.start();
    engine = testEngine();
    await engine.startDiscovery();
    const device = await waitFor('the ArduinoOTA board', () =>
      engine!.listDevices().find((d) => d.address === board.address && d.protocol === 'arduino-ota'),
    );
    const { job, seen, size } = await pushAndCompare(device.id, 300_000, () => board.bytesAcknowledged);
    expect(job.state).toBe('updated');
    const during = seen.filter((s) => s.claimed > 0 && s.claimed < size);
    expect(during.length).toBeGreaterThan(2); // the comparison ran mid-transfer, not only at the ends
    for (const sample of seen) expect(sample.claimed).toBeLessThanOrEqual(sample.taken);
    expect(seen.at(-1)?.claimed ?? job.progress.bytesSent).toBe(size);
    expect(job.progress.bytesSent).toBe(size);
  });

  it('ESPHome native: never ahead of the bytes the board read', async () => {
    const board = new EsphomeNativeBoard({
      address: '127.0.6.201',
      platform: 'ESP32',
      projectVersion: '1.0.0',
      announceIntervalMs: 200,
      bootMs: 400,
      ackDelayMs: 25,
    });
    boards.push(board);
    await board.start();
    engine = testEngine();
    await engine.startDiscovery();
    const device = await discovered(engine, board);
    const { job, seen, size } = await pushAndCompare(device.id, 300_000, () => board.bytesReceivedNow);
    expect(job.state).toBe('updated');
    const during = seen.filter((s) => s.claimed > 0 && s.claimed < size);
    expect(during.length).toBeGreaterThan(2);
    for (const sample of seen) expect(sample.claimed).toBeLessThanOrEqual(sample.taken);
    expect(job.progress.bytesSent).toBe(size);
  });
});
