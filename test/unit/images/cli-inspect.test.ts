// `ota-bench inspect` shows what the inspectors found: chip name and revision range, the inner entry
// point of a v2 image, and a file refused by its size without a made-up hash. Runs the real CLI.
import { execFile } from 'node:child_process';
import { truncateSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { esp32App, esp8266V2Image, scratchDir } from './builders.ts';

const run = promisify(execFile);
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/ota-bench.js');
const scratch = scratchDir();
afterAll(() => scratch.remove());

async function inspect(file: string): Promise<string> {
  const { stdout } = await run(process.execPath, [cli, 'inspect', file], {
    timeout: 20_000,
    env: { ...process.env, OTA_BENCH_BLE: 'off' },
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return stdout;
}

describe('ota-bench inspect', () => {
  it('prints the chip name, its revision range and the per-chip flash frequency', async () => {
    const out = await inspect(
      scratch.write('c6.bin', esp32App({ chipId: 13, minRevFull: 0, maxRevFull: 99, flashSizeFreq: 0x20 })),
    );
    expect(out).toMatch(/Chip\s+ESP32-C6 \(chip id 13\)/);
    expect(out).toMatch(/Chip revision\s+v0\.0 – v0\.99/);
    expect(out).toMatch(/Flash frequency\s+80m/);
  }, 30_000);

  it('prints the inner entry point of a user1/user2 image', async () => {
    const out = await inspect(scratch.write('user1.bin', esp8266V2Image({ outerEntry: 0x40100100 })));
    expect(out).toMatch(/Inner entry point\s+0x40100004/);
    expect(out).toMatch(/outer header's entry point \(0x40100100\) differs/);
  }, 30_000);

  it('says the hash of a file refused by its size was not computed', async () => {
    const file = scratch.write('huge.bin', esp32App());
    truncateSync(file, 8 * 1024 ** 3);
    const out = await inspect(file);
    expect(out).toMatch(/sha256\s+not computed: the file was refused by its size/);
    expect(out).toMatch(/8\.00 GiB .*no board could take it/);
  }, 30_000);
});
