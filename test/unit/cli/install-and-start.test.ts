// What a newcomer meets at `npm install` and `npm start`: every dependency's install script is
// reviewed (no "install scripts not covered by allowScripts" warning), and a missing Electron binary
// is explained in our words instead of electron-vite's "Electron uninstall".
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function fakeElectron(withBinary: boolean): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ota-bench-fake-electron-'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: '45.4.1' }));
  if (withBinary) {
    writeFileSync(path.join(dir, 'path.txt'), 'electron');
    mkdirSync(path.join(dir, 'dist'));
    writeFileSync(path.join(dir, 'dist', 'electron'), '');
  }
  return dir;
}

function checkElectron(dir: string) {
  const { ELECTRON_EXEC_PATH: _unset, ...env } = process.env;
  return spawnSync(process.execPath, ['scripts/check-electron.js'], {
    env: { ...env, OTA_BENCH_ELECTRON_DIR: dir, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    encoding: 'utf8',
  });
}

describe('npm start and npm install, as a newcomer meets them', () => {
  it('npm start and npm run dev check for the Electron binary first', () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.prestart).toBe('node scripts/check-electron.js');
    expect(scripts.predev).toBe('node scripts/check-electron.js');
  });

  it('a missing Electron binary is explained: what is missing, why, and how to get it (exit 1)', () => {
    const result = checkElectron(fakeElectron(false));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('runs on Electron 45.4.1, and its binary (about 100 MB) is not downloaded yet');
    expect(result.stderr).toContain('npx install-electron');
    expect(result.stderr).not.toContain('Electron uninstall');
  });

  it('an installed binary lets npm start go on, silently', () => {
    const result = checkElectron(fakeElectron(true));
    expect(result).toMatchObject({ status: 0, stdout: '', stderr: '' });
  });

  it('every install script in the dependency tree is reviewed in package.json allowScripts', (ctx) => {
    const result = spawnSync('npm', ['install-scripts', 'ls'], { encoding: 'utf8', timeout: 60_000 });
    // npm before 11.x has no allowScripts (and runs every install script): nothing to check there.
    if (/Unknown command/i.test(result.stderr)) ctx.skip();
    expect(result.stdout.trim(), result.stderr).toBe('No packages with unreviewed install scripts.');
  }, 60_000);
});
