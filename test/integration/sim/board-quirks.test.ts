// Network quirks every simulated board can show: dropped connections, slow links, hung replies,
// boards that never come back or come back on another address.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ArduinoBoard } from '../../sim/boards/arduino-board.ts';
import { MongooseBoard } from '../../sim/boards/mongoose-board.ts';
import type { HttpBoard, HttpBoardOptions } from '../../sim/http-board.ts';
import { buildEspAppImage, makeEspAppImage } from '../../sim/firmware-fixtures.ts';
import { curl, nextEvent, request, rpc, sleep, upload } from './sim-test-kit.ts';

const boards: HttpBoard[] = [];
afterEach(async () => {
  await Promise.all(boards.splice(0).map((board) => board.stop()));
});

let nextHost = 10;
const nextAddress = () => `127.0.4.${nextHost++}`;
async function esp8266(options: Partial<HttpBoardOptions> = {}): Promise<ArduinoBoard> {
  const board = new ArduinoBoard({
    variant: 'esp8266',
    address: nextAddress(),
    bootMs: 50,
    rebootDelayMs: 20,
    mdns: false,
    ...options,
  });
  boards.push(board);
  await board.start();
  return board;
}

const image = buildEspAppImage({ chip: 'esp8266', size: 200_000, version: '9.9.9' });

describe('simulated board quirks', () => {
  it('dropAfterBytes resets the connection mid-upload and records nothing', async () => {
    const board = await esp8266({ dropAfterBytes: 50_000 });
    await expect(upload({ url: `${board.url}/update`, field: 'firmware', data: image })).rejects.toThrow(
      /ECONNRESET|EPIPE|socket hang up/,
    );
    expect(board.uploads).toHaveLength(0);
    expect(board.state).toBe('online');
    // Switched off at runtime, the retry goes through.
    board.setQuirks({ dropAfterBytes: null });
    expect((await upload({ url: `${board.url}/update`, field: 'firmware', data: image })).body).toContain(
      'Update Success!',
    );
  });

  it('bytesPerSecond makes the upload take as long as the link is slow', async () => {
    const board = await esp8266({ bytesPerSecond: 400_000 });
    const started = Date.now();
    await upload({ url: `${board.url}/update`, field: 'firmware', data: image });
    expect(Date.now() - started).toBeGreaterThanOrEqual(450); // 200 kB at 400 kB/s
  });

  it('hangResponse reads the whole body and never answers', async () => {
    const board = await esp8266({ hangResponse: true });
    await expect(
      upload({ url: `${board.url}/update`, field: 'firmware', data: image, timeoutMs: 400 }),
    ).rejects.toThrow('client timeout');
    expect(board.uploads[0]).toMatchObject({ outcome: 'hung', size: image.length });
  });

  it('neverComesBack: after the update reboot the board stays offline', async () => {
    const board = await esp8266({ neverComesBack: true });
    const dead = nextEvent(board, 'dead');
    await upload({ url: `${board.url}/update`, field: 'firmware', data: image });
    await dead;
    expect(board.state).toBe('dead');
    expect((await curl('--max-time', '1', `${board.url}/update`)).exitCode).not.toBe(0);
  });

  it('newAddressOnReboot brings the board back on another IP; the old one refuses connections', async () => {
    const oldAddress = nextAddress();
    const newAddress = nextAddress();
    const board = new MongooseBoard({ address: oldAddress, bootMs: 50, mdns: false, newAddressOnReboot: newAddress });
    boards.push(board);
    await board.start();
    const [[address]] = await Promise.all([
      nextEvent<[string]>(board, 'online'),
      rpc(board.url, 'Sys.Reboot', { delay_ms: 10 }),
    ]);
    expect(address).toBe(newAddress);
    expect(((await rpc(`http://${newAddress}`, 'Sys.GetInfo')).json as { wifi: { sta_ip: string } }).wifi.sta_ip).toBe(
      newAddress,
    );
    await expect(request(`http://${oldAddress}/rpc/Sys.GetInfo`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('reboot() can be driven by a test, with its own timings and address', async () => {
    const board = await esp8266();
    const target = nextAddress();
    const offline = nextEvent(board, 'offline');
    await board.reboot({ delayMs: 0, bootMs: 30, newAddress: target });
    await offline;
    expect(board.address).toBe(target);
    expect((await curl(`${board.url}/update`)).status).toBe(200);
  });

  it('stop() during a reboot keeps the board down and settles the reboot promise', async () => {
    const board = await esp8266();
    const offline = nextEvent(board, 'offline');
    const rebooted = board.reboot({ delayMs: 0, bootMs: 100 });
    await offline;
    await board.stop();
    await rebooted;
    // Deliberately lets the boot time (100 ms) pass: a stopped board must not come back by itself.
    await sleep(150);
    expect(board.state).toBe('stopped');
    expect((await curl('--max-time', '1', `${board.url}/update`)).exitCode).not.toBe(0);
  });

  it('garbageResponses turns the info page into junk', async () => {
    const board = await esp8266({ garbageResponses: true });
    const reply = await request(`${board.url}/update`);
    expect(reply.body).not.toContain('<form');
  });

  it('stop() closes open connections, even a hung one', async () => {
    const board = await esp8266();
    const socket = net.connect(board.port, board.address);
    await new Promise((resolve) => socket.once('connect', resolve));
    const hung = nextEvent(board, 'request');
    socket.write(
      'POST /update HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 999999\r\n\r\n--b',
    );
    await hung; // the firmware is now inside the handler, waiting for a body that never comes
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await board.stop();
    await closed;
    expect(board.state).toBe('stopped');
  });

  it('records the request headers with every image', async () => {
    const board = await esp8266();
    const file = makeEspAppImage({ chip: 'esp8266', size: 4096 });
    await curl('-F', `firmware=@${file.path}`, '-H', 'X-Probe: 1', `${board.url}/update`);
    expect(board.uploads[0]?.headers['x-probe']).toBe('1');
    expect(board.uploads[0]?.headers['content-length']).toBeDefined();
  });
});
