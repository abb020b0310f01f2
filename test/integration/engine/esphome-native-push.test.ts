// ESPHome native OTA end to end: a node that announces only `_esphomelib._tcp` is found as
// 'esphome-native' on its platform's OTA port, pushed the way `esphome upload` pushes (gzip where the
// board takes it, SHA-256 or MD5 challenge), rebooted and verified by the project_version it
// re-announces; a wrong password, a dropped link and an MD5 mismatch end in their own sentences.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { esphomeNative } from '../../../electron/engine/protocols/esphome-native.ts';
import { inspectImage } from '../../../electron/engine/images/index.ts';
import { EsphomeNativeBoard, type EsphomeNativeBoardOptions } from '../../sim/boards/esphome-native-board.ts';
import { makeEspAppImage } from '../../sim/firmware-fixtures.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import { discovered, reachState, request, shutdown, testEngine } from './engine-harness.ts';

let engine: OtaEngine | undefined;
let boards: EsphomeNativeBoard[] = [];
let nextAddress = 20;

async function bench(options: Partial<EsphomeNativeBoardOptions> = {}) {
  const board = new EsphomeNativeBoard({
    address: `127.0.6.${nextAddress++}`,
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

async function push(chip: 'esp32' | 'esp8266', version: string, password: string | null = null, size = 300_000) {
  const file = makeEspAppImage({ chip, size, version, fileName: `native-${chip}-${Math.random()}.bin` });
  const { imageId } = await engine!.inspectImage(file.path);
  const device = engine!.listDevices().find((d) => d.protocol === 'esphome-native')!;
  const credentials = password === null ? undefined : { user: '', password };
  const job = await engine!.waitForJob(engine!.push(request(device.id, imageId, { credentials })).id);
  return { job, file };
}

afterEach(async () => {
  await shutdown(engine, boards);
  engine = undefined;
  boards = [];
});

describe('ESPHome native OTA', () => {
  it('finds a node without a web server as native OTA on port 3232 and updates it, verified by TXT', async () => {
    const { board, device } = await bench({ platform: 'ESP32' });
    expect(device).toMatchObject({
      protocol: 'esphome-native',
      port: 3232,
      firmwareVersion: '1.0.0',
      pushSupported: true,
    });
    expect(device.txt).toMatchObject({ platform: 'ESP32', board: 'esp32dev', project_name: 'ota-bench.sim-native' });
    const { job } = await push('esp32', '1.1.0');
    expect(job).toMatchObject({
      state: 'updated',
      fromVersion: '1.0.0',
      toVersion: '1.1.0',
      result: { code: 'success', deviceMessage: 'OTA successful' },
    });
    expect(job.progress.bytesSent).toBe(job.progress.totalBytes);
    // ESP32 does not take gzip; v2 acknowledged every 8 KiB block.
    expect(board.sessions.at(-1)).toMatchObject({
      outcome: 'applied',
      compressed: false,
      acksSent: Math.ceil(300_000 / 8192),
    });
    expect(board.projectVersion).toBe('1.1.0');
  });

  it('sends gzip to an ESP8266 and answers its SHA-256 challenge with the push password', async () => {
    const { board, device } = await bench({ platform: 'ESP8266', password: 'bench-pass' });
    expect(device.port).toBe(8266);
    const { job } = await push('esp8266', '2.0.0', 'bench-pass');
    expect(job).toMatchObject({ state: 'updated', toVersion: '2.0.0' });
    expect(board.sessions.at(-1)).toMatchObject({
      outcome: 'applied',
      compressed: true,
      auth: 'sha256',
      features: 0x03,
    });
    expect(job.log.map((l) => l.text).join('\n')).toContain('SHA-256 challenge');
  });

  it('answers the MD5 challenge of older firmware speaking protocol v1 (no block acks)', async () => {
    const { board } = await bench({ platform: 'ESP32', password: 'old', auth: 'md5', otaVersion: 1 });
    const { job } = await push('esp32', '1.0.5', 'old');
    expect(job).toMatchObject({ state: 'updated', toVersion: '1.0.5' });
    expect(board.sessions.at(-1)).toMatchObject({ outcome: 'applied', auth: 'md5', acksSent: 0 });
  });

  it('says "wrong OTA password" when the board rejects it, and asks for one when none was given', async () => {
    const { board } = await bench({ platform: 'ESP32', password: 'right' });
    const wrong = await push('esp32', '1.2.0', 'wrong');
    expect(wrong.job).toMatchObject({ state: 'failed', result: { code: 'auth-failed' } });
    expect(wrong.job.result!.message).toContain('Wrong OTA password');
    expect(board.sessions.at(-1)).toMatchObject({ errorByte: 0x82 });
    const none = await push('esp32', '1.2.0');
    expect(none.job).toMatchObject({ state: 'failed', result: { code: 'auth-failed' } });
    expect(none.job.result!.message).toContain('asks for its OTA password');
    expect(board.projectVersion).toBe('1.0.0');
  });

  it('reports a link that drops mid-transfer, and the board keeps its firmware', async () => {
    const { board } = await bench({ platform: 'ESP32', dropAfterBytes: 100_000 });
    const { job } = await push('esp32', '1.3.0');
    expect(job).toMatchObject({ state: 'failed', result: { code: 'connection-lost' } });
    expect(job.result!.message).toMatch(/dropped after .* acknowledged\. The board discards a partial image/);
    expect(board.sessions.at(-1)).toMatchObject({ outcome: 'dropped' });
    expect(board.projectVersion).toBe('1.0.0');
  });

  it('cancels mid-transfer in words, and the board keeps its firmware', async () => {
    const { board, engine, device } = await bench({ platform: 'ESP32', ackDelayMs: 20 });
    const file = makeEspAppImage({
      chip: 'esp32',
      size: 400_000,
      version: '1.6.0',
      fileName: `cancel-${Math.random()}.bin`,
    });
    const job = engine.push(request(device.id, (await engine.inspectImage(file.path)).imageId));
    await reachState(engine, job.id, 'transferring');
    await new Promise((resolve) => setTimeout(resolve, 200));
    engine.cancelJob(job.id);
    const done = await engine.waitForJob(job.id);
    expect(done).toMatchObject({ state: 'cancelled' });
    expect(done.result!.message).toMatch(/Cancelled by you after .* the board discards a partial image/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(board.sessions.at(-1)).toMatchObject({ outcome: 'dropped' });
    expect(board.projectVersion).toBe('1.0.0');
  });

  it('reports the MD5 mismatch the board finds after the transfer', async () => {
    const { board } = await bench({ platform: 'ESP32', corruptFlash: true });
    const { job } = await push('esp32', '1.4.0');
    expect(job).toMatchObject({
      state: 'failed',
      result: { code: 'integrity-failure', deviceMessage: expect.stringContaining('0x8B') },
    });
    expect(job.result!.message).toContain('MD5');
    expect(board.bootCount).toBe(0);
  });

  it('carries on when the link drops after the last byte: the board flashed and comes back with the new version', async () => {
    const { board } = await bench({ platform: 'ESP32', dropBeforeFinalWord: true });
    const { job } = await push('esp32', '1.5.0');
    expect(job).toMatchObject({ state: 'updated', toVersion: '1.5.0' });
    expect(job.log.map((l) => l.text).join('\n')).toContain('before the board said it had flashed them');
    expect(board.projectVersion).toBe('1.5.0');
  });

  it('says so when a board answers in the extended protocol it was not asked for', async () => {
    // Not a simulated firmware: a stub that answers the feature byte with 0x48 <flags>.
    const stub = net.createServer((socket) => {
      socket.once('data', () => {
        socket.write(Buffer.from([0x00, 0x02]));
        socket.once('data', () => socket.write(Buffer.from([0x48, 0x02])));
      });
    });
    await new Promise<void>((resolve) => stub.listen(3232, '127.0.6.200', resolve));
    const file = makeEspAppImage({
      chip: 'esp32',
      size: 20_000,
      version: '9.0.0',
      fileName: `stub-${Math.random()}.bin`,
    });
    const info = { ...(await inspectImage(file.path)), imageId: 'stub' };
    try {
      const pushing = esphomeNative.push({
        target: { host: '127.0.6.200', port: 3232 },
        image: { path: file.path, info },
        credentials: null,
        commitTimeoutSeconds: 300,
        timeouts: { connectMs: 2000, idleMs: 2000, responseMs: 2000 },
        signal: new AbortController().signal,
        onBytes: () => undefined,
        log: () => undefined,
      });
      await expect(pushing).rejects.toMatchObject({
        code: 'unsupported-protocol',
        message: expect.stringContaining('extended ESPHome OTA protocol'),
      });
    } finally {
      await new Promise<void>((resolve) => stub.close(() => resolve()));
    }
  });
});
