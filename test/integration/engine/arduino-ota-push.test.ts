// ArduinoOTA (espota) end to end: discovered from `_arduino._tcp`, invited over UDP, the board
// connects back and pulls the image, reboots and announces itself again. Both password schemes, the
// MD5-hash fallback, and the failures a user meets: a wrong password, a board that never connects
// back (a firewall), an MD5 mismatch and a link that drops, each in its own words.
import { afterEach, describe, expect, it } from 'vitest';
import { ArduinoOtaBoard, type ArduinoOtaBoardOptions } from '../../sim/boards/arduino-ota-board.ts';
import { makeEspAppImage, writeFixture } from '../../sim/firmware-fixtures.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import type { Job } from '../../../shared/domain.ts';
import { request, testEngine, waitFor } from './engine-harness.ts';

let engine: OtaEngine | undefined;
let boards: ArduinoOtaBoard[] = [];
let nextAddress = 20;

async function bench(options: Partial<ArduinoOtaBoardOptions> = {}) {
  const board = new ArduinoOtaBoard({ address: `127.0.6.${nextAddress++}`, ...options });
  boards.push(board);
  await board.start();
  engine = testEngine();
  await engine.startDiscovery();
  const device = await waitFor(`${board.hostname} to be discovered`, () =>
    engine!.listDevices().find((d) => d.address === board.address && d.protocol === 'arduino-ota'),
  );
  return { board, engine, device };
}

async function push(
  chip: 'esp32' | 'esp8266',
  deviceId: string,
  password: string | null,
  size = 200_000,
): Promise<{ job: Job; sha256: string }> {
  const file = makeEspAppImage({ chip, size, version: '2.0.0', fileName: `sketch-${Math.random()}.bin` });
  const image = await engine!.inspectImage(file.path);
  const credentials = password === null ? undefined : { user: '', password };
  const job = await engine!.waitForJob(engine!.push(request(deviceId, image.imageId, { credentials })).id);
  return { job, sha256: file.sha256 };
}

afterEach(async () => {
  await engine?.close();
  await Promise.all(boards.map((b) => b.stop()));
  engine = undefined;
  boards = [];
});

describe('ArduinoOTA push', () => {
  it('updates an ESP32 (core ≥ 3.3.1, PBKDF2 password) and sees it announce itself again', async () => {
    const { board, device } = await bench({ password: 'bench-secret' });
    expect(device).toMatchObject({ port: 3232, authRequired: true, pushSupported: true });
    expect(device.txt).toMatchObject({ tcp_check: 'no', ssh_upload: 'no', board: 'esp32', auth_upload: 'yes' });
    const { job, sha256 } = await push('esp32', device.id, 'bench-secret');
    expect(job).toMatchObject({ state: 'updated', result: { code: 'success', deviceMessage: 'OK' } });
    expect(job.result!.message).toContain('does not report a version');
    expect(job.log.map((l) => l.text).join('\n')).toContain('announced itself again');
    expect(board.received.at(-1)).toMatchObject({ sha256, outcome: 'applied' });
    expect(board.bootCount).toBe(1);
  });

  it('sends a LittleFS image as a filesystem update (command 100)', async () => {
    const { board, device } = await bench();
    const data = Buffer.alloc(96 * 1024, 0xff);
    Buffer.from([1, 0, 0, 0, 0xf0, 0x0f, 0xff, 0xf7]).copy(data, 0);
    data.write('littlefs', 8, 'latin1');
    const file = writeFixture(`fs-${Math.random()}.littlefs.bin`, data);
    const image = await engine!.inspectImage(file.path);
    expect(image).toMatchObject({ format: 'littlefs', pushableWith: ['arduino-ota'] });
    const job = await engine!.waitForJob(engine!.push(request(device.id, image.imageId)).id);
    expect(job.state).toBe('updated');
    expect(board.received.at(-1)).toMatchObject({ sha256: file.sha256, outcome: 'applied', command: 100 });
  });

  it("listens on exactly the port the push names (the app's field, the CLI's --ota-port), over OTA_BENCH_OTA_PORT", async () => {
    const { board, device } = await bench();
    const file = makeEspAppImage({
      chip: 'esp32',
      size: 64_000,
      version: '2.0.0',
      fileName: `port-${Math.random()}.bin`,
    });
    const image = await engine!.inspectImage(file.path);
    const saved = process.env.OTA_BENCH_OTA_PORT;
    process.env.OTA_BENCH_OTA_PORT = '47311';
    try {
      const job = await engine!.waitForJob(
        engine!.push(request(device.id, image.imageId, { otaListenPort: 47312 })).id,
      );
      expect(job.state).toBe('updated');
      expect(job.log.map((l) => l.text).join('\n')).toMatch(/listening on [\d.]+:47312\./);
      expect(board.connectedTo.at(-1)).toMatch(/:47312$/);
      // Without one, the environment's port still counts (a user's OTA_BENCH_OTA_PORT).
      const again = await engine!.waitForJob(engine!.push(request(device.id, image.imageId)).id);
      expect(again.state).toBe('updated');
      expect(board.connectedTo.at(-1)).toMatch(/:47311$/);
    } finally {
      if (saved === undefined) delete process.env.OTA_BENCH_OTA_PORT;
      else process.env.OTA_BENCH_OTA_PORT = saved;
    }
  }, 30_000);

  it('falls back to the MD5 password hash as espota does (a board given setPasswordHash(md5))', async () => {
    const { board, device } = await bench({ password: 'pw', storedHash: 'md5' });
    const { job } = await push('esp32', device.id, 'pw');
    expect(job.state).toBe('updated');
    expect(job.log.map((l) => l.text).join('\n')).toContain('inviting again with the MD5 one');
    expect(board.received.at(-1)?.outcome).toBe('applied');
  });

  it('updates an ESP8266 with the classic MD5 challenge', async () => {
    const { board, device } = await bench({ platform: 'ESP8266', password: 'pw' });
    expect(device.port).toBe(8266);
    const { job, sha256 } = await push('esp8266', device.id, 'pw');
    expect(job.state).toBe('updated');
    expect(board.received.at(-1)).toMatchObject({ sha256, outcome: 'applied' });
  });

  it('says "wrong OTA password" and never hangs', async () => {
    const { board, device } = await bench({ password: 'right' });
    const { job } = await push('esp32', device.id, 'wrong');
    expect(job).toMatchObject({
      state: 'failed',
      result: { code: 'auth-failed', deviceMessage: 'Authentication Failed' },
    });
    expect(job.result!.message).toContain('Wrong OTA password');
    expect(board.received).toHaveLength(0);
  });

  it('asks for the password when the board wants one and none was given', async () => {
    const { device } = await bench({ platform: 'ESP8266', password: 'right' });
    const { job } = await push('esp8266', device.id, null);
    expect(job).toMatchObject({ state: 'failed', result: { code: 'auth-failed' } });
    expect(job.result!.message).toContain('OTA password');
  });

  it('names the firewall, the port and the address it listened on when the board never connects back', async () => {
    const { device } = await bench({ neverConnectsBack: true });
    const { job } = await push('esp32', device.id, null);
    expect(job).toMatchObject({ state: 'failed', result: { code: 'connection-lost' } });
    expect(job.result!.message).toMatch(
      /firewall blocking inbound TCP port (\d+), or the wrong interface: OTA Bench listened on [\d.]+:\1/,
    );
  }, 30_000);

  it('fails on "MD5 Check Failed" (espota would exit 0)', async () => {
    const { board, device } = await bench({ corruptFlash: true });
    const { job } = await push('esp32', device.id, null);
    expect(job).toMatchObject({ state: 'failed', result: { code: 'integrity-failure' } });
    expect(job.result!.deviceMessage).toContain('MD5 Check Failed');
    expect(board.bootCount).toBe(0);
  });

  it('says the image does not fit when the ESP8266 answers the invitation with ERROR[4]', async () => {
    const { board, device } = await bench({ platform: 'ESP8266', freeSpace: 100_000 });
    const { job } = await push('esp8266', device.id, null);
    expect(job).toMatchObject({
      state: 'failed',
      result: { code: 'not-enough-space', deviceMessage: 'ERROR[4]: Not Enough Space' },
    });
    expect(job.result!.message).toContain('no room for this image');
    expect(board.connectedTo).toHaveLength(0);
  });

  it('fails when the link drops before the final word', async () => {
    const { device } = await bench({ platform: 'ESP8266', dropAfterBytes: 50_000 });
    const { job } = await push('esp8266', device.id, null);
    expect(job).toMatchObject({ state: 'failed', result: { code: 'connection-lost' } });
    expect(job.result!.message).toContain('closed the connection after');
  });
});
