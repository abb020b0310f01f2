// Mongoose OS RPC over GATT (ble/mongoose-rpc-gatt.ts) against the simulated rpc-gatts firmware, through
// the real noble: MTU-sized writes, replies read in chunks, the device's errors and frame limits, a drop.
import { createRequire } from 'node:module';
import type { Noble as NobleClass } from '@stoprocent/noble';
import { afterEach, describe, expect, it } from 'vitest';
import { NobleRadio, type NobleLike } from '../../../electron/engine/ble/noble-radio.ts';
import {
  MongooseLinkError,
  MongooseRpcError,
  MongooseRpcGatt,
} from '../../../electron/engine/ble/mongoose-rpc-gatt.ts';
import { UpdateError } from '../../../electron/engine/update-error.ts';
import { SimBindings, nobleUuid } from '../../sim/ble/sim-bindings.ts';
import { MongooseBlePeripheral, type MongooseBlePeripheralOptions } from '../../sim/ble/mongoose-ble-peripheral.ts';
import { MOS_RPC_DATA_UUID } from '../../sim/ble/other-peripherals.ts';

const require = createRequire(import.meta.url);
const Noble = require('@stoprocent/noble/lib/noble.js') as typeof NobleClass;

/** The simulated device, recording the size of every write to `data`. */
class RecordingPeripheral extends MongooseBlePeripheral {
  readonly dataWrites: number[] = [];
  onWrite(service: string, characteristic: string, data: Buffer): number | void {
    if (nobleUuid(characteristic) === nobleUuid(MOS_RPC_DATA_UUID)) this.dataWrites.push(data.length);
    return super.onWrite(service, characteristic, data);
  }
}

let radio: NobleRadio | null = null;
afterEach(async () => {
  await radio?.close();
  radio = null;
});

async function open(opts: Partial<MongooseBlePeripheralOptions> = {}, centralMtu?: number) {
  const device = new RecordingPeripheral({ id: 'c0de0004', name: 'mos-ble-lamp', ...opts });
  const bindings = new SimBindings({ peripherals: [device], timeScale: 0.02, supervisionTimeoutMs: 300, centralMtu });
  radio = new NobleRadio(async () => new Noble(bindings) as unknown as NobleLike);
  const seen = new Promise<string>((resolve) => radio!.once('advertisement', (ad) => resolve(ad.peripheralId)));
  await radio.startScanning([]);
  const id = await seen;
  // The job asks for MTU 498; the device's maxMtu decides.
  const rpc = await MongooseRpcGatt.open(radio, id, { connectTimeoutMs: 3000 });
  return { device, rpc };
}

describe('Mongoose OS RPC over GATT', () => {
  it('at ATT MTU 23: writes of at most 20 bytes, a longer reply read back in chunks', async () => {
    const { device, rpc } = await open({ maxMtu: 23 });
    expect(rpc.attMtu).toBe(23);
    const info = (await rpc.call('Sys.GetInfo')) as Record<string, unknown>;
    expect(info).toMatchObject({ fw_version: '1.0.0', arch: 'esp32', app: 'mos-ble-lamp' });
    expect(JSON.stringify(info).length).toBeGreaterThan(100); // many 21-byte reads
    expect(Math.max(...device.dataWrites)).toBe(20);
    const frame = rpc.frameFor('Sys.GetInfo', {}).length;
    expect(device.dataWrites.reduce((a, b) => a + b, 0)).toBe(frame);
  });

  it('at a large MTU a frame goes in writes of MTU − 3', async () => {
    const { device, rpc } = await open({ maxMtu: 247 });
    await rpc.call('OTA.Status');
    await rpc.call('Sys.GetInfo', { pad: 'x'.repeat(600) });
    expect(Math.max(...device.dataWrites)).toBe(244);
  });

  it("the device's error comes back as MongooseRpcError with its words", async () => {
    const { rpc } = await open();
    const error = await rpc.call('Foo.Bar').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongooseRpcError);
    expect((error as MongooseRpcError).deviceMessage).toBe('No handler for Foo.Bar');
    // The next call still works: the device took the frame and answered it.
    await expect(rpc.call('OTA.Status')).resolves.toMatchObject({ state: 0, is_committed: true });
  });

  it('refuses a frame over 4096 bytes before sending, and the device refuses one over its max_frame_size', async () => {
    const { rpc } = await open({ maxFrameSize: 512 });
    await expect(rpc.call('Sys.GetInfo', { pad: 'x'.repeat(5000) })).rejects.toThrow(
      /more than the 4096 a Mongoose OS device takes in one frame/,
    );
    const refused = await rpc.call('Sys.GetInfo', { pad: 'x'.repeat(1000) }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UpdateError);
    expect((refused as Error).message).toMatch(/refused the Sys\.GetInfo frame \(.*ATT error 0x11/);
  });

  it('a link that drops during a call is a MongooseLinkError, not a hang', async () => {
    const { device, rpc } = await open({ dropLinkAfterBytes: 100 });
    await rpc.call('OTA.Begin', { size: 1000, commit_timeout: 60 });
    const error = await rpc
      .call('OTA.Write', { offset: 0, data: Buffer.alloc(200).toString('base64') })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongooseLinkError);
    expect(rpc.connected).toBe(false);
    expect(device.otaState).toBe(1); // the updater still holds the half update
  });
});
