// Boards behind a password, as the real firmware guards itself (test/sim/http-auth.ts): Mongoose OS
// with `rpc.auth_file` (HTTP Digest on RPC and /update) found by address and by mDNS, pushed with
// and without credentials; ESPHome's web_server auth (Digest "asyncesp" on ESP8266, Basic on
// ESP-IDF) identified as ESPHome; a protocol forced onto the wrong board; a named protocol honoured
// when the probe gets no answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MongooseBoard, type MongooseBoardOptions } from '../../sim/boards/mongoose-board.ts';
import { EsphomeBoard } from '../../sim/boards/esphome-board.ts';
import { ArduinoBoard } from '../../sim/boards/arduino-board.ts';
import type { HttpBoard } from '../../sim/http-board.ts';
import { makeEspAppImage, makeMongooseFwZip } from '../../sim/firmware-fixtures.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import { discovered, reachState, request, shutdown, testEngine, waitFor } from './engine-harness.ts';

let engine: OtaEngine | undefined;
let boards: HttpBoard[] = [];
let next = 10;
const address = () => `127.0.9.${next++}`;
const credentials = { user: 'admin', password: 's3cret' };

async function started<B extends HttpBoard>(board: B): Promise<B> {
  boards.push(board);
  await board.start();
  engine = testEngine();
  return board;
}

const fwZip = (version: string) =>
  makeMongooseFwZip({
    platform: 'esp32',
    version,
    buildId: `20261203-${version}`,
    size: 200_000,
    fileName: `fw-auth-${version}-${Math.random()}.zip`,
  });

/** POST /update requests that reached the board (each a full upload attempt). */
function uploadsTo(board: HttpBoard): { count: number } {
  const seen = { count: 0 };
  board.on('request', (r: { method: string; url: string }) => {
    if (r.method === 'POST' && r.url.startsWith('/update')) seen.count += 1;
  });
  return seen;
}

afterEach(async () => {
  await shutdown(engine, boards);
  engine = undefined;
  boards = [];
});

describe('Mongoose OS with RPC authentication (HTTP Digest)', () => {
  const mongoose = (over: Partial<MongooseBoardOptions> = {}) =>
    new MongooseBoard({
      address: address(),
      fwVersion: '1.0.0',
      auth: credentials,
      announceIntervalMs: 200,
      bootMs: 400,
      ...over,
    });

  it('is identified as Mongoose OS by address, and says it needs a password', async () => {
    const board = await started(mongoose({ mdns: false }));
    const device = await engine!.resolveDevice(board.address);
    expect(device).toMatchObject({
      protocol: 'mongoose-os',
      authRequired: true,
      authChallenge: 'HTTP Digest (realm "RPC", MD5)',
    });
  });

  it('found by mDNS: without credentials the plan says "needs a password" and nothing is sent', async () => {
    const board = await started(mongoose());
    await engine!.startDiscovery();
    const device = await discovered(engine!, board);
    expect(device.protocol).toBe('mongoose-os');
    const image = await engine!.inspectImage(fwZip('1.1.0').path);
    const plan = await engine!.planPush(device.id, image.imageId);
    expect(plan.checks.find((c) => c.id === 'auth')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/needs a password \(HTTP Digest \(realm "RPC", MD5\)\)/),
    });
    const failed = await engine!.waitForJob(engine!.push(request(device.id, image.imageId)).id);
    expect(failed.result).toMatchObject({ code: 'auth-failed', message: expect.stringMatching(/needs a password/) });
    expect(board.uploads).toHaveLength(0);
  });

  it('found by mDNS, pushed with credentials: Digest on RPC and /update, the image goes out once, commit works', async () => {
    const board = await started(mongoose({ auth: { ...credentials, algorithm: 'SHA-256' } }));
    const posts = uploadsTo(board);
    await engine!.startDiscovery();
    const device = await discovered(engine!, board);
    const file = fwZip('1.2.0');
    const image = await engine!.inspectImage(file.path);
    const job = engine!.push(request(device.id, image.imageId, { credentials, commitTimeoutSeconds: 120 }));
    await reachState(engine!, job.id, 'awaiting-commit');
    expect(board.uploads.at(-1)?.sha256).toBe(file.sha256);
    expect(posts.count).toBe(1);
    const digests = board.auth!.received.filter((h) => h?.startsWith('Digest '));
    expect(digests.length).toBeGreaterThan(2);
    expect(digests.some((h) => /algorithm=SHA-256.*nc=00000002/.test(h!))).toBe(true);
    engine!.commitJob(job.id);
    expect(await engine!.waitForJob(job.id)).toMatchObject({ state: 'committed', toVersion: '1.2.0' });
  });

  // #10 §2b: this used to check that the job sent the password to whatever address the board's name
  // moved to. Credentials now go only to an address that proved it is the board, and a board behind a
  // password cannot say which board it is without one: its new address stays unverified (the row
  // says so) and gets no credentials until the user adds the board by that address.
  it('a board that comes back on another address gets no credentials there until the user adds it by address', async () => {
    const before = address();
    const moved = address();
    const board = await started(mongoose({ address: before, newAddressOnReboot: moved }));
    await engine!.startDiscovery();
    const device = await discovered(engine!, board);
    let sentBeforeReboot = Number.POSITIVE_INFINITY;
    board.once('offline', () => (sentBeforeReboot = board.auth!.received.length));
    const image = await engine!.inspectImage(fwZip('1.5.0').path);
    const job = engine!.push(request(device.id, image.imageId, { credentials, commitTimeoutSeconds: 120 }));
    const flagged = await waitFor(
      'the new address flagged',
      () => engine!.listDevices().find((d) => d.id === device.id && d.addressChange?.state === 'unverified'),
      20_000,
    );
    expect(flagged).toMatchObject({
      address: before,
      addressChange: {
        address: moved,
        message: expect.stringMatching(/asks for a password before it says which board it is/),
      },
    });
    expect(await engine!.waitForJob(job.id)).toMatchObject({
      state: 'failed',
      result: {
        message: expect.stringMatching(/did not come back.*Address changed, not verified.*asks for a password/s),
      },
    });
    expect(board.auth!.received.slice(sentBeforeReboot).every((header) => header === undefined)).toBe(true);
    // The user adds it by its new address, with its password: the row moves there.
    const readded = await engine!.resolveDevice(moved, undefined, { credentials });
    expect(readded).toMatchObject({ id: device.id, address: moved, addressChange: null });
    expect(await engine!.deviceStatus(device.id)).toMatchObject({ reachable: true, firmwareVersion: '1.5.0' });
  });

  it('a wrong password is reported as such, before any upload', async () => {
    const board = await started(mongoose({ mdns: false }));
    const device = await engine!.resolveDevice(board.address);
    const image = await engine!.inspectImage(fwZip('1.3.0').path);
    const done = await engine!.waitForJob(
      engine!.push(request(device.id, image.imageId, { credentials: { user: 'admin', password: 'wrong' } })).id,
    );
    expect(done.result).toMatchObject({
      code: 'auth-failed',
      message: expect.stringMatching(/refused the user name or password/),
    });
    expect(board.uploads).toHaveLength(0);
  });

  it('an expired nonce (Mongoose re-challenges without stale) is answered again', async () => {
    const board = await started(mongoose({ mdns: false, auth: { ...credentials, nonceLifetimeMs: 1500 } }));
    const device = await engine!.resolveDevice(board.address, undefined, { credentials });
    // Deliberately lets time pass: the nonce the engine holds must have expired (1.5 s) before the next request.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const status = await engine!.deviceStatus(device.id);
    expect(status).toMatchObject({ reachable: true, firmwareVersion: '1.0.0', bootState: { committed: true } });
  });
});

describe('ESPHome addressed by host:port', () => {
  it('is ESPHome: its page comes gzip-compressed, as the firmware stores it', async () => {
    const board = await started(new EsphomeBoard({ address: address(), platform: 'ESP32', mdns: false }));
    expect(await engine!.resolveDevice(`${board.address}:80`)).toMatchObject({
      protocol: 'esphome-web',
      protocolEvidence: 'probe',
      authRequired: false,
    });
  });
});

describe('ESPHome with web_server auth', () => {
  it('ESP8266 (ESPAsyncWebServer, Digest "asyncesp"): ESPHome by mDNS and by address; pushed with Digest', async () => {
    const board = await started(
      new EsphomeBoard({ address: address(), platform: 'ESP8266', credentials, announceIntervalMs: 200, bootMs: 400 }),
    );
    await engine!.startDiscovery();
    await discovered(engine!, board);
    // Listed from mDNS first; the probe then sees how it asks for a password.
    const device = await waitFor('the probe', () =>
      engine!.listDevices().find((d) => d.address === board.address && d.authRequired),
    );
    expect(device).toMatchObject({ protocol: 'esphome-web', authChallenge: expect.stringMatching(/asyncesp/) });
    const other = testEngine();
    const byAddress = await other.resolveDevice(board.address).finally(() => other.close());
    expect(byAddress).toMatchObject({
      protocol: 'esphome-web',
      authChallenge: expect.stringMatching(/Digest \(realm "asyncesp"/),
    });
    const file = makeEspAppImage({
      chip: 'esp8266',
      size: 200_000,
      version: '1.1.0',
      fileName: `esphome-auth-${Math.random()}.bin`,
    });
    const done = await engine!.waitForJob(
      engine!.push(request(device.id, (await engine!.inspectImage(file.path)).imageId, { credentials })).id,
    );
    expect(done).toMatchObject({ state: 'updated', result: { code: 'success' } });
    expect(board.uploads.at(-1)?.headers.authorization).toMatch(
      /^Digest username="admin", realm="asyncesp", uri="\/update"/,
    );
  });

  it('ESP32 (ESP-IDF, Basic): by address it is not guessed, the reason names the password; with credentials it is ESPHome', async () => {
    const board = await started(new EsphomeBoard({ address: address(), platform: 'ESP32', credentials, mdns: false }));
    const unknown = await engine!.resolveDevice(board.address);
    expect(unknown).toMatchObject({
      protocol: 'unknown',
      authRequired: true,
      probeNote: expect.stringMatching(
        /GET \/: HTTP 401, asks for a password \(HTTP Basic \(realm "Login Required"\)\)/,
      ),
    });
    const image = await engine!.inspectImage(
      makeEspAppImage({ chip: 'esp32', size: 100_000, version: '1.1.0', fileName: `esphome-idf-${Math.random()}.bin` })
        .path,
    );
    await expect(engine!.planPush(unknown.id, image.imageId)).rejects.toThrow(
      /could not tell which update protocol it speaks \(GET \/: HTTP 401.*It asks for a password: give its user name and password so OTA Bench can look behind it, or name its protocol/,
    );
    const other = testEngine();
    const known = await other
      .resolveDevice(`${board.address}:80`, undefined, { credentials })
      .finally(() => other.close());
    expect(known).toMatchObject({ protocol: 'esphome-web', authRequired: true });
  });
});

describe('a forced protocol is judged by its own rules', () => {
  it('esphome-web forced onto an Arduino board: the plan names it and refuses; pushed anyway, the result is the truth', async () => {
    const board = await started(new ArduinoBoard({ variant: 'esp8266', address: address(), mdns: false, bootMs: 300 }));
    const device = await engine!.resolveDevice(board.address);
    expect(device.protocol).toBe('arduino-esp8266');
    const image = await engine!.inspectImage(
      makeEspAppImage({ chip: 'esp8266', size: 100_000, version: '2.0.0', fileName: `forced-${Math.random()}.bin` })
        .path,
    );
    const plan = await engine!.planPush(device.id, image.imageId, undefined, { protocol: 'esphome-web' });
    expect(plan).toMatchObject({ protocol: 'esphome-web', verdict: 'needs-override' });
    expect(plan.checks[0]).toMatchObject({
      id: 'protocol',
      label: 'Forced protocol: ESPHome web OTA',
      status: 'fail',
      overridable: true,
      detail: expect.stringMatching(/Arduino HTTPUpdateServer's upload form/),
    });
    const refused = await engine!.waitForJob(
      engine!.push(request(device.id, image.imageId, { protocol: 'esphome-web' })).id,
    );
    expect(refused.state).toBe('failed');
    expect(board.uploads).toHaveLength(0);
    const forced = await engine!.waitForJob(
      engine!.push(
        request(device.id, image.imageId, { protocol: 'esphome-web', override: { planFingerprint: plan.fingerprint } }),
      ).id,
    );
    expect(forced).toMatchObject({
      state: 'updated',
      result: { code: 'success', deviceMessage: expect.stringMatching(/Update Success! Rebooting/) },
    });
    expect(forced.log.map((l) => l.text).join('\n')).toMatch(
      /answered as Arduino's HTTPUpdateServer does, not ESPHome: it took the image/,
    );
  });

  it('--protocol mongoose-os is honoured when the probe gets no answer', async () => {
    class SlowRootBoard extends MongooseBoard {
      protected override async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
        if (new URL(request.url ?? '/', 'http://d').pathname === '/') return; // its file server never answers
        return super.handle(request, response);
      }
    }
    const board = await started(
      new SlowRootBoard({ address: address(), fwVersion: '1.0.0', mdns: false, bootMs: 400 }),
    );
    await expect(engine!.resolveDevice(board.address)).rejects.toThrow(/Cannot reach/);
    const device = await engine!.resolveDevice(board.address, undefined, { protocol: 'mongoose-os' });
    expect(device).toMatchObject({ protocol: 'mongoose-os', protocolEvidence: 'user' });
    const image = await engine!.inspectImage(fwZip('1.4.0').path);
    const plan = await engine!.planPush(device.id, image.imageId, undefined, { protocol: 'mongoose-os' });
    expect(plan.verdict).toBe('ready');
    const job = engine!.push(request(device.id, image.imageId, { protocol: 'mongoose-os', commitTimeoutSeconds: 0 }));
    const done = await engine!.waitForJob(job.id);
    expect(done.result?.code, done.result?.message).toBe('success');
    await waitFor('the upload', () => board.uploads.length === 1);
  });
});
