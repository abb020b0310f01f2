// The window is created with every Electron security setting on, a strict CSP, no navigation, no
// popups and no permissions. Electron itself is mocked: these run without its binary.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const created = vi.hoisted(() => ({ windows: [] as FakeWindow[] }));

type Handler = (...args: unknown[]) => unknown;
interface FakeWindow {
  options: Record<string, unknown>;
  handlers: Map<string, Handler>;
  windowOpenHandler?: Handler;
  headersListener?: Handler;
  permissionRequest?: Handler;
  permissionCheck?: Handler;
  loaded?: { file?: string; url?: string };
}

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: unknown;
    constructor(options: Record<string, unknown>) {
      const win: FakeWindow = { options, handlers: new Map() };
      created.windows.push(win);
      this.webContents = {
        on: (name: string, handler: Handler) => win.handlers.set(name, handler),
        setWindowOpenHandler: (handler: Handler) => (win.windowOpenHandler = handler),
        session: {
          webRequest: { onHeadersReceived: (listener: Handler) => (win.headersListener = listener) },
          setPermissionRequestHandler: (handler: Handler) => (win.permissionRequest = handler),
          setPermissionCheckHandler: (handler: Handler) => (win.permissionCheck = handler),
        },
      };
      Object.assign(this, {
        once: () => {},
        loadFile: async (file: string) => void (win.loaded = { file }),
        loadURL: async (url: string) => void (win.loaded = { url }),
      });
    }
  }
  return { BrowserWindow };
});

const { mainWindowOptions, createMainWindow, contentSecurityPolicyFor } =
  await import('../../../electron/main/window.ts');
const { CONTENT_SECURITY_POLICY } = await import('../../../electron/main/content-security-policy.ts');
const { CONTENT_SECURITY_POLICY: SHARED_POLICY, withContentSecurityPolicyMeta } =
  await import('../../../shared/content-security-policy.ts');
const { rendererLocation, rendererIndexHtml } = await import('../../../electron/main/app-paths.ts');

// The policy is stated once (shared/content-security-policy.ts); these tests hold it to being strict.
const EXPECTED_CSP = SHARED_POLICY;
const directivesOf = (policy: string) =>
  new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...sources]) => [name!, sources]),
  );

const fileLocation = { kind: 'file', indexHtml: '/app/out/renderer/index.html' } as const;
let win: FakeWindow;
beforeEach(() => {
  created.windows.length = 0;
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  createMainWindow(fileLocation);
  win = created.windows[0];
});

describe('mainWindowOptions', () => {
  const prefs = mainWindowOptions('/app/out/preload/index.cjs').webPreferences!;

  it('isolates, sandboxes and keeps Node out of the renderer', () => {
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
    });
  });

  it('keeps web security on and dangerous extras off', () => {
    expect(prefs).toMatchObject({
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    });
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('additionalArguments');
  });

  it('is what createMainWindow uses', () => {
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect((win.options.webPreferences as { preload: string }).preload).toMatch(/[/\\]preload[/\\]index\.cjs$/);
  });
});

describe('content security policy', () => {
  it('is the one shared policy, and strict: only our own scripts, no plugins, no base, no forms, no framing', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(SHARED_POLICY);
    const policy = directivesOf(CONTENT_SECURITY_POLICY);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    for (const name of ['object-src', 'base-uri', 'form-action', 'frame-ancestors'])
      expect(policy.get(name), name).toEqual(["'none'"]);
    // No wildcard, no scheme-wide source, no eval anywhere; only styles may be inline (React style props).
    const sources = [...policy.values()].flat();
    expect(sources.filter((s) => /^\*|^https?:$|^ws:|unsafe-eval|unsafe-hashes|strict-dynamic/.test(s))).toEqual([]);
    expect([...policy].filter(([, list]) => list.includes("'unsafe-inline'")).map(([name]) => name)).toEqual([
      'style-src',
    ]);
  });

  it('is added to every HTTP response, replacing any policy the server sent', () => {
    const callback = vi.fn();
    win.headersListener!({ responseHeaders: { 'content-security-policy': ['default-src *'], 'x-a': ['1'] } }, callback);
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: { 'x-a': ['1'], 'Content-Security-Policy': [EXPECTED_CSP] },
    });
  });

  it('is relaxed only for the dev server, and only by its inline refresh script and websocket', () => {
    const dev = contentSecurityPolicyFor({ kind: 'dev-server', url: 'http://localhost:5173/' });
    expect(dev).toContain("script-src 'self' 'unsafe-inline'");
    expect(dev).toContain("connect-src 'self' ws://localhost:5173");
    expect(dev).toContain("object-src 'none'");
    expect(contentSecurityPolicyFor(fileLocation)).toBe(EXPECTED_CSP);
  });

  it('is the <meta> tag the build writes into the file:// renderer, first thing after the charset', () => {
    const source = readFileSync(path.resolve(import.meta.dirname, '../../../renderer/index.html'), 'utf8');
    const html = withContentSecurityPolicyMeta(source);
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
    expect(meta, 'the built index.html has no CSP <meta> tag').not.toBeNull();
    expect(meta![1]).toBe(EXPECTED_CSP);
    expect(html.indexOf('http-equiv="Content-Security-Policy"')).toBeLessThan(html.indexOf('<script'));
    expect(html.slice(0, meta!.index)).toMatch(/<head>\s*<meta charset="UTF-8" \/>\s*$/);
  });

  it('has no second copy to drift: a page with its own policy fails the build', () => {
    const source = readFileSync(path.resolve(import.meta.dirname, '../../../renderer/index.html'), 'utf8');
    expect(() => withContentSecurityPolicyMeta(withContentSecurityPolicyMeta(source))).toThrow(
      /carries its own Content-Security-Policy/,
    );
  });
});

describe('navigation and new windows', () => {
  it.each(['will-navigate', 'will-redirect'])('%s is prevented', (name) => {
    const event = { url: 'https://evil.example/', preventDefault: vi.fn() };
    win.handlers.get(name)!(event, event.url);
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('<webview> attachment is prevented', () => {
    const event = { preventDefault: vi.fn() };
    win.handlers.get('will-attach-webview')!(event, {}, {});
    expect(event.preventDefault).toHaveBeenCalled();
  });

  it('window.open and target=_blank are denied', () => {
    expect(win.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });
});

describe('permissions', () => {
  it.each(['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'serial', 'usb', 'hid'])(
    '%s is denied',
    (permission) => {
      const callback = vi.fn();
      win.permissionRequest!({}, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(win.permissionCheck!({}, permission, 'file://', {})).toBe(false);
    },
  );

  it('writing text to the clipboard (copy buttons) is allowed', () => {
    const callback = vi.fn();
    win.permissionRequest!({}, 'clipboard-sanitized-write', callback, {});
    expect(callback).toHaveBeenCalledWith(true);
  });
});

describe('what gets loaded', () => {
  it('the packaged renderer file', () => {
    expect(win.loaded).toEqual({ file: fileLocation.indexHtml });
  });

  it('ELECTRON_RENDERER_URL is ignored in a packaged app', () => {
    const env = { ELECTRON_RENDERER_URL: 'https://evil.example/' };
    expect(rendererLocation(true, env)).toEqual({ kind: 'file', indexHtml: rendererIndexHtml });
    expect(rendererLocation(false, env)).toEqual({ kind: 'dev-server', url: 'https://evil.example/' });
    expect(rendererIndexHtml).toMatch(/[/\\]renderer[/\\]index\.html$/);
  });
});
