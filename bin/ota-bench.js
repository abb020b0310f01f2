#!/usr/bin/env node
// Starts the CLI. `npm install` prebuilds it into dist/cli/ (scripts/build-cli.js, the `prepare`
// script): plain JavaScript that starts like a small tool. When that build is missing, or a source
// it was built from has changed since (a checkout being edited), the TypeScript sources run
// directly with Node's type stripping instead, so what runs is always what the sources say.
// Node ≥ 22.18 strips types by default; 22.12–22.17 need the flag, so re-exec with it there.
import { readFileSync, statSync } from 'node:fs';
import module from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`ota-bench needs Node.js 22.12 or newer; this is ${process.version}.`);
  process.exit(2);
}
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The prebuilt CLI, if it exists and no source it was built from is newer than the build.
 * OTA_BENCH_CLI=sources or =prebuilt picks one regardless (tests and the benchmark).
 */
function prebuilt() {
  const choice = process.env.OTA_BENCH_CLI;
  if (choice === 'sources') return null;
  if (choice === 'prebuilt') return path.join(root, 'dist/cli/main.js');
  try {
    const built = path.join(root, 'dist/cli');
    const { inputs } = JSON.parse(readFileSync(path.join(built, 'inputs.json'), 'utf8'));
    const builtAt = statSync(path.join(built, 'inputs.json')).mtimeMs;
    for (const input of inputs) if (statSync(path.join(root, input)).mtimeMs > builtAt) return null;
    return path.join(built, 'main.js');
  } catch {
    return null; // not built, or a source moved: the sources are the truth
  }
}

const stripsByDefault = major > 22 || minor >= 18;
// OTA_BENCH_BLE=sim:… imports the simulator's TypeScript at run time, which older Node only strips
// with the flag: run everything from the sources there.
const importsTypeScript = /^\s*sim:/.test(process.env.OTA_BENCH_BLE ?? '');
const bundle = stripsByDefault || !importsTypeScript ? prebuilt() : null;
const cli = path.join(root, 'electron/cli/main.ts');
if (bundle) {
  // V8 keeps the compiled bundle in Node's compile cache (the temp directory), so later starts skip compiling it.
  module.enableCompileCache?.();
  await import(pathToFileURL(bundle).href);
} else if (stripsByDefault) {
  await import(pathToFileURL(cli).href);
} else {
  const { spawnSync } = await import('node:child_process');
  const result = spawnSync(
    process.execPath,
    ['--experimental-strip-types', '--no-warnings', cli, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  process.exit(result.status ?? 1);
}
