// The CLI over UDP, against the simulated Zephyr board speaking SMP over UDP (test/sim/smp/udp-smp-board.ts,
// one packet per datagram, faults on demand): push FILE --to udp://127.0.0.1:PORT tests, resets and
// confirms end to end with every 7th request lost on the way; discover --udp lists the board; a port
// where nothing answers is refused in words.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { buildMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import { UdpSmpBoard } from '../../sim/smp/udp-smp-board.ts';

const run = promisify(execFile);
const folder = mkdtempSync(path.join(tmpdir(), 'ota-bench-cli-udp-'));
const v1 = buildMcubootImage({ version: { major: 1, minor: 0, revision: 0 }, payloadSize: 20_000, seed: 3 });
const v2Path = path.join(folder, 'app-1.1.0.signed.bin');
writeFileSync(
  v2Path,
  buildMcubootImage({ version: { major: 1, minor: 1, revision: 0 }, payloadSize: 40_000, seed: 4 }),
);

type Line = Record<string, unknown>;
async function cli(...args: string[]): Promise<{ code: number; lines: Line[]; stderr: string }> {
  const env = { ...process.env, OTA_BENCH_BLE: 'off', OTA_BENCH_SERIAL: 'off', OTA_BENCH_DATA_DIR: folder };
  const parse = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/ota-bench.js', ...args, '--json'], {
      timeout: 90_000,
      env,
    });
    return { code: 0, lines: parse(stdout), stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, lines: parse(e.stdout ?? ''), stderr: e.stderr };
  }
}

let board: UdpSmpBoard | null = null;
afterEach(async () => {
  await board?.close();
  board = null;
});

describe('ota-bench over UDP (simulated Zephyr board)', () => {
  it('push --to udp://host:port survives lost datagrams: tests, resets, confirms', { timeout: 120_000 }, async () => {
    board = await UdpSmpBoard.start({ initialImage: v1, mode: 'zephyr-swap', port: 0 });
    // Every 7th datagram lost while the image goes up (the uploader re-sends by offset). Not before it:
    // a lost params read makes the session assume 1452-byte packets, which this 384-byte board drops
    // silently (reported to the SMP core: the params read is not re-sent over UDP).
    const pushing = cli('push', v2Path, '--to', board.url, '--commit', 'auto', '--health-seconds', '1');
    const lossy = setInterval(() => {
      const upload = board?.server.snapshot().upload;
      if (board) board.faults.dropEveryNth = upload && upload.off > 0 && !upload.done ? 7 : 0;
    }, 5);
    const pushed = await pushing.finally(() => clearInterval(lossy));
    expect(pushed.code, JSON.stringify(pushed.lines.at(-1)) + pushed.stderr).toBe(0);
    expect(pushed.lines.find((l) => l.type === 'device')).toMatchObject({
      id: `udp:127.0.0.1:${board.port}`,
      transport: 'lan',
      protocol: 'mcumgr-smp',
      services: ['MCUmgr SMP over UDP'],
    });
    expect(pushed.lines.at(-1)).toMatchObject({
      type: 'result',
      result: 'success',
      state: 'committed',
      fromVersion: '1.0.0',
      toVersion: '1.1.0',
    });
    expect(board.counters.droppedByFault).toBeGreaterThan(0);

    board.faults.dropEveryNth = 0;
    const status = await cli('status', board.url);
    expect(status.code).toBe(0);
    const slots = (status.lines.find((l) => l.type === 'status') as { imageSlots: Array<Record<string, unknown>> })
      .imageSlots;
    expect(slots[0]).toMatchObject({ slot: 0, version: '1.1.0', active: true, confirmed: true });
  });

  it('discover --udp lists the board; a port where nothing answers is refused in words', async () => {
    board = await UdpSmpBoard.start({ initialImage: v1, mode: 'zephyr-swap', port: 0 });
    const found = await cli('discover', '--udp', `127.0.0.1:${board.port}`, '--udp', '127.0.0.1:9', '--timeout', '1');
    expect(found.code).toBe(0);
    expect(found.lines.find((l) => l.type === 'device')).toMatchObject({
      id: `udp:127.0.0.1:${board.port}`,
      firmwareVersion: '1.0.0',
      online: true,
    });
    expect(found.lines.find((l) => l.type === 'notAdded')).toMatchObject({
      ref: 'udp://127.0.0.1:9',
      reason: expect.stringMatching(/No MCUmgr board answers at udp:\/\/127\.0\.0\.1:9/),
    });
  });
});
