// The simulated Arduino HTTPUpdateServer boards: 200-with-error bodies per core, Basic auth judged
// only after the whole body, the ESP32 Origin check, and the version marker published after reboot.
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ArduinoBoard, type ArduinoBoardOptions } from '../../sim/boards/arduino-board.ts';
import { buildEspAppImage, makeEspAppImage } from '../../sim/firmware-fixtures.ts';
import { curl, multipartBody, nextEvent, upload, waitUntil } from './sim-test-kit.ts';

const boards: ArduinoBoard[] = [];
afterEach(async () => {
  await Promise.all(boards.splice(0).map((board) => board.stop()));
});

let nextHost = 10;
async function startBoard(
  options: Partial<ArduinoBoardOptions> & Pick<ArduinoBoardOptions, 'variant'>,
): Promise<ArduinoBoard> {
  const board = new ArduinoBoard({
    address: `127.0.2.${nextHost++}`,
    bootMs: 50,
    rebootDelayMs: 20,
    mdns: false,
    ...options,
  });
  boards.push(board);
  await board.start();
  return board;
}

const SUCCESS = '<META http-equiv="refresh" content="15;URL=/">Update Success! Rebooting...';
const origin = (board: ArduinoBoard) => ['-H', `Origin: http://${board.address}`];

describe('Arduino ESP8266 simulator', () => {
  it('serves the upload form and applies a firmware byte for byte, then reports the marker version', async () => {
    const board = await startBoard({ variant: 'esp8266', version: null });
    const form = await curl(`${board.url}/update`);
    expect(form.body).toContain("name='firmware'");
    expect(form.body).toContain("name='filesystem'");

    const image = makeEspAppImage({ chip: 'esp8266', size: 300_000, version: '4.5.6' });
    const online = nextEvent(board, 'online');
    const reply = await curl('-F', `firmware=@${image.path}`, `${board.url}/update`);
    expect(reply).toMatchObject({ status: 200, body: SUCCESS });
    expect(reply.headers['content-type']).toBe('text/html');
    expect(board.uploads[0]).toMatchObject({ field: 'firmware', sha256: image.sha256, outcome: 'applied' });
    expect(board.firmwareVersion).toBeNull(); // not before the reboot
    await online;
    expect(board.firmwareVersion).toBe('4.5.6');
  });

  it('accepts gzip images and reads the marker inside them', async () => {
    const board = await startBoard({ variant: 'esp8266' });
    const image = makeEspAppImage({ chip: 'esp8266', size: 50_000, version: '7.0.0', gzip: true });
    const online = nextEvent(board, 'online');
    expect((await upload({ url: `${board.url}/update`, field: 'firmware', data: image.data })).body).toBe(SUCCESS);
    await online;
    expect(board.firmwareVersion).toBe('7.0.0');
  });

  it.each([
    [
      'a file without the magic byte',
      Buffer.from('<!DOCTYPE html><html>oops</html>'),
      {},
      'ERROR[10]: Magic byte is not 0xE9',
    ],
    ['an empty file', Buffer.alloc(0), {}, 'ERROR[13]: No data supplied'],
    [
      'an image bigger than the sketch space',
      buildEspAppImage({ chip: 'esp8266', size: 200_000 }),
      { freeSketchSpace: 150_000 },
      'ERROR[4]: Not Enough Space',
    ],
    [
      'an image built for a bigger flash',
      buildEspAppImage({ chip: 'esp8266', size: 4096, flashSizeNibble: 9 }),
      {},
      'ERROR[9]: new Flash config wrong, real size: 4194304',
    ],
  ])('answers 200 "Update error: …" for %s and stays up', async (_label, data, options, error) => {
    const board = await startBoard({ variant: 'esp8266', ...options });
    const reply = await upload({ url: `${board.url}/update`, field: 'firmware', data });
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(`Update error: ${error}\n`);
    expect(board.state).toBe('online');
    expect(board.uploads[0]?.outcome).toBe('rejected');
  });

  it('rounds the capacity down: free sketch space − 4 KiB, to 4 KiB', async () => {
    const board = await startBoard({ variant: 'esp8266', freeSketchSpace: 0x40000 + 0x1000 + 100 });
    const fits = buildEspAppImage({ chip: 'esp8266', size: 0x40000 });
    const tooBig = buildEspAppImage({ chip: 'esp8266', size: 0x40000 + 16 });
    expect((await upload({ url: `${board.url}/update`, field: 'firmware', data: tooBig })).body).toContain('ERROR[4]');
    expect((await upload({ url: `${board.url}/update`, field: 'firmware', data: fits })).body).toBe(SUCCESS);
  });

  it('sends the 401 only after the whole body arrived', async () => {
    const board = await startBoard({ variant: 'esp8266', credentials: { user: 'admin', password: 'secret' } });
    const { body, headers } = multipartBody({
      field: 'firmware',
      data: buildEspAppImage({ chip: 'esp8266', size: 100_000 }),
    });
    let answeredAt = 0;
    const response = new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(`${board.url}/update`, { method: 'POST', headers, agent: false }, (res) => {
        answeredAt = Date.now();
        res.resume();
        resolve(res);
      });
      req.on('error', reject);
      req.write(body.subarray(0, 50_000));
      setTimeout(() => req.end(body.subarray(50_000)), 300);
    });
    const sentAll = Date.now() + 300;
    const res = await response;
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="Login Required"');
    expect(answeredAt).toBeGreaterThanOrEqual(sentAll - 20);
    // With credentials up front it goes through.
    const ok = await upload({
      url: `${board.url}/update`,
      field: 'firmware',
      data: buildEspAppImage({ chip: 'esp8266', size: 4096 }),
      headers: { Authorization: `Basic ${Buffer.from('admin:secret').toString('base64')}` },
    });
    expect(ok.body).toBe(SUCCESS);
  });

  it('asks for credentials on GET /update at once', async () => {
    const board = await startBoard({ variant: 'esp8266', credentials: { user: 'a', password: 'b' } });
    expect((await curl(`${board.url}/update`)).status).toBe(401);
    expect((await curl('-u', 'a:b', `${board.url}/update`)).status).toBe(200);
  });
});

describe('Arduino ESP32 simulator', () => {
  it('rejects an upload without a matching Origin: 200 "Wrong origin received!" without credentials', async () => {
    const board = await startBoard({ variant: 'esp32' });
    const image = makeEspAppImage({ chip: 'esp32', size: 100_000, version: '2.1.0' });
    const wrong = await curl(
      '-F',
      `firmware=@${image.path}`,
      '-H',
      'Origin: http://evil.example',
      `${board.url}/update`,
    );
    expect(wrong).toMatchObject({ status: 200, body: 'Update error: Wrong origin received!' });
    const missing = await curl('-F', `firmware=@${image.path}`, `${board.url}/update`);
    expect(missing.body).toBe('Update error: Wrong origin received!');
    const online = nextEvent(board, 'online');
    const right = await curl('-F', `firmware=@${image.path}`, ...origin(board), `${board.url}/update`);
    expect(right).toMatchObject({ status: 200, body: SUCCESS });
    await online;
    expect(board.firmwareVersion).toBe('2.1.0');
  });

  it('answers 401 for a bad Origin when credentials are configured', async () => {
    const board = await startBoard({ variant: 'esp32', credentials: { user: 'u', password: 'p' } });
    const image = makeEspAppImage({ chip: 'esp32', size: 8192 });
    const reply = await curl(
      '-u',
      'u:p',
      '-F',
      `firmware=@${image.path}`,
      '-H',
      'Origin: http://other',
      `${board.url}/update`,
    );
    expect(reply.status).toBe(401);
  });

  it('uses the ESP32 Updater strings (println, so \\r\\n) and checks the magic byte first', async () => {
    const board = await startBoard({ variant: 'esp32', freeSketchSpace: 64 * 1024 });
    const headers = { Origin: `http://${board.address}` };
    const html = Buffer.alloc(200_000, '<html>');
    expect((await upload({ url: `${board.url}/update`, field: 'firmware', data: html, headers })).body).toBe(
      'Update error: Wrong Magic Byte\r\n',
    );
    const big = buildEspAppImage({ chip: 'esp32', size: 100_000 });
    expect((await upload({ url: `${board.url}/update`, field: 'firmware', data: big, headers })).body).toBe(
      'Update error: Not Enough Space\r\n',
    );
  });

  it('sends filesystem parts to the FS without changing the version', async () => {
    const board = await startBoard({ variant: 'esp32', version: '1.2.3' });
    const online = nextEvent(board, 'online');
    const reply = await upload({
      url: `${board.url}/update`,
      field: 'filesystem',
      data: Buffer.alloc(64 * 1024, 0xff),
      headers: { Origin: `http://${board.address}` },
    });
    expect(reply.body).toBe(SUCCESS);
    await online;
    expect(board.firmwareVersion).toBe('1.2.3');
    await waitUntil(
      () => board.uploads.length > 0 && board.uploads[0]!.outcome !== undefined,
      2000,
      'the upload record',
    );
    expect(board.uploads[0]).toMatchObject({ field: 'filesystem', outcome: 'applied' });
  });
});
