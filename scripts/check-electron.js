#!/usr/bin/env node
// `npm start` / `npm run dev` run this first (prestart, predev). Electron 45 downloads its binary on
// first launch, not at `npm install`, so an install made offline (or with
// ELECTRON_SKIP_BINARY_DOWNLOAD=1, as CI does) succeeds and the first start then failed with
// electron-vite's bare "Electron uninstall". Here the binary is looked for where electron-vite looks
// (ELECTRON_EXEC_PATH, else node_modules/electron/path.txt → dist/), fetched if it is missing and
// downloads are allowed, and otherwise the user reads what is missing and how to get it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const DOWNLOAD_TIMEOUT_MS = 10 * 60 * 1000;

function electronDir() {
  if (process.env.OTA_BENCH_ELECTRON_DIR) return process.env.OTA_BENCH_ELECTRON_DIR; // tests
  try {
    return path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/** The Electron binary electron-vite will start, or null when it is not there. */
function binary(dir) {
  if (process.env.ELECTRON_EXEC_PATH)
    return existsSync(process.env.ELECTRON_EXEC_PATH) ? process.env.ELECTRON_EXEC_PATH : null;
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const file = path.join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(file) ? file : null;
}

const fail = (lines) => {
  console.error(lines.join('\n'));
  process.exit(1);
};
const cliHint = [
  'Meanwhile the CLI needs no Electron: npx ota-bench --help',
  'and `npm run sim` starts simulated boards with a shell to try it on.',
];

if (process.env.ELECTRON_EXEC_PATH && !existsSync(process.env.ELECTRON_EXEC_PATH)) {
  fail([
    `ELECTRON_EXEC_PATH points at ${process.env.ELECTRON_EXEC_PATH}, which does not exist: fix it, or unset it to use the Electron that npm installed.`,
  ]);
}
const dir = electronDir();
if (!dir) fail(['OTA Bench: the electron package is not installed. Run npm install first.']);
if (binary(dir)) process.exit(0);

const version = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
const what = `OTA Bench's window runs on Electron ${version}, and its binary (about 100 MB) is not downloaded yet: Electron fetches it on first launch, not during npm install.`;
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  fail([
    what,
    'ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it is not fetched now. To get it (network access to github.com, or ELECTRON_MIRROR):',
    '  npx install-electron',
    'then npm start again.',
    ...cliHint,
  ]);
}
console.error(`${what}\nDownloading it now…`);
const result = spawnSync(process.execPath, [path.join(dir, 'install.js')], {
  stdio: ['ignore', 'inherit', 'pipe'],
  timeout: DOWNLOAD_TIMEOUT_MS,
  encoding: 'utf8',
});
if (result.status === 0 && binary(dir)) process.exit(0);
const reason =
  (result.error?.message ?? result.stderr ?? '')
    .split('\n')
    .find((line) => /error|ENOTFOUND|EAI_AGAIN|ECONN|timed? ?out/i.test(line))
    ?.trim() ?? 'no reason given';
fail([
  `The Electron binary could not be downloaded (${reason}).`,
  'It needs network access to github.com (or a mirror in ELECTRON_MIRROR, or a cache in electron_config_cache).',
  'When you are online: npx install-electron, then npm start again.',
  ...cliHint,
]);
