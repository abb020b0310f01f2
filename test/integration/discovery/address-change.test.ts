// The LAN is not trusted (#10 §2b): a device that copies a known board's mDNS TXT id from another
// address does not take over the board's row, its status, its pushes or its credentials; a board
// that reboots onto a new DHCP lease proves it is the same board (Sys.GetInfo, asked without
// credentials) and the row follows it. Simulated boards in the private namespace.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Device } from '../../../shared/domain.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import { readBoardIdentity } from '../../../electron/engine/protocols/board-identity.ts';
import { forgetBoardAuth, rememberCredentials } from '../../../electron/engine/net/board-auth.ts';
import { EspLinkBoard } from '../../sim/boards/esp-link-board.ts';
import { MongooseBoard, type MongooseBoardOptions } from '../../sim/boards/mongoose-board.ts';
import { makeMongooseFwZip } from '../../sim/firmware-fixtures.ts';
import type { HttpBoard } from '../../sim/http-board.ts';
import type { MdnsService } from '../../sim/mdns-responder.ts';
import { reachState, request, shutdown, testEngine, waitFor } from '../engine/engine-harness.ts';

let engine: OtaEngine | undefined;
let boards: HttpBoard[] = [];
let next = 10;
const address = () => `127.0.21.${next++}`;
const credentials = { user: 'admin', password: 's3cret' };

afterEach(async () => {
  forgetBoardAuth();
  await shutdown(engine, boards);
  engine = undefined;
  boards = [];
});

async function started<B extends HttpBoard>(board: B): Promise<B> {
  boards.push(board);
  await board.start();
  return board;
}

/** A Mongoose board that announces another board's TXT id, and notes every Authorization header it gets. */
class Impostor extends MongooseBoard {
  readonly authorizations: Array<string | undefined> = [];
  readonly asked: string[] = [];
  copiedId = '';

  protected override mdnsServices(): MdnsService[] {
    return super
      .mdnsServices()
      .map((service) => ({ ...service, txt: { ...(service.txt as Record<string, string>), id: this.copiedId } }));
  }

  protected override handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.authorizations.push(request.headers.authorization);
    this.asked.push(`${request.method} ${request.url}`);
    return super.handle(request, response);
  }
}

const mongoose = (over: Partial<MongooseBoardOptions> = {}) =>
  new MongooseBoard({ address: address(), fwVersion: '1.0.0', announceIntervalMs: 200, bootMs: 400, ...over });
const fwZip = (version: string) =>
  makeMongooseFwZip({
    platform: 'esp32',
    version,
    buildId: `20261204-${version}`,
    size: 120_000,
    fileName: `fw-move-${version}-${Math.random()}.zip`,
  });

/** Discovery lists the board and its probe has answered (so the identity at its address is known). */
function probed(board: HttpBoard): Promise<Device> {
  return waitFor(
    `${board.hostname} probed`,
    () => engine!.listDevices().find((d) => d.address === board.address && d.protocolEvidence === 'probe'),
    15_000,
  );
}

const row = (deviceId: string) => engine!.listDevices().find((d) => d.id === deviceId);

describe('a known board at a new address', () => {
  it('an impostor reusing the TXT id at another address gets neither the row, nor the push, nor the credentials', async () => {
    const real = await started(mongoose());
    engine = testEngine();
    await engine.startDiscovery();
    const device = await probed(real);
    const evil = new Impostor({ address: address(), fwVersion: '9.9.9', mac: 'DEADBE000001', announceIntervalMs: 200 });
    evil.copiedId = real.deviceId;
    await started(evil);
    const flagged = await waitFor(
      'the impostor flagged',
      () => row(device.id)?.addressChange?.state === 'different-device' && row(device.id),
    );
    expect(engine.listDevices().filter((d) => d.id === device.id)).toHaveLength(1);
    expect(flagged.address).toBe(real.address);
    expect(flagged.addressChange!.message).toMatch(
      new RegExp(
        `^A different device at ${evil.address.replace(/\./g, '\\.')} claims to be this board \\(possibly an impostor\\): it reports device id esp32_000001, MAC de:ad:be:00:00:01`,
      ),
    );
    // Status and a push with the user's password go to the verified address only.
    expect(await engine.deviceStatus(device.id)).toMatchObject({ reachable: true, device: { address: real.address } });
    const image = await engine.inspectImage(fwZip('1.1.0').path);
    const job = engine.push(request(device.id, image.imageId, { credentials }));
    await reachState(engine, job.id, 'awaiting-commit');
    engine.commitJob(job.id);
    expect(await engine.waitForJob(job.id)).toMatchObject({ state: 'committed', toVersion: '1.1.0' });
    expect(real.uploads).toHaveLength(1);
    expect(evil.uploads).toHaveLength(0);
    expect(evil.authorizations.every((header) => header === undefined)).toBe(true);
    expect(new Set(evil.asked)).toEqual(new Set(['POST /rpc/Sys.GetInfo']));
  });

  it('a board that reboots onto a new DHCP address after a push proves it is the same board, and the row follows it', async () => {
    const moved = address();
    const board = await started(mongoose({ newAddressOnReboot: moved }));
    engine = testEngine();
    await engine.startDiscovery();
    const device = await probed(board);
    const image = await engine.inspectImage(fwZip('1.2.0').path);
    const job = engine.push(request(device.id, image.imageId));
    await reachState(engine, job.id, 'awaiting-commit');
    expect(board.address).toBe(moved);
    engine.commitJob(job.id);
    expect(await engine.waitForJob(job.id)).toMatchObject({ state: 'committed', toVersion: '1.2.0' });
    expect(row(device.id)).toMatchObject({ address: moved, addressChange: null });
    expect(engine.listDevices().filter((d) => d.transport === 'lan' && d.id === device.id)).toHaveLength(1);
  });

  it('the identity question never carries credentials, even ones remembered for that address', async () => {
    const board = await started(mongoose({ auth: credentials, mdns: false }));
    rememberCredentials({ host: board.address, port: 80 }, credentials);
    const reading = await readBoardIdentity('mongoose-os', { host: board.address, port: 80 });
    expect(reading).toMatchObject({
      identity: null,
      why: expect.stringMatching(/asks for a password before it says which board it is/),
    });
    expect(board.auth!.received).toEqual([undefined]);
  });

  it("esp-link: the probe records the board's MAC (/wifi/info), and the same reader asks a new address", async () => {
    const board = await started(
      new EspLinkBoard({ address: address(), hostname: 'esp-link-move', announceIntervalMs: 200 }),
    );
    engine = testEngine();
    await engine.startDiscovery();
    const device = await probed(board);
    expect(device).toMatchObject({ protocol: 'esp-link', mac: board.mac.toLowerCase() });
    expect(await readBoardIdentity('esp-link', { host: board.address, port: 80 })).toEqual({
      identity: { id: null, mac: board.mac.toLowerCase() },
    });
  });
});
