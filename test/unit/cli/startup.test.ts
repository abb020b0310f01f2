// The CLI starts like a small tool: `--help` and `--version` load neither the engine nor zod, from
// the prebuilt CLI (dist/cli, made at install by scripts/build-cli.js) or from the sources, and the
// prebuilt one is used only while no source it was built from has changed.
import { execFileSync, spawnSync } from 'node:child_process';
import { statSync, utimesSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Logs every module URL the process loads to stderr (Node's synchronous module hooks).
const LOG_MODULES = `data:text/javascript,${encodeURIComponent(
  "import { registerHooks } from 'node:module'; registerHooks({ load(url, context, next) { process.stderr.write('load ' + url + '\\n'); return next(url, context); } });",
)}`;

function run(args: string[], env: Record<string, string | undefined> = {}): { stdout: string; loaded: string[] } {
  const { OTA_BENCH_CLI: _unset, ...base } = process.env;
  const result = spawnSync(process.execPath, ['--import', LOG_MODULES, 'bin/ota-bench.js', ...args], {
    env: { ...base, ...env },
    encoding: 'utf8',
  });
  expect(result.status, result.stderr).toBe(0);
  const loaded = result.stderr
    .split('\n')
    .filter((line) => line.startsWith('load '))
    .map((line) => line.slice(5));
  return { stdout: result.stdout, loaded };
}

const heavy = (loaded: string[]) =>
  loaded.filter((url) =>
    /electron\/engine\/index\.ts|\/engine-[^/]*\.js$|node_modules\/zod\/|radio-setting|bonjour|noble/.test(url),
  );

describe('ota-bench start-up', () => {
  it('from the sources, --help and --version load no engine, radio or zod', () => {
    for (const args of [['--help'], ['--version']]) {
      const { stdout, loaded } = run(args, { OTA_BENCH_CLI: 'sources' });
      expect(stdout).toMatch(/ota-bench/);
      expect(loaded.some((url) => url.endsWith('/electron/cli/main.ts'))).toBe(true);
      expect(heavy(loaded)).toEqual([]);
    }
  }, 30_000);

  it('the prebuilt CLI runs while it is fresh, loads only its entry for --help, and gives way to a changed source', () => {
    const build = () => execFileSync(process.execPath, ['scripts/build-cli.js'], { stdio: 'pipe' });
    build();
    let fresh = run(['--help']);
    // A checkout someone is editing can make the build stale at once: build once more, then judge.
    if (!fresh.loaded.some((url) => url.endsWith('/dist/cli/main.js'))) {
      build();
      fresh = run(['--help']);
    }
    expect(fresh.stdout).toContain('Usage:');
    expect(fresh.loaded.some((url) => url.endsWith('/dist/cli/main.js'))).toBe(true);
    expect(fresh.loaded.some((url) => url.endsWith('.ts'))).toBe(false);
    expect(heavy(fresh.loaded)).toEqual([]);

    // An edited source (newer than the build) wins: what runs is what the sources say.
    const source = 'electron/cli/usage.ts';
    const { atime, mtime } = statSync(source);
    utimesSync(source, atime, new Date(Date.now() + 60_000));
    try {
      const stale = run(['--version']);
      expect(stale.loaded.some((url) => url.endsWith('/electron/cli/main.ts'))).toBe(true);
      expect(stale.loaded.some((url) => url.includes('/dist/cli/'))).toBe(false);
    } finally {
      utimesSync(source, atime, mtime);
    }
  }, 60_000);
});
