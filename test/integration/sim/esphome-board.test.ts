// The simulated ESPHome web_server OTA: always 200, the body is the verdict.
import { afterEach, describe, expect, it } from 'vitest';
import { EsphomeBoard, type EsphomeBoardOptions } from '../../sim/boards/esphome-board.ts';
import { buildEspAppImage, makeEspAppImage } from '../../sim/firmware-fixtures.ts';
import { curl, nextEvent, upload } from './sim-test-kit.ts';

const boards: EsphomeBoard[] = [];
afterEach(async () => {
  await Promise.all(boards.splice(0).map((board) => board.stop()));
});

let nextHost = 10;
async function startBoard(options: Partial<EsphomeBoardOptions> = {}): Promise<EsphomeBoard> {
  const board = new EsphomeBoard({
    address: `127.0.3.${nextHost++}`,
    bootMs: 50,
    rebootDelayMs: 20,
    mdns: false,
    ...options,
  });
  boards.push(board);
  await board.start();
  return board;
}

describe('ESPHome simulator', () => {
  it('applies the first file part, answers "Update Successful!" and reports the marker as project_version', async () => {
    const board = await startBoard();
    const image = makeEspAppImage({ chip: 'esp32', size: 120_000, version: '2.3.4' });
    const online = nextEvent(board, 'online');
    const reply = await curl('-F', `file=@${image.path}`, `${board.url}/update`);
    expect(reply).toMatchObject({ status: 200, body: 'Update Successful!' });
    expect(reply.headers['content-type']).toBe('text/plain');
    expect(reply.headers.connection).toBe('close');
    expect(board.uploads[0]).toMatchObject({ sha256: image.sha256, outcome: 'applied' });
    await online;
    expect(board.firmwareVersion).toBe('2.3.4');
  });

  it.each([
    ['not an app image', Buffer.from('PK\u0003\u0004 a zip, not a bin'), {}],
    ['too big for the OTA slot', buildEspAppImage({ chip: 'esp32', size: 64_000 }), { freeSpace: 32_000 }],
  ])('answers 200 "Update Failed!" for %s and does not reboot', async (_label, data, options) => {
    const board = await startBoard(options);
    const reply = await upload({ url: `${board.url}/update`, data });
    expect(reply).toMatchObject({ status: 200, body: 'Update Failed!' });
    expect(board.bootCount).toBe(0);
    expect(board.state).toBe('online');
  });

  it('says "Update Failed!" when the form holds no file', async () => {
    const board = await startBoard();
    expect(await curl('-F', 'note=hello', `${board.url}/update`)).toMatchObject({
      status: 200,
      body: 'Update Failed!',
    });
  });

  it('asks for credentials when web_server auth is configured', async () => {
    const board = await startBoard({ credentials: { user: 'u', password: 'p' } });
    const image = makeEspAppImage({ chip: 'esp32', size: 8192 });
    expect((await curl('-F', `file=@${image.path}`, `${board.url}/update`)).status).toBe(401);
    expect((await curl('-u', 'u:p', '-F', `file=@${image.path}`, `${board.url}/update`)).body).toBe(
      'Update Successful!',
    );
  });
});
