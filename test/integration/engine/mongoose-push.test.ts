// Mongoose OS end to end against the simulated board: discovery, byte-exact push, the commit
// window (commit, revert, rollback by timeout, auto commit after a health check) and failures.
import { afterEach, describe, expect, it } from 'vitest';
import { MongooseBoard } from '../../sim/boards/mongoose-board.ts';
import { makeMongooseFwZip } from '../../sim/firmware-fixtures.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import { discovered, reachState, request, shutdown, testEngine } from './engine-harness.ts';

let engine: OtaEngine | undefined;
let boards: MongooseBoard[] = [];
let nextAddress = 20;

async function bench(options: Partial<ConstructorParameters<typeof MongooseBoard>[0]> = {}) {
  const board = new MongooseBoard({
    address: `127.0.1.${nextAddress++}`,
    fwVersion: '1.0.0',
    announceIntervalMs: 200,
    bootMs: 500,
    ...options,
  });
  boards.push(board);
  await board.start();
  engine = testEngine();
  await engine.startDiscovery();
  const device = await discovered(engine, board);
  return { board, engine, device };
}

const fwZip = (version: string, over: Partial<Parameters<typeof makeMongooseFwZip>[0]> = {}) =>
  makeMongooseFwZip({
    platform: 'esp32',
    version,
    buildId: `20261121-${version}`,
    size: 300_000,
    fileName: `fw-${version}-${Math.random()}.zip`,
    ...over,
  });

afterEach(async () => {
  await shutdown(engine, boards);
  engine = undefined;
  boards = [];
});

describe('Mongoose OS push', () => {
  it('is discovered from its TXT record with version and identity', async () => {
    const { board, device } = await bench();
    expect(device).toMatchObject({
      id: `id:${board.deviceId}`,
      protocol: 'mongoose-os',
      firmwareVersion: '1.0.0',
      arch: 'esp32',
      online: true,
      pushSupported: true,
    });
  });

  it('lands byte-exact, boots uncommitted with a deadline, and Commit commits it', async () => {
    const { board, engine, device } = await bench();
    const file = fwZip('1.1.0');
    const image = await engine.inspectImage(file.path);
    const job = engine.push(request(device.id, image.imageId, { commitTimeoutSeconds: 120 }));
    const waiting = await reachState(engine, job.id, 'awaiting-commit');
    expect(board.uploads.at(-1)?.sha256).toBe(file.sha256);
    expect(waiting).toMatchObject({ fromVersion: '1.0.0', toVersion: '1.1.0' });
    expect(waiting.progress.bytesSent).toBe(file.size);
    expect(waiting.commitDeadline! - Date.now()).toBeGreaterThan(100_000);
    expect(board.bootState.is_committed).toBe(false);
    engine.commitJob(job.id);
    const done = await engine.waitForJob(job.id);
    expect(done).toMatchObject({ state: 'committed', result: { code: 'success' } });
    expect(done.result!.message).toContain('Committed 1.1.0');
    expect(board.bootState.is_committed).toBe(true);
    expect(board.firmwareVersion).toBe('1.1.0');
  });

  it('shows the rollback when nobody commits before the deadline', async () => {
    const { board, engine, device } = await bench();
    const image = await engine.inspectImage(fwZip('1.2.0').path);
    const job = engine.push(request(device.id, image.imageId, { commitTimeoutSeconds: 10 }));
    await reachState(engine, job.id, 'awaiting-commit');
    const done = await engine.waitForJob(job.id);
    expect(done).toMatchObject({ state: 'rolled-back', toVersion: '1.0.0', result: { code: 'rolled-back' } });
    expect(done.result!.message).toMatch(/Nobody committed 1\.2\.0 within 10 s, so .* rolled back to 1\.0\.0/);
    expect(board.firmwareVersion).toBe('1.0.0');
  });

  it('reverts on request', async () => {
    const { board, engine, device } = await bench();
    const image = await engine.inspectImage(fwZip('1.3.0').path);
    const job = engine.push(request(device.id, image.imageId));
    await reachState(engine, job.id, 'awaiting-commit');
    engine.revertJob(job.id);
    const done = await engine.waitForJob(job.id);
    expect(done).toMatchObject({ state: 'rolled-back', toVersion: '1.0.0' });
    expect(done.result!.message).toContain('Reverted on your request');
    expect(board.firmwareVersion).toBe('1.0.0');
  });

  it('--commit auto commits only after the health check', async () => {
    const { board, engine, device } = await bench();
    const image = await engine.inspectImage(fwZip('1.4.0').path);
    const job = engine.push(request(device.id, image.imageId, { commitPolicy: 'auto' }));
    const done = await engine.waitForJob(job.id);
    expect(done.state).toBe('committed');
    expect(done.log.map((l) => l.text).join('\n')).toContain('Health check passed');
    expect(board.bootState.is_committed).toBe(true);
  });

  it('refuses a fw.zip for another platform before sending a byte', async () => {
    const { board, engine, device } = await bench();
    const image = await engine.inspectImage(fwZip('2.0.0', { platform: 'esp8266' }).path);
    const done = await engine.waitForJob(engine.push(request(device.id, image.imageId)).id);
    expect(done).toMatchObject({ state: 'failed', result: { code: 'unsupported-package' } });
    expect(done.result!.message).toContain('built for esp8266, but the board is an esp32');
    expect(board.uploads).toHaveLength(0);
  });

  it('says when the board has no room, in its own words too', async () => {
    const { engine, device } = await bench({ freeSpace: 100_000 });
    const image = await engine.inspectImage(fwZip('2.1.0').path);
    const done = await engine.waitForJob(engine.push(request(device.id, image.imageId)).id);
    expect(done).toMatchObject({ state: 'failed', result: { code: 'not-enough-space' } });
    expect(done.result!.message).toMatch(/no room for this image/);
    expect(done.result!.deviceMessage).toBeTruthy();
  });

  it('fails with a clear sentence when the board answers RPC with garbage', async () => {
    const { board, engine, device } = await bench();
    board.setQuirks({ garbageResponses: true });
    const image = await engine.inspectImage(fwZip('1.6.0').path);
    const done = await engine.waitForJob(engine.push(request(device.id, image.imageId)).id);
    expect(done.state).toBe('failed');
    expect(done.result!.message).toMatch(/answered Sys\.GetInfo with something that is not JSON|unexpected/);
    expect(board.uploads).toHaveLength(0);
  });

  it('follows the board to a new IP after the reboot', async () => {
    const { board, engine, device } = await bench({ newAddressOnReboot: '127.0.1.200' });
    const image = await engine.inspectImage(fwZip('1.5.0').path);
    const job = engine.push(request(device.id, image.imageId));
    await reachState(engine, job.id, 'awaiting-commit');
    expect(board.address).toBe('127.0.1.200');
    engine.commitJob(job.id);
    expect((await engine.waitForJob(job.id)).state).toBe('committed');
    const moved = engine.listDevices().find((d) => d.id === device.id)!;
    expect(moved.address).toBe('127.0.1.200');
    expect(engine.listDevices()).toHaveLength(1);
  });
});
