// The simulated esp-link board, spoken to the way esp-link's HTTP/1.0 server has to be: raw
// sockets where the exact bytes matter, curl --data-binary the way wiflash pushes. Covers every
// /flash/* error string and status line, the 6-connection limit, the slot flip after a good push,
// the bootloader's revert (image linked for the other slot, bad CRC, truncated, 1024+1024 map),
// the firmware size limit, small flash maps, and the network quirks.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bonjour, type Service } from 'bonjour-service';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { EspLinkBoard, type EspLinkBootEvent, type EspLinkBoardOptions } from '../../sim/boards/esp-link-board.ts';
import { countWindowWords } from '../../sim/boards/esp-link-flash.ts';
import { buildEsp8266V2Image } from '../../sim/esp8266-v2-image.ts';
import { startBench } from '../../sim/bench.ts';
import { curl, nextEvent, sleep, waitUntil } from './sim-test-kit.ts';
import { findTestdata } from '../../support/testdata.ts';

const boards: EspLinkBoard[] = [];
afterEach(async () => {
  await Promise.all(boards.splice(0).map((board) => board.stop()));
});

let nextHost = 10;
async function espLink(options: Partial<EspLinkBoardOptions> = {}): Promise<EspLinkBoard> {
  const board = new EspLinkBoard({
    address: `127.0.6.${nextHost++}`,
    mdns: false,
    bootMs: 200,
    rebootDelayMs: 50,
    ...options,
  });
  boards.push(board);
  await board.start();
  return board;
}

const dir = mkdtempSync(path.join(tmpdir(), 'esp-link-sim-'));
function file(name: string, data: Buffer): string {
  const target = path.join(dir, name);
  writeFileSync(target, data);
  return target;
}

interface RawReply {
  /** Everything the board sent, latin1. */
  text: string;
  status: string;
  headers: string[];
  body: string;
  /** Socket error seen after or instead of the answer (ECONNRESET, EPIPE), if any. */
  error: string | null;
}

/**
 * Sends `head` (and `body`, streamed in 16 KiB writes) on a raw socket and collects whatever comes
 * back until the board closes. With `stopAfter`, only that many body bytes are sent.
 */
function raw(board: EspLinkBoard, head: string, body: Buffer = Buffer.alloc(0), timeoutMs = 3000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: board.address, port: board.port });
    const chunks: Buffer[] = [];
    let error: string | null = null;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`no close within ${timeoutMs} ms; got ${JSON.stringify(Buffer.concat(chunks).toString('latin1'))}`),
      );
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (failure: NodeJS.ErrnoException) => (error = failure.code ?? failure.message));
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const [status = '', ...headers] = (split < 0 ? text : text.slice(0, split)).split('\r\n');
      resolve({ text, status, headers, body: split < 0 ? '' : text.slice(split + 4), error });
    });
    socket.on('connect', async () => {
      socket.write(head);
      for (let at = 0; at < body.length && !socket.destroyed; at += 16 * 1024) {
        if (!socket.write(body.subarray(at, at + 16 * 1024)))
          await new Promise((r) => socket.once('drain', r).once('close', r));
      }
    });
  });
}

const post = (url: string, body: Buffer, length = body.length, extra = '') =>
  `POST ${url} HTTP/1.1\r\nHost: esp-link\r\nContent-Length: ${length}\r\n${extra}\r\n`;
const get = (url: string) => `GET ${url} HTTP/1.1\r\nHost: esp-link\r\n\r\n`;
/** Connections the board's server has accepted and not yet seen closed (HttpBoard tracks them privately). */
const serverConnections = (board: EspLinkBoard) => (board as unknown as { sockets: Set<net.Socket> }).sockets.size;

const FLASH_ERROR_HEAD =
  'HTTP/1.0 400 ERROR\r\nServer: esp-link\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n';
const image2 = buildEsp8266V2Image({ slot: 2, size: 300_000, version: '2.0.0' });
const image1 = buildEsp8266V2Image({ slot: 1, size: 300_000, version: '1.5.0' });

/** An image header that passes check_header, with `patch` applied, padded to `size`. */
function header(patch: (head: Buffer) => void, size = 1024): Buffer {
  const data = Buffer.alloc(size, 0x55);
  image2.copy(data, 0, 0, 16);
  patch(data);
  return data;
}

async function pushAndReboot(board: EspLinkBoard, image: Buffer): Promise<EspLinkBootEvent> {
  const upload = await raw(board, post('/flash/upload', image), image);
  expect(upload.text).toBe('HTTP/1.0 200 OK\r\nServer: esp-link\r\nConnection: close\r\n\r\n');
  const boot = nextEvent<[EspLinkBootEvent]>(board, 'boot');
  expect((await raw(board, get('/flash/reboot'))).status).toBe('HTTP/1.0 200 OK');
  return (await boot)[0];
}

const json = async (board: EspLinkBoard, url: string) =>
  JSON.parse((await raw(board, get(url))).body) as Record<string, unknown>;

describe('esp-link simulator: HTTP/1.0 server and routes', () => {
  it('GET /flash/next answers the other slot, exactly as cgiGetFirmwareNext writes it, then closes', async () => {
    const board = await espLink();
    const reply = await raw(board, get('/flash/next'));
    expect(reply.text).toBe(
      'HTTP/1.0 200 OK\r\nServer: esp-link\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\nuser2.bin',
    );
    expect(reply.error).toBeNull();
    const second = await espLink({ runningSlot: 2 });
    expect((await raw(second, get('/flash/next?x=1'))).body).toBe('user1.bin');
    // Any method esp-link parses (GET or POST) reaches the handler.
    expect((await raw(second, post('/flash/next', Buffer.alloc(0)))).body).toBe('user1.bin');
  });

  it('/system/info and /menu are the firmware JSON, byte for byte', async () => {
    const board = await espLink({ hostname: 'bench-esp-link-a', version: 'esp-link v3.0.14-g963ffbb' });
    const info = await raw(board, get('/system/info'));
    expect(info.headers).toEqual([
      'Server: esp-link',
      'Connection: close',
      'Cache-Control: no-cache, no-store, must-revalidate',
      'Pragma: no-cache',
      'Expires: 0',
      'Content-Type: application/json',
    ]);
    expect(info.body).toBe(
      '{ "name": "bench-esp-link-a", "reset cause": "0=normal", "size": "4MB:512/512", "upload-size": "3129344", "id": "0xE0 0x4016", ' +
        '"partition": "user1.bin", "slip": "disabled", "mqtt": "disabled/disconnected", "baud": "115200", "description": "" }',
    );
    const menu = await raw(board, get('/menu'));
    expect(menu.headers).toEqual(info.headers);
    expect(menu.body).toBe(
      '{ "menu": [ "Home", "/home.html", "WiFi Station", "/wifi/wifiSta.html", "WiFi Soft-AP", "/wifi/wifiAp.html", ' +
        '"&#xb5;C Console", "/console.html", "Services", "/services.html", "REST/MQTT", "/mqtt.html", "Debug log", "/log.html",' +
        '"Upgrade Firmware", "/flash.html","Web Server", "/web-server.html" ], "version": "esp-link v3.0.14-g963ffbb", "name": "bench-esp-li" }',
    );
    // The name is cut to 12 characters, as cgiMenu does.
    expect(JSON.parse(menu.body)).toMatchObject({ name: 'bench-esp-li' });
  });

  it('/ redirects to the home page, unknown URLs get the built-in 404', async () => {
    const board = await espLink();
    expect((await raw(board, get('/'))).text).toBe(
      'HTTP/1.0 302 Found\r\nServer: esp8266-link\r\nConnection: close\r\nLocation: /home.html\r\n\r\nRedirecting to /home.html\r\n',
    );
    const home = await raw(board, get('/home.html'));
    expect(home.status).toBe('HTTP/1.0 200 OK');
    expect(home.body).toContain('<title>esp-link</title>');
    expect((await raw(board, get('/update'))).text).toBe(
      'HTTP/1.0 404 Not Found\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nNot Found.\r\n',
    );
  });

  it('holds 6 connections; a 7th is closed at once without an answer', async () => {
    const board = await espLink();
    const open = await Promise.all(
      Array.from(
        { length: 6 },
        () =>
          new Promise<net.Socket>((resolve) => {
            const socket = net.connect({ host: board.address, port: board.port }, () => resolve(socket));
          }),
      ),
    );
    await waitUntil(() => serverConnections(board) === 6, 2000, 'the board to accept six connections');
    const started = Date.now();
    const seventh = await raw(board, get('/flash/next'));
    expect(seventh.text).toBe('');
    expect(Date.now() - started).toBeLessThan(500);
    open[0]!.destroy();
    await waitUntil(() => serverConnections(board) === 5, 2000, 'the board to see one close');
    expect((await raw(board, get('/flash/next'))).body).toBe('user2.bin');
    for (const socket of open) socket.destroy();
  });

  it('never answers what its parser does not understand: other methods, a head over 1024 bytes', async () => {
    const board = await espLink();
    await expect(raw(board, 'PUT /flash/next HTTP/1.1\r\nHost: x\r\n\r\n', undefined, 300)).rejects.toThrow(
      'no close within 300 ms; got ""',
    );
    await expect(
      raw(board, `GET /flash/next HTTP/1.1\r\nX-Long: ${'a'.repeat(1100)}\r\n\r\n`, undefined, 300),
    ).rejects.toThrow('no close within 300 ms; got ""');
  });

  it('garbageResponses: /flash/next, /system/info and /menu answer junk', async () => {
    const board = await espLink({ garbageResponses: true });
    for (const url of ['/flash/next', '/system/info', '/menu']) {
      const reply = await raw(board, get(url));
      expect(reply.status).toBe('HTTP/1.0 200 OK');
      expect(reply.body).not.toMatch(/^user[12]\.bin$/);
      expect(() => JSON.parse(reply.body)).toThrow();
    }
  });
});

describe('esp-link simulator: /flash/upload checks', () => {
  it('answers every cgiUploadFirmware error with its exact text, status line and no Content-Length', async () => {
    const board = await espLink();
    const cases: Array<[string, string, Buffer?]> = [
      ['Invalid request', get('/flash/upload')],
      ['Invalid request', `POST /flash/upload HTTP/1.1\r\nHost: x\r\n\r\n`],
      [
        'Invalid request',
        `POST /flash/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`,
        Buffer.from('400\r\n'),
      ],
      // The header name is matched case-sensitively: a lower-case content-length is not seen.
      ['Invalid request', `POST /flash/upload HTTP/1.1\r\ncontent-length: 1024\r\n\r\n`, header(() => {})],
      ['Invalid request', post('/flash/upload', Buffer.alloc(1023)), header(() => {}, 1023)],
      ['Invalid request', `GET /flash/upload HTTP/1.1\r\nContent-Length: 1024\r\n\r\n`, header(() => {})],
      ['IROM magic missing', post('/flash/upload', Buffer.alloc(1024)), header((h) => (h[0] = 0xe9))],
      ['bad flash header', post('/flash/upload', Buffer.alloc(1024)), header((h) => (h[1] = 3))],
      ['bad flash header', post('/flash/upload', Buffer.alloc(1024)), header((h) => (h[2] = 4))],
      ['bad flash header', post('/flash/upload', Buffer.alloc(1024)), header((h) => (h[3] = 0x70))],
      ['Invalid entry addr', post('/flash/upload', Buffer.alloc(1024)), header((h) => h.writeUInt32LE(0x40200004, 4))],
      [
        'Invalid start offset',
        post('/flash/upload', Buffer.alloc(1024)),
        header((h) => h.writeUInt32LE(0x40201010, 8)),
      ],
      // Only the first 1024 bytes are sent: the answer comes after the first piece.
      ['Firmware image too large', post('/flash/upload', Buffer.alloc(0), 503_809), header(() => {})],
    ];
    for (const [message, head, body] of cases) {
      const reply = await raw(board, head, body);
      expect(reply.text, head.split('\r\n')[0]).toBe(`${FLASH_ERROR_HEAD}${message}\r\n`);
    }
    expect(board.uploads.map((upload) => [upload.outcome, upload.status, upload.message.trim()])).toEqual(
      cases.map(([message]) => ['rejected', 400, message]),
    );
    expect(board.slots[2].bytes.subarray(0, 4096).every((byte) => byte === 0xff)).toBe(true);
  });

  it('answers the error while the client still streams, then stops reading and closes', async () => {
    const board = await espLink();
    const bad = Buffer.concat([header((h) => (h[0] = 0)), Buffer.alloc(4 * 1024 * 1024)]);
    const reply = await raw(board, post('/flash/upload', bad, 503_000), bad);
    expect(reply.text).toBe(`${FLASH_ERROR_HEAD}IROM magic missing\r\n`);
    // The board read one piece; the rest of the 4 MiB never got in.
    expect(board.uploads[0]).toMatchObject({ size: 1024, declaredLength: 503_000, status: 400 });
    expect(['ECONNRESET', 'EPIPE']).toContain(reply.error);
  });

  it('takes exactly FIRMWARE_SIZE (503808) bytes and no more', async () => {
    const board = await espLink();
    const full = Buffer.concat([image2, Buffer.alloc(503_808 - image2.length)]);
    expect((await raw(board, post('/flash/upload', full), full)).status).toBe('HTTP/1.0 200 OK');
    expect(board.uploads[0]).toMatchObject({ outcome: 'applied', size: 503_808, slot: 2, address: 0x81000 });
    const over = Buffer.concat([full, Buffer.alloc(1)]);
    expect((await raw(board, post('/flash/upload', over), over)).body).toBe('Firmware image too large\r\n');
  });

  it('refuses every flash route below the 1MB:512/512 map (errorResponse: no-cache headers, no CRLF)', async () => {
    const board = await espLink({ flashSizeMap: 0 });
    const expected =
      'HTTP/1.0 400 ERROR\r\nServer: esp-link\r\nConnection: close\r\nCache-Control: no-cache, no-store, must-revalidate\r\nPragma: no-cache\r\nExpires: 0\r\n\r\nFlash too small for OTA update';
    expect((await raw(board, get('/flash/next'))).text).toBe(expected);
    expect((await raw(board, post('/flash/upload', image2), image2)).text).toBe(expected);
    expect((await raw(board, get('/flash/reboot'))).text).toBe(expected);
    expect((await json(board, '/system/info')).size).toBe('512KB:256/256');
    const oneMeg = await espLink({ flashSizeMap: 2 });
    expect((await raw(oneMeg, get('/flash/next'))).body).toBe('user2.bin');
    expect(await json(oneMeg, '/system/info')).toMatchObject({ size: '1MB:512/512', id: '0xE0 0x4014' });
  });
});

describe('esp-link simulator: slots and the bootloader', () => {
  it('a user2 image pushed with curl --data-binary (wiflash) boots: slot, next, partition and version flip', async () => {
    const board = await espLink({ rebootDelayMs: 2000 });
    expect(countWindowWords(image2)[2]).toBeGreaterThan(100);
    const pushed = await curl('-sS', '--data-binary', `@${file('user2.bin', image2)}`, `${board.url}/flash/upload`);
    expect(pushed).toMatchObject({ status: 200, body: '', exitCode: 0 });
    expect(board.uploads[0]).toMatchObject({
      field: 'raw',
      outcome: 'applied',
      size: image2.length,
      slot: 2,
      status: 200,
    });
    expect(board.slots[2].bytes.subarray(0, image2.length).equals(image2)).toBe(true);
    // Sector erases follow the write: 0x81, 0x82, … one per 4 KB.
    expect(board.slots[2].erasedSectors.slice(0, 3)).toEqual([0x81, 0x82, 0x83]);

    const offline = nextEvent(board, 'offline', 5000);
    const boot = nextEvent<[EspLinkBootEvent]>(board, 'boot', 5000);
    const rebootAt = Date.now();
    const reboot = await curl('-sS', `${board.url}/flash/reboot`);
    expect(reboot).toMatchObject({ status: 200, body: '', exitCode: 0 });
    expect(reboot.headers['content-length']).toBe('0');
    // Still up (and still on user1) during the 2 s reboot timer.
    expect((await raw(board, get('/flash/next'))).body).toBe('user2.bin');
    await offline;
    expect(Date.now() - rebootAt).toBeGreaterThanOrEqual(1900);
    expect((await boot)[0]).toEqual({
      slot: 2,
      reverted: false,
      switched: true,
      resetCause: '4=restart',
      reason: null,
    });
    expect((await raw(board, get('/flash/next'))).body).toBe('user1.bin');
    expect(await json(board, '/system/info')).toMatchObject({ partition: 'user2.bin', 'reset cause': '4=restart' });
    expect((await json(board, '/menu')).version).toBe('2.0.0');
    expect(board.firmwareVersion).toBe('2.0.0');
  });

  it('reverts when given the image linked for the other slot (user1.bin while it wants user2.bin)', async () => {
    const board = await espLink();
    const boot = await pushAndReboot(board, image1);
    expect(boot).toMatchObject({ slot: 1, reverted: true, switched: false, resetCause: '2=exception' });
    expect(boot.reason).toMatch(/linked for user1\.bin/);
    expect((await raw(board, get('/flash/next'))).body).toBe('user2.bin');
    expect(await json(board, '/system/info')).toMatchObject({ partition: 'user1.bin', 'reset cause': '2=exception' });
    expect((await json(board, '/menu')).version).toBe('esp-link v3.0.14-g963ffbb');
  });

  it('a user1 image boots on a board running user2', async () => {
    const board = await espLink({ runningSlot: 2 });
    expect(await pushAndReboot(board, image1)).toMatchObject({ slot: 1, switched: true });
    expect((await json(board, '/menu')).version).toBe('1.5.0');
  });

  it('reverts on a bad CRC-32 trailer, on a bad segment checksum, and on a 1024+1024 image at 0x81000', async () => {
    const board = await espLink();
    const badCrc = Buffer.from(image2);
    badCrc[badCrc.length - 1]! ^= 0x01;
    expect(await pushAndReboot(board, badCrc)).toMatchObject({ reverted: true, reason: expect.stringMatching(/CRC/) });
    const badChecksum = Buffer.from(image2);
    badChecksum[badChecksum.length - 5]! ^= 0x01;
    expect(await pushAndReboot(board, badChecksum)).toMatchObject({
      reverted: true,
      reason: 'segment checksum mismatch',
    });
    const map1024 = buildEsp8266V2Image({ slot: 2, size: 100_000, flashSizeFreq: 0x50 });
    expect(await pushAndReboot(board, map1024)).toMatchObject({
      reverted: true,
      reason: expect.stringMatching(/1024\+1024/),
    });
    // And the good image still boots afterwards.
    expect(await pushAndReboot(board, image2)).toMatchObject({ slot: 2, switched: true });
  });

  it('alwaysReverts: a good image comes back in the old slot', async () => {
    const board = await espLink({ alwaysReverts: true });
    expect(await pushAndReboot(board, image2)).toMatchObject({ slot: 1, reverted: true });
  });

  it('/flash/reboot refuses when nothing (or not an image) is in the next slot, and does not reboot', async () => {
    const board = await espLink();
    let wentDown = false;
    board.on('offline', () => (wentDown = true));
    expect((await raw(board, get('/flash/reboot'))).text).toBe(`${FLASH_ERROR_HEAD}IROM magic missing\r\n`);
    // Deliberately lets time pass: a reboot it wrongly scheduled (50 ms here) would show within 300 ms.
    await sleep(300);
    expect(wentDown).toBe(false);
    expect(board.upgradePending).toBe(false);
  });

  it('/log/reset reboots 2 s later in the same slot, even with a new image waiting', async () => {
    const board = await espLink({ rebootDelayMs: 2000 });
    await raw(board, post('/flash/upload', image2), image2);
    const boot = nextEvent<[EspLinkBootEvent]>(board, 'boot', 5000);
    const started = Date.now();
    expect((await raw(board, get('/log/reset'))).text).toBe(
      'HTTP/1.0 200 OK\r\nServer: esp-link\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
    );
    expect((await boot)[0]).toEqual({
      slot: 1,
      reverted: false,
      switched: false,
      resetCause: '4=restart',
      reason: null,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect((await raw(board, get('/flash/next'))).body).toBe('user2.bin');
  });
});

describe('esp-link simulator: quirks', () => {
  it('dropAfterBytes resets the upload; the partial image passes the header check but does not boot', async () => {
    const board = await espLink({ dropAfterBytes: 100_000 });
    const reply = await raw(board, post('/flash/upload', image2), image2);
    expect(reply.text).toBe('');
    expect(['ECONNRESET', 'EPIPE', null]).toContain(reply.error);
    // 97 whole pieces were written; the 672 bytes of the 98th never reached flash.
    expect(board.uploads[0]).toMatchObject({
      outcome: 'rejected',
      status: null,
      size: 97 * 1024,
      declaredLength: image2.length,
    });
    board.setQuirks({ dropAfterBytes: null });
    const boot = nextEvent<[EspLinkBootEvent]>(board, 'boot');
    expect((await raw(board, get('/flash/reboot'))).status).toBe('HTTP/1.0 200 OK');
    expect((await boot)[0]).toMatchObject({ reverted: true, slot: 1 });
  });

  it('neverComesBack: after /flash/reboot the board stays down', async () => {
    const board = await espLink({ neverComesBack: true });
    await raw(board, post('/flash/upload', image2), image2);
    const dead = nextEvent(board, 'dead');
    await raw(board, get('/flash/reboot'));
    await dead;
    expect(board.state).toBe('dead');
    expect((await curl('--max-time', '1', `${board.url}/flash/next`)).exitCode).not.toBe(0);
  });

  it('hangResponse reads the whole image into flash and never answers', async () => {
    const board = await espLink({ hangResponse: true });
    await expect(raw(board, post('/flash/upload', image2), image2, 500)).rejects.toThrow(
      'no close within 500 ms; got ""',
    );
    expect(board.uploads[0]).toMatchObject({ outcome: 'hung', size: image2.length });
  });

  it('bytesPerSecond slows the upload down', async () => {
    const board = await espLink({ bytesPerSecond: 200_000 });
    const started = Date.now();
    const small = buildEsp8266V2Image({ slot: 2, size: 60_000 });
    expect((await raw(board, post('/flash/upload', small), small)).status).toBe('HTTP/1.0 200 OK');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });
});

describe('esp-link simulator: mDNS', () => {
  const bonjour = new Bonjour();
  afterAll(() => new Promise<void>((resolve) => bonjour.destroy(() => resolve())));

  it('publishes <hostname>._http._tcp on port 80 with TXT ssh_upload=no', async () => {
    const board = new EspLinkBoard({ address: '127.0.6.200', hostname: 'esp-link-t1', announceIntervalMs: 200 });
    const browser = bonjour.find({ type: 'http' });
    const found = new Promise<Service>((resolve) =>
      browser.on('up', (service: Service) => service.name === 'esp-link-t1' && resolve(service)),
    );
    boards.push(board);
    await board.start();
    const service = await found;
    expect(service).toMatchObject({ port: 80, host: 'esp-link-t1.local', txt: { ssh_upload: 'no' } });
    expect(service.addresses).toContain('127.0.6.200');
    browser.stop();
  });
});

// Real user1/user2 builds (../shared/testdata, absent in a user's clone): the boot model must agree
// with what these images are, not only with the test image builder.
const realPairs =
  findTestdata('firmware/esp8266-ota') ??
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../shared/testdata/firmware/esp8266-ota');
describe.skipIf(!existsSync(realPairs))('esp-link simulator: real user1/user2 builds', () => {
  const pair = (project: string, first: string, second: string) =>
    [readFileSync(path.join(realPairs, project, first)), readFileSync(path.join(realPairs, project, second))] as const;

  for (const [project, user1, user2] of [
    ['OLIMEX-olimex-iot-firmware-esp8266', 'user1.2048.new.3.bin', 'user2.2048.new.3.bin'],
    ['fairecasoimeme-ZiGate-WiFi', 'user1.bin', 'user2.bin'],
  ] as const) {
    it(`${project}: user2 boots from 0x81000, user1 there reverts, and back again`, async () => {
      const [one, two] = pair(project, user1, user2);
      const board = await espLink();
      expect(await pushAndReboot(board, one)).toMatchObject({ reverted: true, slot: 1 });
      expect(await pushAndReboot(board, two)).toMatchObject({ switched: true, slot: 2 });
      expect(await pushAndReboot(board, two)).toMatchObject({ reverted: true, slot: 2 });
      expect(await pushAndReboot(board, one)).toMatchObject({ switched: true, slot: 1 });
    });
  }

  it('a 1024+1024 build cannot move to slot 2 through esp-link (user2 at 0x81000 never runs)', async () => {
    const [, two] = pair('a2633063-zDC1-at', 'user1.2048.new.5.bin', 'user2.2048.new.5.bin');
    const board = await espLink();
    expect(await pushAndReboot(board, two)).toMatchObject({ reverted: true, slot: 1 });
  });
});

describe('esp-link simulator: bench', () => {
  it('startBench({ espLink: 2 }) starts esp-link boards with unique names', async () => {
    const bench = await startBench({ espLink: 2, firstAddress: '127.0.6.100' });
    try {
      expect(bench.boards.map((board) => [board.kind, board.hostname])).toEqual([
        ['esp-link', 'esp-link-64'],
        ['esp-link', 'esp-link-65'],
      ]);
      expect(bench.table()).toContain('esp-link v3.0.14-g963ffbb');
      expect((await raw(bench.boards[1] as EspLinkBoard, get('/flash/next'))).body).toBe('user2.bin');
    } finally {
      await bench.stop();
    }
  });
});
