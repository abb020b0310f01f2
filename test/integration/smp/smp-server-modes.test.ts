// The simulated SMP server's modes, request by request (no transport): bootloader info as a newer
// Zephyr app answers it (MCUboot mode numbers from MCUboot's boot_status.h), the real builds' rc 8, os
// info formats, the RAM-load board running the newest slot, zcbor-style encoding.
import { decode, encode } from 'cborg';
import { describe, expect, it } from 'vitest';
import { buildMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import { smpPacket } from '../../sim/smp/console-frames.ts';
import { MCUBOOT_MODE, SmpServer, realClock, type SmpServerOptions } from '../../sim/smp/smp-server.ts';

const v1 = buildMcubootImage({ version: { major: 1, minor: 0, revision: 0 }, payloadSize: 3000 });
const v2 = buildMcubootImage({ version: { major: 1, minor: 1, revision: 0 }, payloadSize: 3000 });

function server(options: Partial<SmpServerOptions>) {
  return new SmpServer(
    { initialImage: v1, bootMs: 10, resetDelayMs: 10, processingMs: 0, erasePageMs: 0, ...options },
    realClock,
  );
}

async function ask(target: SmpServer, op: number, group: number, id: number, body: object = {}) {
  const answer = await target.answer(smpPacket(op, group, id, 1, encode(body)));
  return { raw: answer!, body: decode(answer!.subarray(8)) as Record<string, unknown> };
}

describe('simulated SMP server modes', () => {
  it('bootloader-info: {bootloader: "MCUboot"}, and with {query: "mode"} the MCUboot mode and no-downgrade', async () => {
    const target = server({ mode: 'bootloader-info' });
    expect((await ask(target, 0, 0, 8)).body).toEqual({ bootloader: 'MCUboot' });
    expect((await ask(target, 0, 0, 8, { query: 'mode' })).body).toEqual({ mode: 3, 'no-downgrade': false });
    const scratch = server({ mode: 'bootloader-info', bootloaderMode: MCUBOOT_MODE.SWAP_USING_SCRATCH });
    expect((await ask(scratch, 0, 0, 8, { query: 'mode' })).body).toEqual({ mode: 1, 'no-downgrade': false });
    expect(MCUBOOT_MODE).toMatchObject({
      SINGLE_APP: 0,
      SWAP_USING_SCRATCH: 1,
      OVERWRITE_ONLY: 2,
      SWAP_WITHOUT_SCRATCH: 3,
    });
  });

  it('the real builds answer bootloader info with rc 8; os info in Zephyr field order', async () => {
    for (const mode of ['zephyr-swap', 'no-state-writes'] as const) {
      const target = server({ mode });
      expect((await ask(target, 0, 0, 8)).body).toEqual({ rc: 8 });
      expect((await ask(target, 0, 0, 7)).body).toEqual({ output: 'Zephyr' });
      expect((await ask(target, 0, 0, 7, { format: 'vmns' })).body).toEqual({ output: 'Zephyr unknown 4.4.0 arm' });
    }
  });

  it('encodes like zcbor in a real build mode (indefinite-length map), like cborg otherwise', async () => {
    const real = await ask(server({ mode: 'zephyr-swap' }), 2, 0, 0, { d: 'hi' });
    expect(real.raw.subarray(8)).toEqual(Buffer.from([0xbf, 0x61, 0x72, 0x62, 0x68, 0x69, 0xff]));
    const ble = await ask(server({}), 2, 0, 0, { d: 'hi' });
    expect(ble.raw.subarray(8)).toEqual(Buffer.from([0xa1, 0x61, 0x72, 0x62, 0x68, 0x69]));
  });

  it('no-state-writes: a newer image uploaded to slot 1 runs after a reset (RAM load), slots listed in order', async () => {
    const target = server({ mode: 'no-state-writes' });
    await ask(target, 2, 1, 1, { image: 0, len: v2.length, off: 0, data: v2 });
    expect((await ask(target, 2, 1, 0, { confirm: false, hash: target.slots[1]!.info.hash })).body).toEqual({ rc: 8 });
    target.reboot();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const list = (await ask(target, 0, 1, 0)).body.images as Array<Record<string, unknown>>;
    expect(list.map((i) => [i.slot, i.version, i.active, i.confirmed])).toEqual([
      [0, '1.0.0', false, false],
      [1, '1.1.0', true, true],
    ]);
    expect(target.activeVersion).toBe('1.1.0');
  });
});
