// The one application window, locked down per Electron's security checklist: isolated, sandboxed,
// no Node, strict CSP, no navigation, no new windows, no permissions, no <webview>.
import { BrowserWindow } from 'electron';
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { iconPath, preloadPath, type RendererLocation } from './app-paths.ts';
import { CONTENT_SECURITY_POLICY, devContentSecurityPolicy } from './content-security-policy.ts';

export function mainWindowOptions(preload: string, icon?: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 560,
    title: 'OTA Bench',
    show: false, // shown on ready-to-show, so the user never sees an empty white frame
    backgroundColor: '#14161a',
    ...(icon ? { icon } : {}),
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false, // a file dropped on the window is handled by the page, not opened
      safeDialogs: true,
      spellcheck: false,
    },
  };
}

export function contentSecurityPolicyFor(location: RendererLocation): string {
  return location.kind === 'dev-server'
    ? devContentSecurityPolicy(new URL(location.url).origin)
    : CONTENT_SECURITY_POLICY;
}

/** Sends the CSP with every HTTP response (the file:// renderer carries the same policy in a meta tag). */
export function enforceContentSecurityPolicy(session: Session, policy: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(
        ([name]) => name.toLowerCase() !== 'content-security-policy',
      ),
    );
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [policy] } });
  });
}

/**
 * OTA Bench needs no camera, geolocation, page notifications or any other web permission. Writing
 * plain text to the clipboard stays allowed: "copy log" / "copy sha256" buttons use it.
 */
const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback) =>
    callback(ALLOWED_PERMISSIONS.has(permission)),
  );
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
}

/** The app is a single page: any navigation, redirect, popup or <webview> is an attack or a bug. */
export function blockNavigation(contents: WebContents): void {
  const refuse = (event: { preventDefault(): void }, url: string) => {
    event.preventDefault();
    console.warn(`[window] blocked navigation to ${url.slice(0, 200)}`);
  };
  contents.on('will-navigate', (event) => refuse(event, event.url));
  contents.on('will-redirect', (event) => refuse(event, event.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    console.warn(`[window] blocked new window for ${url.slice(0, 200)}`);
    return { action: 'deny' };
  });
}

export function createMainWindow(location: RendererLocation): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(preloadPath, process.platform === 'linux' ? iconPath : undefined));
  const { session } = win.webContents;
  enforceContentSecurityPolicy(session, contentSecurityPolicyFor(location));
  denyPermissions(session);
  blockNavigation(win.webContents);
  win.once('ready-to-show', () => win.show());

  const loading = location.kind === 'dev-server' ? win.loadURL(location.url) : win.loadFile(location.indexHtml);
  loading.catch((error: unknown) => console.error('[window] could not load the renderer:', error));
  return win;
}
