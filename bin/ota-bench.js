#!/usr/bin/env node
// Runs the TypeScript CLI directly with Node's built-in type stripping (no build step).
// Node ≥ 22.18 strips types by default; 22.12–22.17 need the flag, so re-exec with it there.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(`ota-bench needs Node.js 22.12 or newer; this is ${process.version}.`);
  process.exit(2);
}
const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '../electron/cli/main.ts');
const stripsByDefault = major > 22 || minor >= 18;
if (stripsByDefault) {
  await import(cli);
} else {
  const result = spawnSync(process.execPath, ['--experimental-strip-types', '--no-warnings', cli, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
