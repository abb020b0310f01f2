// Composition root of the Electron main process: one instance, one engine, one window, one IPC
// server. Logic lives in the modules imported here.
import { join } from 'node:path';
import { app, ipcMain, safeStorage } from 'electron';
import type { BrowserWindow } from 'electron';
import { createEngine } from '../engine/index.ts';
import { bleSettingFrom, createRadio } from '../engine/ble/radio-setting.ts';
import { historyFile } from '../engine/history/history-file.ts';
import { dataDir } from '../engine/jobs/board-lock.ts';
import { createRemoteAddressConfirm } from './address-dialog.ts';
import { applyUserDataOverride, rendererLocation } from './app-paths.ts';
import { createCredentialStore, credentialFileAt } from './credential-store.ts';
import { createFileDialogs } from './image-dialog.ts';
import { forwardEngineEvents, registerIpcServer } from './ipc-server.ts';
import { wireOsIntegration } from './os-integration.ts';
import { createTrustedSenderCheck } from './trusted-sender.ts';
import { createMainWindow } from './window.ts';

/** How long quitting waits for the engine to cancel jobs and close its sockets. */
const ENGINE_CLOSE_TIMEOUT_MS = 5_000;

applyUserDataOverride(app);

/** The Bluetooth radio OTA_BENCH_BLE asks for; a bad value is reported and leaves BLE off. */
function radioForApp() {
  try {
    return createRadio(bleSettingFrom(process.env.OTA_BENCH_BLE));
  } catch (error) {
    console.error(`[main] ${(error as Error).message}`);
    return null;
  }
}

if (!app.requestSingleInstanceLock()) {
  // Two instances would browse mDNS twice and could push to the same board at once.
  app.quit();
} else {
  let win: BrowserWindow | null = null;
  const location = rendererLocation(app.isPackaged);
  // The history file is shared with the CLI (dataDir(): the app's userData folder, or OTA_BENCH_DATA_DIR);
  // only this main process opens it, never a renderer.
  const engine = createEngine({
    ble: radioForApp(),
    processName: 'the OTA Bench app',
    serialPorts: true,
    historyFile: historyFile(dataDir()),
  });

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  registerIpcServer({
    ipcMain,
    engine,
    isTrustedSender: createTrustedSenderCheck(location),
    dialogs: createFileDialogs(engine, () => win),
    confirmRemoteAddress: createRemoteAddressConfirm(() => win),
    // safeStorage ciphertext only, in the app's data folder (the OS keychain holds the key).
    credentialStore: createCredentialStore({
      safeStorage,
      file: credentialFileAt(join(app.getPath('userData'), 'credentials.json')),
    }),
  });
  forwardEngineEvents(engine, (channel, payload) => {
    if (win && !win.isDestroyed()) win.webContents.send(channel, payload);
  });

  void app.whenReady().then(() => {
    win = createMainWindow(location);
    wireOsIntegration(win, engine);
    win.on('closed', () => {
      win = null;
    });
    engine.startDiscovery().catch((error: unknown) => console.error('[main] discovery did not start:', error));
  });

  // The engine's only UI is this window: no windowless process should keep browsing the LAN.
  app.on('window-all-closed', () => app.quit());

  let engineClosed = false;
  app.on('will-quit', (event) => {
    if (engineClosed) return;
    event.preventDefault();
    const timeout = new Promise((resolve) => setTimeout(resolve, ENGINE_CLOSE_TIMEOUT_MS));
    void Promise.race([engine.close(), timeout])
      .catch((error: unknown) => console.error('[main] engine did not close cleanly:', error))
      .finally(() => {
        engineClosed = true;
        app.quit();
      });
  });
}
