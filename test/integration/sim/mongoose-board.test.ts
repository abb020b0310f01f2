// The simulated Mongoose OS board behaves like ota-http-server + rpc-service-ota: byte-exact fw.zip
// delivery, device error messages, commit / revert, boot state, RPC error shapes.
import { afterEach, describe, expect, it } from 'vitest';
import { MongooseBoard, type MongooseBoardOptions } from '../../sim/boards/mongoose-board.ts';
import { buildZip } from '../../sim/fw-zip.ts';
import { makeMongooseFwZip } from '../../sim/firmware-fixtures.ts';
import { curl, nextEvent, request, rpc, upload } from './sim-test-kit.ts';

const boards: MongooseBoard[] = [];
afterEach(async () => {
  await Promise.all(boards.splice(0).map((board) => board.stop()));
});

let nextHost = 10;
async function startBoard(options: Partial<MongooseBoardOptions> = {}): Promise<MongooseBoard> {
  const board = new MongooseBoard({
    address: `127.0.1.${nextHost++}`,
    bootMs: 50,
    rebootDelayMs: 20,
    commitSecondMs: 100,
    mdns: false,
    ...options,
  });
  boards.push(board);
  await board.start();
  return board;
}

const zip = (overrides: Partial<Parameters<typeof makeMongooseFwZip>[0]> = {}) =>
  makeMongooseFwZip({
    platform: 'esp32',
    version: '2.0.0',
    buildId: '20240601-120000/sim@v2',
    size: 200_000,
    ...overrides,
  });

describe('Mongoose OS simulator: POST /update', () => {
  it('lands a fw.zip byte for byte, answers like the device and boots the new firmware', async () => {
    const board = await startBoard();
    const fw = zip();
    const online = nextEvent(board, 'online');
    const reply = await curl('-F', `filedata=@${fw.path}`, `${board.url}/update`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/plain');
    expect(reply.headers.connection).toBe('close');
    expect(reply.body).toBe('Update applied, finalizing\r\n');
    expect(board.uploads).toHaveLength(1);
    expect(board.uploads[0]).toMatchObject({ field: 'filedata', sha256: fw.sha256, size: fw.size, outcome: 'applied' });
    expect(board.uploads[0]!.data.equals(fw.data)).toBe(true);

    await online;
    const info = await rpc(board.url, 'Sys.GetInfo');
    expect(info.json).toMatchObject({
      fw_version: '2.0.0',
      fw_id: '20240601-120000/sim@v2',
      arch: 'esp32',
      wifi: { sta_ip: board.address },
    });
    // No commit_timeout: the new firmware commits itself at boot.
    expect((await rpc(board.url, 'OTA.GetBootState')).json).toEqual({
      active_slot: 1,
      is_committed: true,
      revert_slot: 0,
      commit_timeout: 0,
    });
  });

  it.each([
    ['a deflated archive', zip({ compressed: true }).data, 'Cannot handle compressed .zip'],
    ['manifest.json not first (the device sets no message)', zip({ manifestFirst: false }).data, 'Unknown error'],
    ['another platform', zip({ platform: 'esp8266' }).data, 'Wrong platform'],
    ['no version in the manifest', zip({ manifest: { version: undefined } }).data, 'Required manifest field missing'],
    ['a bad CRC', zip({ corruptCrc: true }).data, 'Invalid CRC'],
    [
      'something that is not a zip',
      Buffer.from('<!DOCTYPE html><html><body>saved the download page, not firmware</body></html>'),
      'Malformed archive (invalid file header)',
    ],
    ['a truncated zip', zip().data.subarray(0, 5000), 'Update aborted'],
    [
      'an unparsable manifest',
      buildZip([{ name: 'manifest.json', data: Buffer.from('{nope') }]),
      'Failed to parse manifest',
    ],
  ])('refuses %s with 400 and the device message', async (_label, data, message) => {
    const board = await startBoard();
    const reply = await upload({ url: `${board.url}/update`, data, filename: 'fw.zip' });
    expect(reply.status).toBe(400);
    expect(reply.body).toBe(`${message}\r\n`);
    expect(board.firmwareVersion).toBe('1.0.0');
    expect(board.uploads[0]?.outcome).toBe('rejected');
  });

  it('refuses an image larger than the free space', async () => {
    const board = await startBoard({ freeSpace: 100_000 });
    const reply = await upload({ url: `${board.url}/update`, data: zip().data, filename: 'fw.zip' });
    expect(reply).toMatchObject({ status: 400, body: 'Not enough space: need 200000 bytes, have 100000\r\n' });
  });

  it('takes commit_timeout before or after the file part', async () => {
    const board = await startBoard({ commitSecondMs: 10_000 });
    const online = nextEvent(board, 'online');
    await upload({
      url: `${board.url}/update`,
      data: zip().data,
      filename: 'fw.zip',
      fieldsAfter: { commit_timeout: '30' },
    });
    await online;
    expect(board.bootState).toEqual({ active_slot: 1, is_committed: false, revert_slot: 0, commit_timeout: 30 });
  });
});

describe('Mongoose OS simulator: commit and revert', () => {
  async function pushUncommitted(board: MongooseBoard, commitTimeout = '3'): Promise<void> {
    const online = nextEvent(board, 'online');
    await upload({
      url: `${board.url}/update`,
      data: zip().data,
      filename: 'fw.zip',
      fields: { commit_timeout: commitTimeout },
    });
    await online;
  }

  it('reverts to the old firmware when OTA.Commit does not come within commit_timeout', async () => {
    const board = await startBoard({ commitSecondMs: 100 });
    await pushUncommitted(board, '3');
    expect(board.firmwareVersion).toBe('2.0.0');
    expect((await rpc(board.url, 'OTA.GetBootState')).json).toMatchObject({ is_committed: false, commit_timeout: 3 });
    const [reverted] = await nextEvent(board, 'reverted', 3000);
    expect(reverted).toMatchObject({ version: '1.0.0' });
    await nextEvent(board, 'online');
    expect((await rpc(board.url, 'Sys.GetInfo')).json).toMatchObject({ fw_version: '1.0.0' });
    expect(board.bootState).toMatchObject({ active_slot: 0, is_committed: true });
  });

  it('keeps the new firmware after OTA.Commit, and a second commit is an error', async () => {
    const board = await startBoard({ commitSecondMs: 100 });
    await pushUncommitted(board, '2');
    expect(await rpc(board.url, 'OTA.Commit')).toMatchObject({ status: 200, body: 'null' });
    // Deliberately lets the 2-"second" commit window (200 ms here) run out: committed firmware must stay.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(board.bootState).toMatchObject({ active_slot: 1, is_committed: true });
    const again = await rpc(board.url, 'OTA.Commit');
    expect(again.status).toBe(500);
    expect(again.json).toMatchObject({ code: -1 });
  });

  it('closes the connection without a reply when an update arrives on uncommitted firmware', async () => {
    const board = await startBoard({ commitSecondMs: 10_000 });
    await pushUncommitted(board, '60');
    const reply = await curl('-F', `file=@${zip({ version: '3.0.0' }).path}`, `${board.url}/update`);
    expect(reply.exitCode).not.toBe(0);
    expect(reply.status).toBe(0);
  });

  it('GET /update/revert goes back at once; /update/commit on committed firmware says Error', async () => {
    const board = await startBoard({ commitSecondMs: 10_000 });
    expect(await curl(`${board.url}/update/commit`)).toMatchObject({ status: 400, body: 'Error\r\n' });
    await pushUncommitted(board, '60');
    const online = nextEvent(board, 'online');
    expect(await curl(`${board.url}/update/revert`)).toMatchObject({ status: 200, body: 'Ok\r\n' });
    await online;
    expect(board.firmwareVersion).toBe('1.0.0');
  });

  it('with commitRefused the pushed firmware has no OTA.Commit and rolls back', async () => {
    const board = await startBoard({ commitSecondMs: 100, commitRefused: true });
    await pushUncommitted(board, '2');
    const commit = await rpc(board.url, 'OTA.Commit');
    expect(commit).toMatchObject({ status: 404, json: { code: 404, message: 'No handler for OTA.Commit' } });
    await nextEvent(board, 'reverted', 3000);
  });
});

describe('Mongoose OS simulator: RPC over HTTP', () => {
  it('answers 404 with an error object for unknown methods, frames on POST /rpc, CORS on OPTIONS', async () => {
    const board = await startBoard();
    expect(await rpc(board.url, 'No.Such')).toMatchObject({
      status: 404,
      json: { code: 404, message: 'No handler for No.Such' },
    });
    const frame = await request(`${board.url}/rpc`, {
      method: 'POST',
      body: JSON.stringify({ id: 7, src: 'tool', method: 'Sys.GetInfo' }),
    });
    expect(JSON.parse(frame.body)).toMatchObject({
      id: 7,
      dst: 'tool',
      src: board.deviceId,
      result: { fw_version: '1.0.0' },
    });
    const options = await request(`${board.url}/rpc/Sys.GetInfo`, { method: 'OPTIONS' });
    expect(options.status).toBe(200);
    expect(options.headers['access-control-allow-origin']).toBe('*');
    expect((await curl(`${board.url}/rpc/OTA.GetBootState`)).status).toBe(200);
  });

  it('answers RPC with junk when garbageResponses is on', async () => {
    const board = await startBoard();
    board.setQuirks({ garbageResponses: true });
    const reply = await rpc(board.url, 'Sys.GetInfo');
    expect(reply.status).toBe(200);
    expect(reply.json).toBeUndefined();
  });

  it('Sys.Reboot takes the board offline and back', async () => {
    const board = await startBoard();
    const offline = nextEvent(board, 'offline');
    expect((await rpc(board.url, 'Sys.Reboot', { delay_ms: 10 })).status).toBe(200);
    await offline;
    await nextEvent(board, 'online');
    expect(board.bootCount).toBe(1);
  });
});
