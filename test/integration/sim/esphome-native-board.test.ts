// The simulated ESPHome native OTA node answers as ota_esphome.cpp does, byte for byte, to a client
// written here from the protocol (not the engine's): a wrong greeting gets 0x80, a client that
// does not offer SHA-256 gets 0x82 from current firmware, the extended protocol is answered only
// when asked for, gzip is offered only by the ESP8266, and `npm run sim --esphome-native` starts them.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EsphomeNativeBoard, type EsphomeNativeBoardOptions } from '../../sim/boards/esphome-native-board.ts';
import { startBench } from '../../sim/bench.ts';

const MAGIC = [0x6c, 0x26, 0xf7, 0x5c, 0x45];
let boards: EsphomeNativeBoard[] = [];
let next = 10;

async function board(options: Partial<EsphomeNativeBoardOptions> = {}) {
  const started = new EsphomeNativeBoard({ address: `127.0.7.${next++}`, mdns: false, ...options });
  boards.push(started);
  await started.start();
  return started;
}

/** Sends `bytes`, then collects what the board says until it closes or `ms` pass. */
async function exchange(target: EsphomeNativeBoard, steps: number[][], ms = 500): Promise<number[]> {
  const socket = net.connect({ host: target.address, port: target.port });
  const heard: number[] = [];
  socket.on('data', (data: Buffer) => heard.push(...data));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  for (const step of steps) {
    socket.write(Buffer.from(step));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, ms))]);
  socket.destroy();
  return heard;
}

afterEach(async () => {
  await Promise.all(boards.map((b) => b.stop()));
  boards = [];
});

describe('simulated ESPHome native OTA node', () => {
  it('listens on 3232 (ESP32) / 8266 (ESP8266) and refuses a wrong greeting with 0x80', async () => {
    const esp32 = await board();
    const esp8266 = await board({ platform: 'ESP8266' });
    expect([esp32.port, esp8266.port]).toEqual([3232, 8266]);
    expect(await exchange(esp32, [[1, 2, 3, 4, 5]])).toEqual([0x80]);
  });

  it('answers version 2, then 0x40 on ESP32 and 0x46 (gzip) on ESP8266, then 0x41 without a password', async () => {
    const esp32 = await board();
    const esp8266 = await board({ platform: 'ESP8266' });
    expect(await exchange(esp32, [MAGIC, [0x03]])).toEqual([0x00, 0x02, 0x40, 0x41]);
    expect(await exchange(esp8266, [MAGIC, [0x03]])).toEqual([0x00, 0x02, 0x46, 0x41]);
  });

  it('answers the extended protocol (0x48 + flags) only when the client asks for it', async () => {
    const esp8266 = await board({ platform: 'ESP8266' });
    expect(await exchange(esp8266, [MAGIC, [0x07]])).toEqual([0x00, 0x02, 0x48, 0x01, 0x41]);
  });

  it('challenges with SHA-256 (0x02 + 64 hex), refuses a client without SHA-256 (0x82), or with MD5 on old firmware', async () => {
    const current = await board({ password: 'p' });
    const sha = await exchange(current, [MAGIC, [0x03]]);
    expect(sha.slice(0, 4)).toEqual([0x00, 0x02, 0x40, 0x02]);
    expect(Buffer.from(sha.slice(4)).toString()).toMatch(/^[0-9a-f]{64}$/);
    expect(await exchange(current, [MAGIC, [0x01]])).toEqual([0x00, 0x02, 0x40, 0x82]);
    const old = await board({ password: 'p', auth: 'md5', otaVersion: 1 });
    const md5 = await exchange(old, [MAGIC, [0x01]]);
    expect(md5.slice(0, 4)).toEqual([0x00, 0x01, 0x40, 0x01]);
    expect(Buffer.from(md5.slice(4)).toString()).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses an image bigger than its OTA partition after the size (0x89 on ESP32)', async () => {
    const small = await board({ freeSpace: 1000 });
    expect(await exchange(small, [MAGIC, [0x03], [0, 0, 0x10, 0]])).toEqual([0x00, 0x02, 0x40, 0x41, 0x89]);
  });

  it('a port check (connect, close) records no session', async () => {
    const target = await board();
    expect(await exchange(target, [], 100)).toEqual([]);
    expect(target.sessions).toHaveLength(0);
  });

  it('starts in the sim bench with --esphome-native', async () => {
    const bench = await startBench({ esphomeNative: 2, firstAddress: '127.0.7.200', announceIntervalMs: 200 });
    try {
      expect(bench.boards.map((b) => [b.kind, b.port])).toEqual([
        ['esphome-native', 3232],
        ['esphome-native', 8266],
      ]);
    } finally {
      await bench.stop();
    }
  });
});
