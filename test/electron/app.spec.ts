// The packaged shell, launched for real: one locked-down window whose page sees window.otaBench
// and nothing of Node or Electron. Needs `electron-vite build` first (npm run test:electron does it)
// and runs inside the private network namespace, because the app starts mDNS discovery.
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { exposedApiKeys, type OtaBenchApi } from '../../shared/contract.ts';
import { makeMongooseFwZip } from '../sim/firmware-fixtures.ts';
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
  expect(
    Object.values(types).every((type) => type === 'undefined'),
    JSON.stringify(types),
  ).toBe(true);
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
    const api = (window as unknown as AppWindow).otaBench as unknown as Record<
      string,
      (arg?: unknown) => Promise<unknown>
    >;
    const outcome = (call: Promise<unknown>) =>
      call.then(
        () => 'resolved',
        (e: Error) => e.message,
      );
    return Promise.all([
      outcome(api.inspectDroppedFiles(Array.from({ length: 17 }, () => new File(['x'], 'x.bin')))),
      outcome(api.inspectDroppedFiles([])),
      outcome(api.planPush({ deviceId: 'id:x', imageId: 'img', path: '/etc/passwd' })),
      outcome(api.openFolderDialog({ path: '/etc' })),
    ]);
  });
  // Files made by page script are not on disk: the preload refuses them before any path exists.
  expect(errors[0]).toMatch(/“x\.bin” is not a file on disk/);
  expect(errors[1]).toMatch(/inspectDroppedFiles: invalid argument: files/);
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
      deviceId: 'ble:c0de',
      imageId: 'img',
      commitPolicy: 'auto',
      commitTimeoutSeconds: 60,
      mode: 'yolo',
    }).then(
      () => 'resolved',
      (e: Error) => e.message,
    ),
  );
  expect(error).toMatch(/push: invalid argument: mode/);
});

test('serial ports: the app says where the port watch stands; port settings are validated (#13)', async () => {
  // The real serial side (OTA_BENCH_SERIAL unset): watching, or unavailable with a sentence, never a crash.
  const status = await page.evaluate(() => (window as unknown as AppWindow).otaBench.getDiscoveryStatus());
  expect(['starting', 'watching', 'unavailable', 'off']).toContain(status.serial?.state);
  const errors = await page.evaluate(async () => {
    const setSerialPort = (window as unknown as AppWindow).otaBench.setSerialPort as (arg: unknown) => Promise<unknown>;
    const attempt = (arg: unknown) =>
      setSerialPort(arg).then(
        () => 'resolved',
        (e: Error) => e.message,
      );
    return {
      baud: await attempt({ deviceId: 'serial:/dev/ttyACM0', baudRate: 12345 }),
      flow: await attempt({ deviceId: 'serial:/dev/ttyACM0', flowControl: 'xon-xoff' }),
      extra: await attempt({ deviceId: 'serial:/dev/ttyACM0', path: '/etc/passwd' }),
    };
  });
  expect(errors.baud).toMatch(/setSerialPort: invalid argument/);
  expect(errors.flow).toMatch(/setSerialPort: invalid argument/);
  expect(errors.extra).toMatch(/setSerialPort: invalid argument/);
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

test('a genuine drop is inspected: the preload resolves the File and proves it to the main process', async () => {
  const firmware = makeMongooseFwZip({
    platform: 'esp32',
    version: '7.7.7',
    buildId: '20250601-120000/7.7.7@electron',
    size: 50_000,
    dir: userData,
  });
  // A file input gives disk-backed Files, as a drag from the file manager does.
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'electron-test-drop-source';
    input.style.display = 'none';
    document.body.append(input);
  });
  await page.setInputFiles('#electron-test-drop-source', firmware.path);
  const dataTransfer = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    const input = document.getElementById('electron-test-drop-source') as HTMLInputElement;
    transfer.items.add(input.files![0]!);
    return transfer;
  });
  await page.locator('.app').dispatchEvent('dragenter', { dataTransfer });
  await page.locator('.app').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByTestId('image-version')).toHaveText('7.7.7');
  await page.evaluate(() => document.getElementById('electron-test-drop-source')?.remove());
});

test('the page cannot name a file: strings and page-made Files are refused, and there is no path function', async () => {
  const outcomes = await page.evaluate(async () => {
    const api = (window as unknown as AppWindow).otaBench as unknown as Record<
      string,
      (arg?: unknown) => Promise<unknown>
    >;
    const outcome = (call: Promise<unknown>) =>
      call.then(
        () => 'resolved',
        (e: Error) => e.message,
      );
    return {
      aPath: await outcome(api.inspectDroppedFiles(['/etc/passwd'])),
      oldForm: await outcome(api.inspectDroppedFiles({ paths: ['/etc/passwd'] })),
      madeUp: await outcome(api.inspectDroppedFiles([new File(['ssh-rsa AAAA'], 'id_rsa')])),
      pathForFile: typeof (api as Record<string, unknown>).pathForFile,
      inspectImagePaths: typeof (api as Record<string, unknown>).inspectImagePaths,
    };
  });
  expect(outcomes.aPath).toMatch(/takes the dropped File objects/);
  expect(outcomes.oldForm).toMatch(/needs an array of dropped Files/);
  expect(outcomes.madeUp).toMatch(/“id_rsa” is not a file on disk/);
  expect(outcomes.pathForFile).toBe('undefined');
  expect(outcomes.inspectImagePaths).toBe('undefined');
});

test('addDevice asks in a native dialog before contacting an address outside the local network', async () => {
  // Stand in for the user: record the question and press Cancel.
  await app.evaluate(({ dialog }) => {
    const asked: unknown[] = [];
    (globalThis as unknown as { askedAbout: unknown[] }).askedAbout = asked;
    dialog.showMessageBox = (async (...args: unknown[]) => {
      asked.push(args.at(-1));
      return { response: 0, checkboxChecked: false };
    }) as typeof dialog.showMessageBox;
  });
  const error = await page.evaluate(() =>
    (window as unknown as AppWindow).otaBench.addDevice({ target: '203.0.113.7:8080' }).then(
      () => 'resolved',
      (e: Error) => e.message,
    ),
  );
  expect(error).toMatch(/Not added: 203\.0\.113\.7:8080 is outside your local network/);
  const asked = await app.evaluate(
    () => (globalThis as unknown as { askedAbout: Array<{ message: string }> }).askedAbout,
  );
  expect(asked.map((question) => question.message)).toEqual(['Contact 203.0.113.7:8080?']);
});
