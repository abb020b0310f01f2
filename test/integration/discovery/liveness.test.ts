// "The list says who is there": a goodbye (records with TTL 0) or a TTL that runs out takes a board
// offline within 5 s, whatever protocol it speaks and however it was identified; a board that was
// identified by probing it, and then stops answering, is re-checked and goes offline. Before, a probe
// kept Arduino, esp-link and ESPHome boards "online" for five minutes after their goodbye.
import { afterEach, describe, expect, it } from 'vitest';
import type { Device, ProtocolId } from '../../../shared/domain.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import { ArduinoBoard } from '../../sim/boards/arduino-board.ts';
import { EspLinkBoard } from '../../sim/boards/esp-link-board.ts';
import { EsphomeBoard } from '../../sim/boards/esphome-board.ts';
import { MongooseBoard } from '../../sim/boards/mongoose-board.ts';
import type { HttpBoard } from '../../sim/http-board.ts';
import type { MdnsResponder } from '../../sim/mdns-responder.ts';
import { testEngine, waitFor } from '../engine/engine-harness.ts';

let engine: OtaEngine | undefined;
const boards: HttpBoard[] = [];
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  await Promise.all(boards.splice(0).map((board) => board.stop()));
});

let nextAddress = 10;
const address = () => `127.0.7.${nextAddress++}`;

// Every kind the way the engine identifies it (from its TXT or service type, and by probing its web
// server); the probe's result is what used to outlive a goodbye.
const KINDS: Array<{ kind: string; protocol: ProtocolId; make: (address: string) => HttpBoard }> = [
  {
    kind: 'Arduino ESP8266',
    protocol: 'arduino-esp8266',
    make: (a) => new ArduinoBoard({ variant: 'esp8266', address: a, announceIntervalMs: 200 }),
  },
  {
    kind: 'esp-link',
    protocol: 'esp-link',
    make: (a) => new EspLinkBoard({ address: a, hostname: `esp-link-${a.split('.')[3]}`, announceIntervalMs: 200 }),
  },
  {
    kind: 'ESPHome',
    protocol: 'esphome-web',
    make: (a) => new EsphomeBoard({ address: a, platform: 'ESP32', projectVersion: '1.0.0', announceIntervalMs: 200 }),
  },
  {
    kind: 'Mongoose OS',
    protocol: 'mongoose-os',
    make: (a) => new MongooseBoard({ address: a, announceIntervalMs: 200 }),
  },
];

async function started(board: HttpBoard): Promise<HttpBoard> {
  boards.push(board);
  await board.start();
  return board;
}

/** Discovery lists the board online as `protocol`, and the probe of its web server is done (its answer is listed). */
async function identified(board: HttpBoard, protocol: ProtocolId): Promise<Device> {
  return waitFor(
    `${board.hostname} identified as ${protocol} by its probe`,
    () =>
      engine!
        .listDevices()
        .find(
          (d) => d.address === board.address && d.online && d.protocol === protocol && d.protocolEvidence === 'probe',
        ),
    15_000,
  );
}

/** Milliseconds until the device is listed offline (fails after `limitMs`). */
async function msUntilOffline(deviceId: string, since: number, limitMs: number): Promise<number> {
  await waitFor(
    `${deviceId} offline`,
    () => engine!.listDevices().find((d) => d.id === deviceId && !d.online),
    limitMs,
  );
  return Date.now() - since;
}

describe('liveness', () => {
  it.each(KINDS)('a goodbye takes a $kind board offline within 5 s', async ({ make, protocol }) => {
    engine = testEngine();
    await engine.startDiscovery();
    const board = await started(make(address()));
    const device = await identified(board, protocol);
    const stoppedAt = Date.now();
    await board.stop(); // says goodbye, as every firmware here does on a clean shutdown
    expect(await msUntilOffline(device.id, stoppedAt, 5000)).toBeLessThan(5000);
    const offline = engine.listDevices().find((d) => d.id === device.id)!;
    expect(offline.lastSeen).toBeLessThanOrEqual(stoppedAt);
  });

  it('a TTL that runs out takes a probed board offline within 5 s, even while its web server still answers', async () => {
    engine = testEngine();
    await engine.startDiscovery();
    const board = await started(
      new ArduinoBoard({ variant: 'esp8266', address: address(), announceIntervalMs: 200, mdnsTtl: 3 }),
    );
    const device = await identified(board, 'arduino-esp8266');
    // Its mDNS responder dies without a goodbye (the ESP8266 sketch stopped calling MDNS.update()).
    const responder = (board as unknown as { mdns: MdnsResponder }).mdns;
    await responder.stop({ goodbye: false });
    const silentAt = Date.now();
    const lastAnswer = engine.listDevices().find((d) => d.id === device.id)!.lastSeen;
    await msUntilOffline(device.id, silentAt, 3000 + 5000 + 1000);
    // Offline no later than 5 s after the records' TTL ran out.
    expect(Date.now() - (lastAnswer + 3000)).toBeLessThan(5000);
  });

  it('a probed board that stops answering without a goodbye is re-checked and goes offline', async () => {
    engine = testEngine();
    await engine.startDiscovery();
    const board = await started(new ArduinoBoard({ variant: 'esp8266', address: address(), announceIntervalMs: 200 }));
    const device = await identified(board, 'arduino-esp8266');
    // Power cut: no goodbye, and its records' TTL (120 s) is far away.
    board.setQuirks({ goodbyeOnReboot: false, neverComesBack: true });
    const cutAt = Date.now();
    void board.reboot({ delayMs: 0 });
    const ms = await msUntilOffline(device.id, cutAt, 20_000);
    expect(ms).toBeLessThan(20_000);
  });

  it('a board added by address that stops answering is re-checked and goes offline, and comes back', async () => {
    engine = testEngine();
    await engine.startDiscovery();
    const board = await started(new EspLinkBoard({ address: address(), hostname: 'typed-esp', mdns: false }));
    const device = await engine.resolveDevice(board.address);
    expect(device.online).toBe(true);
    await board.stop();
    const stoppedAt = Date.now();
    await msUntilOffline(device.id, stoppedAt, 20_000);
    await board.start();
    await waitFor('back online', () => engine!.listDevices().find((d) => d.id === device.id && d.online), 20_000);
  });
});
