// Arduino HTTPUpdateServer (ESP8266 and ESP32) against the simulated sketches: discovery through
// _arduino._tcp + _http._tcp and a probe, byte-exact push, the version it reboots with, and the
// failure shapes that arrive as HTTP 200, the 401 after the body, cancel and dropped links.
import { afterEach, describe, expect, it } from 'vitest';
import { ArduinoBoard, type ArduinoBoardOptions } from '../../sim/boards/arduino-board.ts';
import { makeEspAppImage, writeFixture } from '../../sim/firmware-fixtures.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import { createEngine } from '../../../electron/engine/index.ts';
import { TEST_TIMEOUTS, discovered, reachState, request, shutdown, testEngine, waitFor } from './engine-harness.ts';

let engine: OtaEngine | undefined;
let boards: ArduinoBoard[] = [];
let nextAddress = 20;

async function bench(options: Partial<ArduinoBoardOptions> = {}, engineFactory = testEngine) {
  const board = new ArduinoBoard({
    variant: 'esp8266',
    address: `127.0.2.${nextAddress++}`,
    announceIntervalMs: 200,
    bootMs: 500,
    ...options,
  });
  boards.push(board);
  await board.start();
  engine = engineFactory();
  await engine.startDiscovery();
  const device = await discovered(engine, board);
  return { board, engine, device };
}

const appImage = (version: string, size = 400_000, chip: 'esp8266' | 'esp32' = 'esp8266') =>
  makeEspAppImage({ chip, size, version, fileName: `${chip}-${version}-${size}-${Math.random()}.bin` });

afterEach(async () => {
  await shutdown(engine, boards);
  engine = undefined;
  boards = [];
});

describe('Arduino HTTPUpdateServer push', () => {
  it('ESP8266: discovered by probe, lands byte-exact, reboots with the new version', async () => {
    const { board, engine, device } = await bench();
    expect(device).toMatchObject({ protocol: 'arduino-esp8266', protocolEvidence: 'probe', firmwareVersion: '1.0.0' });
    const file = appImage('1.1.0');
    const image = await engine.inspectImage(file.path);
    const done = await engine.waitForJob(engine.push(request(device.id, image.imageId)).id);
    expect(done).toMatchObject({
      state: 'updated',
      fromVersion: '1.0.0',
      toVersion: '1.1.0',
      result: { code: 'success' },
    });
    expect(board.uploads.at(-1)).toMatchObject({ field: 'firmware', sha256: file.sha256 });
  });

  it('ESP32: passes the Origin check and updates', async () => {
    const { board, engine, device } = await bench({ variant: 'esp32' });
    expect(device.protocol).toBe('arduino-esp32');
    const file = appImage('2.0.0', 300_000, 'esp32');
    const done = await engine.waitForJob(
      engine.push(request(device.id, (await engine.inspectImage(file.path)).imageId)).id,
    );
    expect(done).toMatchObject({ state: 'updated', toVersion: '2.0.0' });
    expect(board.uploads.at(-1)?.headers.origin).toBe(`http://${board.address}`);
  });

  it('ESP32 addressed by host:port, no mDNS: its update form (filesystem also takes .image) says ESP32', async () => {
    const board = new ArduinoBoard({ variant: 'esp32', address: `127.0.2.${nextAddress++}`, mdns: false, bootMs: 500 });
    boards.push(board);
    await board.start();
    engine = testEngine();
    const device = await engine.resolveDevice(`${board.address}:80`);
    expect(device).toMatchObject({ protocol: 'arduino-esp32', protocolEvidence: 'probe' });
  });

  it('maps "Update error: ERROR[4]: Not Enough Space" (HTTP 200) to not-enough-space', async () => {
    const { engine, device } = await bench({ freeSketchSpace: 200_000 });
    const image = await engine.inspectImage(appImage('1.2.0', 400_000).path);
    const done = await engine.waitForJob(engine.push(request(device.id, image.imageId)).id);
    expect(done).toMatchObject({ state: 'failed', result: { code: 'not-enough-space' } });
    expect(done.result!.deviceMessage).toContain('Not Enough Space');
  });

  it('asks for credentials when the 401 comes after the body, and succeeds with them up front', async () => {
    const credentials = { user: 'admin', password: 's3cret' };
    const { board, engine, device } = await bench({ credentials });
    const image = await engine.inspectImage(appImage('1.3.0').path);
    const refused = await engine.waitForJob(engine.push(request(device.id, image.imageId)).id);
    expect(refused).toMatchObject({ state: 'failed', result: { code: 'auth-failed' } });
    expect(refused.result!.message).toContain('user name and password');
    const wrong = await engine.waitForJob(
      engine.push(request(device.id, image.imageId, { credentials: { user: 'admin', password: 'nope' } })).id,
    );
    expect(wrong.result!.message).toContain('rejected the user name or password');
    const done = await engine.waitForJob(engine.push(request(device.id, image.imageId, { credentials })).id);
    expect(done.state).toBe('updated');
    expect(board.version).toBe('1.3.0');
  });

  it('refuses an HTML page saved as .bin before sending a byte', async () => {
    const { board, engine, device } = await bench();
    const file = writeFixture(
      `page-${Math.random()}.bin`,
      Buffer.from('<!DOCTYPE html><html><body>firmware.bin</body></html>'.repeat(50)),
    );
    const done = await engine.waitForJob(
      engine.push(request(device.id, (await engine.inspectImage(file.path)).imageId)).id,
    );
    expect(done).toMatchObject({ state: 'failed', result: { code: 'unsupported-package' } });
    expect(board.uploads).toHaveLength(0);
  });

  it('cancels mid-transfer and says how much had been sent', async () => {
    const { board, engine, device } = await bench({ bytesPerSecond: 100_000 });
    const image = await engine.inspectImage(appImage('1.4.0', 1_000_000).path);
    const job = engine.push(request(device.id, image.imageId));
    await reachState(engine, job.id, 'transferring');
    await waitFor('bytes on the wire', () => engine.getJob(job.id).progress.bytesSent > 0);
    engine.cancelJob(job.id);
    const done = await engine.waitForJob(job.id);
    expect(done).toMatchObject({ state: 'cancelled', result: { code: 'cancelled' } });
    expect(done.result!.message).toMatch(/Cancelled by you: sent .* of 977 KiB/);
    expect(board.version).toBe('1.0.0');
    expect(board.uploads).toHaveLength(0);
  });

  it('reports a connection dropped mid-body with the bytes that got through', async () => {
    // The rest of the image (850 KB) is more than the sender's socket buffer holds: the cut is mid-body.
    const { engine, device } = await bench({ dropAfterBytes: 150_000, freeSketchSpace: 2 * 1024 * 1024 });
    const image = await engine.inspectImage(appImage('1.5.0', 1_000_000).path);
    const done = await engine.waitForJob(engine.push(request(device.id, image.imageId)).id);
    expect(done).toMatchObject({ state: 'failed', result: { code: 'connection-lost' } });
    expect(done.result!.message).toMatch(/sent .* of 977 KiB; the board had confirmed nothing/);
  });

  it('ends with a clear result when the board never comes back', async () => {
    const { engine, device } = await bench({ neverComesBack: true }, () =>
      createEngine({ timeouts: { ...TEST_TIMEOUTS, rebootComeBackMs: 3000 } }),
    );
    const image = await engine.inspectImage(appImage('1.6.0').path);
    const done = await engine.waitForJob(engine.push(request(device.id, image.imageId)).id);
    expect(done).toMatchObject({ state: 'failed', result: { code: 'update-failed' } });
    expect(done.result!.message).toContain('did not come back within 3 s');
  });

  it('gives up on a board that takes the whole image and never answers', async () => {
    const { engine, device } = await bench({ hangResponse: true }, () =>
      createEngine({ timeouts: { ...TEST_TIMEOUTS, upload: { connectMs: 2000, idleMs: 2000, responseMs: 2000 } } }),
    );
    const image = await engine.inspectImage(appImage('1.8.0', 100_000).path);
    const done = await engine.waitForJob(engine.push(request(device.id, image.imageId)).id);
    expect(done).toMatchObject({ state: 'failed', result: { code: 'update-failed' } });
    expect(done.result!.message).toMatch(/All 97\.7 KiB were sent, but .* did not answer within 2 s/);
  });

  it('never runs two jobs on one device at once', async () => {
    const { engine, device } = await bench({ bytesPerSecond: 200_000 });
    const image = await engine.inspectImage(appImage('1.7.0', 800_000).path);
    const first = engine.push(request(device.id, image.imageId));
    expect(() => engine.push(request(device.id, image.imageId))).toThrow(/already being updated/);
    engine.cancelJob(first.id);
    await engine.waitForJob(first.id);
  });
});
