// The CLI with an esp-link board: `inspect` and `push` take a user1/user2 pair, `push` prints the
// plan and stops when it refuses (exit 1, nothing sent) unless --force, `status` lists the slots.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EspLinkBoard } from '../../sim/boards/esp-link-board.ts';
import { buildEsp8266V2Image } from '../../sim/esp8266-v2-image.ts';

const run = promisify(execFile);
const board = new EspLinkBoard({ address: '127.0.4.30', hostname: 'cli-esp', mdns: false, bootMs: 300 });
const folder = mkdtempSync(path.join(tmpdir(), 'ota-bench-cli-esp-link-'));
const write = (name: string, slot: 1 | 2, version: string) => {
  const file = path.join(folder, name);
  writeFileSync(file, buildEsp8266V2Image({ slot, version, size: 90_000 }));
  return file;
};
const user1 = write('user1.bin', 1, '7.0.0');
const user2 = write('user2.bin', 2, '7.0.0');
const stray = path.join(mkdtempSync(path.join(tmpdir(), 'ota-bench-cli-stray-')), 'user1.bin');
writeFileSync(stray, buildEsp8266V2Image({ slot: 1, version: '8.0.0', size: 90_000 }));

type Line = Record<string, unknown>;
async function cli(...args: string[]): Promise<{ code: number; lines: Line[] }> {
  try {
    const { stdout } = await run(process.execPath, ['bin/ota-bench.js', ...args, '--json'], { timeout: 60_000 });
    return {
      code: 0,
      lines: stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return {
      code: e.code,
      lines: e.stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    };
  }
}

beforeAll(() => board.start());
afterAll(() => board.stop());

describe('ota-bench with an esp-link board', () => {
  it("inspect shows a pair with each file's slot evidence", async () => {
    const { code, lines } = await cli('inspect', user2, user1);
    expect(code).toBe(0);
    const image = lines.find((l) => l.type === 'image') as {
      format: string;
      members: Array<{ fileName: string; slotEvidence: { linkedSlot: number } }>;
    };
    expect(image.format).toBe('esp8266-ota-pair');
    expect(image.members.map((m) => [m.fileName, m.slotEvidence.linkedSlot])).toEqual([
      ['user1.bin', 1],
      ['user2.bin', 2],
    ]);
  });

  it('push stops at a wrong-slot file and says how to override; nothing is sent', async () => {
    const { code, lines } = await cli('push', stray, '--to', board.address);
    expect(code).toBe(1);
    expect(lines.find((l) => l.type === 'plan')).toMatchObject({ verdict: 'needs-override' });
    expect(lines.at(-1)).toMatchObject({
      type: 'result',
      result: 'unsupported-package',
      message: expect.stringMatching(/^Not pushed: The board writes slot 2 next.*--force/),
    });
    expect(board.uploads).toHaveLength(0);
  });

  it('push of a pair sends the file the board asks for and ends in success', async () => {
    const { code, lines } = await cli('push', user1, user2, '--to', board.address);
    expect(code).toBe(0);
    expect(lines.find((l) => l.type === 'plan')).toMatchObject({ verdict: 'ready', send: { fileName: 'user2.bin' } });
    expect(lines.at(-1)).toMatchObject({ type: 'result', result: 'success', state: 'updated', toVersion: '7.0.0' });
    expect(board.runningSlot).toBe(2);
  });

  it('push --force of a wrong-slot file ends rolled back (exit 1); status shows the slots', async () => {
    // The board now runs slot 2 and writes slot 1 next, so user2.bin is the wrong-slot file now.
    const { code, lines } = await cli('push', user2, '--to', board.address, '--force');
    expect(code).toBe(1);
    expect(lines.at(-1)).toMatchObject({ type: 'result', result: 'rolled-back', state: 'rolled-back' });
    const status = await cli('status', board.address);
    expect(status.lines.find((l) => l.type === 'status')).toMatchObject({
      slots: { runningSlot: 2, nextSlot: 1, flashMap: '4MB:512/512' },
    });
  });
});
