// ESPHome web OTA against the simulated node: found through _esphomelib._tcp, pushed over
// POST /update, and "Update Failed!" with HTTP 200 reported as a failure, never a success.
import { afterEach, describe, expect, it } from 'vitest';
import { EsphomeBoard } from '../../sim/boards/esphome-board.ts';
import { makeEspAppImage } from '../../sim/firmware-fixtures.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import { discovered, request, shutdown, testEngine } from './engine-harness.ts';

let engine: OtaEngine | undefined;
let boards: EsphomeBoard[] = [];
let nextAddress = 20;

async function bench(options: Partial<ConstructorParameters<typeof EsphomeBoard>[0]> = {}) {
  const board = new EsphomeBoard({
    address: `127.0.5.${nextAddress++}`,
    platform: 'ESP32',
    projectVersion: '1.0.0',
    announceIntervalMs: 200,
    bootMs: 400,
    ...options,
  });
  boards.push(board);
  await board.start();
  engine = testEngine();
  await engine.startDiscovery();
  return { board, engine, device: await discovered(engine, board) };
}

afterEach(async () => {
  await shutdown(engine, boards);
  engine = undefined;
  boards = [];
});

describe('ESPHome web OTA', () => {
  it('is discovered with its project version and updates byte-exact', async () => {
    const { board, engine, device } = await bench();
    expect(device).toMatchObject({ protocol: 'esphome-web', firmwareVersion: '1.0.0', port: 80 });
    const file = makeEspAppImage({
      chip: 'esp32',
      size: 300_000,
      version: '1.1.0',
      fileName: `esphome-${Math.random()}.bin`,
    });
    const done = await engine.waitForJob(
      engine.push(request(device.id, (await engine.inspectImage(file.path)).imageId)).id,
    );
    expect(done).toMatchObject({
      state: 'updated',
      fromVersion: '1.0.0',
      toVersion: '1.1.0',
      result: { code: 'success', deviceMessage: 'Update Successful!' },
    });
    expect(board.uploads.at(-1)?.sha256).toBe(file.sha256);
  });

  it('treats "Update Failed!" with HTTP 200 as a failure and says where to look', async () => {
    const { engine, device } = await bench({ freeSpace: 100_000 });
    const file = makeEspAppImage({
      chip: 'esp32',
      size: 300_000,
      version: '1.2.0',
      fileName: `esphome-big-${Math.random()}.bin`,
    });
    const done = await engine.waitForJob(
      engine.push(request(device.id, (await engine.inspectImage(file.path)).imageId)).id,
    );
    expect(done).toMatchObject({ state: 'failed', result: { code: 'update-failed', deviceMessage: 'Update Failed!' } });
    expect(done.result!.message).toContain('esphome logs');
  });
});
