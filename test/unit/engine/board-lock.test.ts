// The cross-process board lock (electron/engine/jobs/board-lock.ts) on its own: where it lives, who a
// refusal names, a dead holder's lock taken over, and a release that only ever removes our own file.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UpdateError } from '../../../electron/engine/update-error.ts';
import { boardLockKeys, dataDir, lockFileFor, takeBoardLock } from '../../../electron/engine/jobs/board-lock.ts';

let saved: string | undefined;
beforeEach(() => {
  saved = process.env.OTA_BENCH_DATA_DIR;
  process.env.OTA_BENCH_DATA_DIR = mkdtempSync(path.join(tmpdir(), 'ota-bench-lock-unit-'));
});
afterEach(() => {
  if (saved === undefined) delete process.env.OTA_BENCH_DATA_DIR;
  else process.env.OTA_BENCH_DATA_DIR = saved;
});

const locks = () => readdirSync(path.join(dataDir(), 'locks')).filter((f) => f.endsWith('.lock'));
const deadPid = () =>
  Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString());
const holder = { process: 'the OTA Bench CLI', device: 'esp-link' };

describe('board lock', () => {
  it('lives where Electron keeps the app data, unless OTA_BENCH_DATA_DIR says otherwise', () => {
    expect(dataDir({ OTA_BENCH_DATA_DIR: '/x' }, 'linux')).toBe('/x');
    expect(dataDir({ XDG_CONFIG_HOME: '/home/u/.cfg' }, 'linux')).toBe(path.join('/home/u/.cfg', 'ota-bench'));
    expect(dataDir({ APPDATA: 'C:/Users/u/AppData/Roaming' }, 'win32')).toBe(
      path.join('C:/Users/u/AppData/Roaming', 'ota-bench'),
    );
    expect(dataDir({}, 'darwin')).toMatch(/Library[\\/]Application Support[\\/]ota-bench$/);
  });

  it('a second taker is refused, naming the holder and since when; after release it is free', () => {
    const keys = boardLockKeys({ id: 'host:esp-link.local', transport: 'lan', address: '10.0.0.5', port: 80 });
    expect(keys).toEqual(['host:esp-link.local', 'lan:10.0.0.5:80']);
    const first = takeBoardLock(keys, holder);
    expect(locks()).toHaveLength(2);
    // Another process knows the board only by its address: still the same board.
    let refusal: unknown;
    try {
      takeBoardLock(['addr:10.0.0.5:80', 'lan:10.0.0.5:80'], { process: 'the OTA Bench app', device: 'esp-link' });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(UpdateError);
    expect((refusal as Error).message).toMatch(
      new RegExp(
        `^esp-link is busy: the OTA Bench CLI \\(pid ${process.pid}\\) is pushing to this board since \\d\\d:\\d\\d:\\d\\d`,
      ),
    );
    // The refused taker left nothing behind (its first key was released).
    expect(locks()).toHaveLength(2);
    first.release();
    expect(locks()).toHaveLength(0);
    takeBoardLock(keys, holder).release();
  });

  it('takes over a lock whose process is gone', () => {
    const keys = ['id:board-1'];
    takeBoardLock(keys, holder).release(); // creates the directory
    writeFileSync(
      lockFileFor(keys[0]!),
      JSON.stringify({ pid: deadPid(), process: 'the OTA Bench CLI', since: 1, device: 'board-1' }),
    );
    const lock = takeBoardLock(keys, holder);
    expect(JSON.parse(readFileSync(lockFileFor(keys[0]!), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it.runIf(process.platform === 'linux')(
    'takes over a lock whose pid now belongs to another program (pid reuse)',
    async () => {
      const keys = ['id:board-3'];
      takeBoardLock(keys, holder).release();
      const other = spawn('sleep', ['5']);
      try {
        writeFileSync(
          lockFileFor(keys[0]!),
          JSON.stringify({ pid: other.pid, process: 'the OTA Bench CLI', since: 1, device: 'board-3' }),
        );
        takeBoardLock(keys, holder).release();
        expect(locks()).toHaveLength(0);
      } finally {
        other.kill();
      }
    },
  );

  it('a release never removes a lock someone else took over meanwhile', () => {
    const keys = ['id:board-2'];
    const lock = takeBoardLock(keys, holder);
    const other = { pid: process.pid, process: 'the OTA Bench app', since: Date.now() + 1, device: 'board-2' };
    writeFileSync(lockFileFor(keys[0]!), JSON.stringify(other));
    lock.release();
    expect(JSON.parse(readFileSync(lockFileFor(keys[0]!), 'utf8'))).toMatchObject({ process: 'the OTA Bench app' });
  });
});
