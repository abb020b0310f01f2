// The esp-link plan refuses files that are not user1/user2 images, each with a sentence saying what
// the file is and what to do instead, and still shows the board's slots.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectImage } from '../../../electron/engine/images/index.ts';
import { planEspLinkPush } from '../../../electron/engine/protocols/esp-link-plan.ts';
import type { Device, ImageInfo } from '../../../shared/domain.ts';
import { buildEsp8266V2Image } from '../../sim/esp8266-v2-image.ts';
import { EspLinkBoard } from '../../sim/boards/esp-link-board.ts';
import { esp8266EbootLayout, mongooseBundle, scratchDir, zip } from '../../unit/images/builders.ts';

const scratch = scratchDir();
const board = new EspLinkBoard({ address: '127.0.5.90', hostname: 'plan-esp', mdns: false, runningSlot: 2 });
beforeAll(() => board.start());
afterAll(async () => {
  await board.stop();
  scratch.remove();
});

async function planFor(name: string, data: Buffer | string) {
  const path = scratch.write(name, data);
  const info: ImageInfo = { ...(await inspectImage(path)), imageId: 'image-1' };
  return planEspLinkPush({ image: { path, info }, device: {} as Device, target: { host: board.address, port: 80 } });
}

describe('esp-link plan: files that are not user1/user2 images', () => {
  it('a plain Arduino sketch (0xE9)', async () => {
    const plan = await planFor('sketch.bin', esp8266EbootLayout());
    expect(plan.slots).toMatchObject({ runningSlot: 2, nextSlot: 1, flashMap: '4MB:512/512' });
    expect(plan.checks).toEqual([expect.objectContaining({ id: 'format', status: 'fail', overridable: false })]);
    expect(plan.checks[0]!.detail).toMatch(
      /^sketch\.bin is a plain ESP application image \(first byte 0xE9\), such as an Arduino sketch: esp-link only takes SDK user1\/user2 images \(0xEA\) and would answer "IROM magic missing"\. Push it to an Arduino or ESPHome updater/,
    );
  });

  it('a truncated user2.bin', async () => {
    const plan = await planFor('user2.bin', buildEsp8266V2Image({ slot: 2 }).subarray(0, 30_000));
    expect(plan.checks[0]).toMatchObject({ status: 'fail' });
    expect(plan.checks[0]!.detail).toMatch(/truncated/);
  });

  it('a zip and a Mongoose OS fw.zip', async () => {
    expect((await planFor('fw.zip', mongooseBundle())).checks[0]!.detail).toMatch(
      /is a Mongoose OS fw\.zip: esp-link only takes SDK user1\/user2 images/,
    );
    const other = await planFor('sources.zip', zip([{ name: 'main.c', data: Buffer.from('int main;') }]));
    expect(other.checks[0]!.detail).toMatch(
      /^sources\.zip cannot be pushed: .*zip.* esp-link only takes ESP8266 SDK user1\/user2 images/i,
    );
  });

  it('an HTML page saved as firmware.bin', async () => {
    const plan = await planFor(
      'user1.bin',
      '<!DOCTYPE html><html><head><title>GitHub</title></head><body>Sign in</body></html>',
    );
    expect(plan.checks[0]!.detail).toMatch(/^user1\.bin cannot be pushed: .*HTML.* esp-link only takes/);
  });
});

describe('esp-link plan: what the format check says is true', () => {
  it('a user1.bin without its CRC-32 trailer: a warning, not "CRC-32 trailer valid"', async () => {
    const plan = await planFor('user1.bin', buildEsp8266V2Image({ slot: 1, noCrcTrailer: true }));
    expect(plan.checks[0]).toMatchObject({ id: 'format', status: 'warn' });
    expect(plan.checks[0]!.detail).toMatch(
      /but the CRC-32 trailer is absent: the file may have been cut short by 4 bytes/,
    );
  });
});
