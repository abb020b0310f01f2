// Inspection is bounded: a file larger than any board's flash is refused at once, from its size,
// without hashing it (a sparse 8 GiB file used to take 39 s and come out "pushable").
import { truncateSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectImage, readMcubootImage } from '../../../electron/engine/images/index.ts';
import { buildMcubootImage } from '../../sim/mcuboot-image.ts';
import { esp32App, esp8266App, esp8266V2Image, scratchDir } from './builders.ts';

const scratch = scratchDir();
afterAll(() => scratch.remove());

const MiB = 1024 * 1024;

/** `head`, then zeros up to `size` bytes without writing them (a sparse file). */
function sparse(name: string, head: Buffer, size: number): string {
  const file = scratch.write(name, head);
  truncateSync(file, size);
  return file;
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await work;
  return { value, ms: performance.now() - start };
}

describe('bounded inspection', () => {
  it('refuses a sparse 8 GiB file at once, saying why', async () => {
    const { value: info, ms } = await timed(inspectImage(sparse('huge.bin', esp8266App(), 8 * 1024 * MiB)));
    expect(info.problem).toMatch(
      /^The file is 8\.00 GiB \(8,589,934,592 bytes\), more than the 16 MiB of flash the largest ESP8266 has: no board could take it/,
    );
    expect(info).toMatchObject({ size: 8 * 1024 * MiB, pushableWith: [], sha256: '' });
    // Reading 8 GiB takes tens of seconds; the size alone takes milliseconds.
    expect(ms).toBeLessThan(3000);
  });

  it('bounds files of unknown content by the largest flash of any board', async () => {
    const info = await inspectImage(sparse('zeros.bin', Buffer.alloc(16), 200 * MiB));
    expect(info.problem).toMatch(/200 MiB .*more than the 128 MiB of flash the largest board OTA Bench supports has/);
  });

  it('bounds each format by its boards: ESP8266 16 MiB, ESP32 family 128 MiB', async () => {
    const v2 = await inspectImage(sparse('user1.bin', esp8266V2Image(), 17 * MiB));
    expect(v2.problem).toMatch(/17\.0 MiB .*16 MiB of flash the largest ESP8266/);
    // 17 MiB is fine for an ESP32-family board: the size is not what is wrong with this one.
    const esp32 = await inspectImage(sparse('esp32.bin', esp32App(), 17 * MiB));
    expect(esp32.problem ?? '').not.toMatch(/no board could take it/);
    expect(esp32.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('stops inflating a gzip file past the largest ESP8266 flash (the only updater that takes gzip)', async () => {
    const info = await inspectImage(scratch.write('bomb.bin.gz', gzipSync(Buffer.alloc(17 * MiB))));
    expect(info.problem).toMatch(/inflates to more than 16,777,216 bytes, the 16 MiB of flash the largest ESP8266 has/);
  });

  it('refuses an oversized MCUboot file before an SMP upload, at once', async () => {
    const { value: error, ms } = await timed(
      readMcubootImage(sparse('app.signed.bin', buildMcubootImage(), 4 * 1024 * MiB)).catch((e: unknown) => e),
    );
    expect(String(error)).toMatch(/4\.00 GiB .*no board could take it/);
    expect(ms).toBeLessThan(3000);
  });
});
