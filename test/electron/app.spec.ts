// The packaged shell, launched for real: one locked-down window whose page sees window.otaBench
// and nothing of Node or Electron. Needs `electron-vite build` first (npm run test:electron does it)
// and runs inside the private network namespace, because the app starts mDNS discovery.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { exposedApiKeys, type OtaBenchApi } from '../../shared/contract.ts';
import { assertPrivateNetwork } from '../support/netns-guard.ts';
import { installedElectronBinary, NO_ELECTRON_BINARY } from './electron-binary.ts';

const electronBinary = installedElectronBinary();
// The list reporter does not print skip reasons: say it once, loudly, when the file is collected.
if (electronBinary === null && !process.env.TEST_WORKER_INDEX) console.warn(`\n[electron] ${NO_ELECTRON_BINARY}\n`);
test.skip(electronBinary === null, NO_ELECTRON_BINARY);
test.describe.configure({ mode: 'serial' });

type AppWindow = { otaBench: OtaBenchApi };

const mainScript = path.resolve(import.meta.dirname, '../../out/main/index.js');
let app: ElectronApplication;
let page: Page;
let userData: string;

test.beforeAll(async () => {
  assertPrivateNetwork('the Electron app tests');
  if (!existsSync(mainScript)) throw new Error(`${mainScript} is missing: run \`npm run build\` first`);
  userData = mkdtempSync(path.join(tmpdir(), 'ota-bench-electron-'));
  // Inside the namespace we are root, and Chromium refuses its sandbox to root.
  const rootOnly = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  app = await _electron.launch({
    args: [...rootOnly, mainScript],
    env: { ...process.env, OTA_BENCH_USER_DATA: userData, ELECTRON_RENDERER_URL: '' },
  });
  page = await app.firstWindow();
  await expect(page.locator('[data-app-state="ready"]')).toHaveCount(1, { timeout: 20_000 });
});

test.afterAll(async () => {
  await app?.close();
  if (userData) rmSync(userData, { recursive: true, force: true });
});

test('opens one window, titled OTA Bench, from the packaged renderer file', async () => {
  expect(app.windows()).toHaveLength(1);
  await expect(page).toHaveTitle(/OTA Bench/);
  expect(page.url()).toMatch(/^file:\/\/.*\/out\/renderer\/index\.html/);
});

test('webPreferences are locked down', async () => {
  // getLastWebPreferences() is still in Electron 45 at run time, but no longer in its typings.
  const prefs = await app.evaluate(({ BrowserWindow }) => {
    const contents = BrowserWindow.getAllWindows()[0].webContents as unknown as {
      getLastWebPreferences(): Record<string, unknown> | null;
    };
    return contents.getLastWebPreferences();
  });
  expect(prefs).toMatchObject({
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
  });
});

test('window.otaBench has exactly the contract keys', async () => {
  const keys = await page.evaluate(() => Object.keys((window as unknown as AppWindow).otaBench).sort());
  expect(keys).toEqual([...exposedApiKeys].sort());
});

test('the page sees no Node or Electron globals', async () => {
  const types = await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    return {
      require: typeof w.require,
      process: typeof w.process,
      module: typeof w.module,
      Buffer: typeof w.Buffer,
      ipcRenderer: typeof w.ipcRenderer,
      electron: typeof w.electron,
    };
  });
  expect(Object.values(types).every((type) => type === 'undefined'), JSON.stringify(types)).toBe(true);
});

test('commands run through the IPC server, which validates arguments', async () => {
  const status = await page.evaluate(() => (window as unknown as AppWindow).otaBench.getDiscoveryStatus());
  expect(['starting', 'running', 'unavailable']).toContain(status.state);
  const error = await page.evaluate(() =>
    ((window as unknown as AppWindow).otaBench.cancelJob as (arg: unknown) => Promise<unknown>)({ jobId: 5 }).then(
      () => 'resolved',
      (e: Error) => e.message,
    ),
  );
  expect(error).toMatch(/cancelJob: invalid argument: jobId/);
});

test('the #3 commands are validated by the IPC server too: paths, plans and dialogs', async () => {
  const errors = await page.evaluate(async () => {
    const api = (window as unknown as AppWindow).otaBench as unknown as Record<string, (arg?: unknown) => Promise<unknown>>;
    const outcome = (call: Promise<unknown>) => call.then(() => 'resolved', (e: Error) => e.message);
    return Promise.all([
      outcome(api.inspectImagePaths({ paths: Array.from({ length: 17 }, (_, i) => `/tmp/${i}.bin`) })),
      outcome(api.inspectImagePaths({ paths: [] })),
      outcome(api.planPush({ deviceId: 'id:x', imageId: 'img', path: '/etc/passwd' })),
      outcome(api.openFolderDialog({ path: '/etc' })),
    ]);
  });
  expect(errors[0]).toMatch(/inspectImagePaths: invalid argument: paths/);
  expect(errors[1]).toMatch(/inspectImagePaths: invalid argument: paths/);
  expect(errors[2]).toMatch(/planPush: invalid argument: .*unexpected field "path"/);
  expect(errors[3]).toMatch(/openFolderDialog: invalid argument/);
});

test('Bluetooth: the app starts whatever the machine has and says where BLE stands; push modes are validated', async () => {
  // No OTA_BENCH_BLE here: the real radio, lazily loaded. Without an adapter the app must still run and say so.
  const status = await page.evaluate(() => (window as unknown as AppWindow).otaBench.getDiscoveryStatus());
  expect(['starting', 'scanning', 'unavailable']).toContain(status.ble?.state);
  expect(status.ble?.message.length).toBeGreaterThan(10);
  const error = await page.evaluate(() =>
    ((window as unknown as AppWindow).otaBench.push as (arg: unknown) => Promise<unknown>)({
      deviceId: 'ble:c0de', imageId: 'img', commitPolicy: 'auto', commitTimeoutSeconds: 60, mode: 'yolo',
    }).then(() => 'resolved', (e: Error) => e.message),
  );
  expect(error).toMatch(/push: invalid argument: mode/);
});

test('an injected inline script does not run (CSP)', async () => {
  const ran = await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__inlineScriptRan = true';
    document.head.append(script);
    return (window as unknown as { __inlineScriptRan?: boolean }).__inlineScriptRan === true;
  });
  expect(ran).toBe(false);
});

test('navigation and new windows are blocked', async () => {
  const before = page.url();
  const opened = await page.evaluate(() => {
    const popup = window.open('https://example.com/');
    window.location.href = 'https://example.com/';
    return popup !== null;
  });
  expect(opened).toBe(false);
  await page.waitForTimeout(500);
  expect(page.url()).toBe(before);
  expect(app.windows()).toHaveLength(1);
  await expect(page.locator('[data-app-state="ready"]')).toHaveCount(1);
});
