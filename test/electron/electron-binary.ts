// Finds the Electron binary the way the `electron` package does, without its side effect: when the
// binary is missing, `require('electron')` starts a download, and this machine must not reach out.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export function installedElectronBinary(): string | null {
  let packageDir: string;
  try {
    packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : null;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override)
    return existsSync(path.join(override, relative || 'electron')) ? path.join(override, relative || 'electron') : null;
  if (!relative) return null;
  const binary = path.join(packageDir, 'dist', relative);
  return existsSync(binary) ? binary : null;
}

export const NO_ELECTRON_BINARY =
  "skipped: no Electron binary on this machine (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1); run npm install with Electron's postinstall approved to run these";
