// Where the built app's pieces live, and where the renderer is loaded from. The main bundle is
// out/main/index.js; electron-vite writes the preload and renderer beside it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const mainDir = dirname(fileURLToPath(import.meta.url));

export const preloadPath = join(mainDir, '../preload/index.cjs');
export const rendererIndexHtml = join(mainDir, '../renderer/index.html');
export const iconPath = join(mainDir, '../../resources/icon.png');

/** The packaged renderer is a file; `electron-vite dev` serves it from a local dev server instead. */
export type RendererLocation = { kind: 'file'; indexHtml: string } | { kind: 'dev-server'; url: string };

/**
 * ELECTRON_RENDERER_URL is honoured only in an unpackaged app: in a shipped build an environment
 * variable must not be able to point the window, and its preload API, at another page.
 */
export function rendererLocation(isPackaged: boolean, env: NodeJS.ProcessEnv = process.env): RendererLocation {
  const devUrl = env.ELECTRON_RENDERER_URL;
  if (!isPackaged && devUrl) return { kind: 'dev-server', url: devUrl };
  return { kind: 'file', indexHtml: rendererIndexHtml };
}

/**
 * Tests run each app instance with its own throw-away profile (settings, caches, single-instance
 * lock), like Chromium's --user-data-dir. Must run before the app is ready.
 */
export function applyUserDataOverride(
  app: { setPath(name: 'userData', path: string): void },
  env: NodeJS.ProcessEnv = process.env,
): void {
  const dir = env.OTA_BENCH_USER_DATA;
  if (dir) app.setPath('userData', dir);
}
