// The e2e bench: per test, a real engine with discovery, the HTTP bridge in front of it, simulated
// boards on their own loopback addresses, firmware files in a drop directory, and Chromium opened
// on the built renderer with bridge-client.ts as its `window.otaBench`.
// Everything runs inside the private network namespace (run-in-netns.js): assertPrivateNetwork
// refuses otherwise. Playwright workers share that namespace, so each worker gets its own
// 127.<30+worker>.x.y addresses and tests find their boards by address, never by list position.
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandNames, eventNames } from '../../../shared/contract.ts';
import type { Device } from '../../../shared/domain.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import { createEngine } from '../../../electron/engine/index.ts';
import type { SerialPortAccess } from '../../../electron/engine/sides/serial-side.ts';
import { createRadio } from '../../../electron/engine/ble/radio-setting.ts';
import { assertPrivateNetwork } from '../../support/netns-guard.ts';
import { ArduinoBoard, type ArduinoBoardOptions } from '../../sim/boards/arduino-board.ts';
import { EspLinkBoard, type EspLinkBoardOptions } from '../../sim/boards/esp-link-board.ts';
import { buildEsp8266V2Image, type Esp8266V2ImageOptions } from '../../sim/esp8266-v2-image.ts';
import { MongooseBoard, type MongooseBoardOptions } from '../../sim/boards/mongoose-board.ts';
import { makeEspAppImage, makeMongooseFwZip, writeFixture, type FixtureFile } from '../../sim/firmware-fixtures.ts';
import type { HttpBoard } from '../../sim/http-board.ts';
import { installBridgeClient } from './bridge-client.ts';
import { startBridge, type Bridge } from './bridge-server.ts';

export interface Bench {
  engine: OtaEngine;
  bridge: Bridge;
  /** Dropped files are looked up here by name (see bridge-client inspectDroppedFiles). */
  dropDir: string;
  mongoose(options?: Partial<MongooseBoardOptions>): Promise<MongooseBoard>;
  arduino(options: Partial<ArduinoBoardOptions> & Pick<ArduinoBoardOptions, 'variant'>): Promise<ArduinoBoard>;
  espLink(options?: Partial<EspLinkBoardOptions>): Promise<EspLinkBoard>;
  mongooseFirmware(version: string, size?: number): FixtureFile;
  espFirmware(version: string, chip?: 'esp8266' | 'esp32'): FixtureFile;
  file(name: string, content: string | Buffer): FixtureFile;
  /**
   * An ESP8266 SDK user1/user2 image linked for `slot`, written as `name` into the drop directory,
   * or into its sub-folder `folder` (a build folder; created when missing).
   */
  espV2Image(name: string, options: Esp8266V2ImageOptions, folder?: string): FixtureFile;
  /** Next "Open image…" picks this file (or these files: a pair). */
  chooseNext(file: FixtureFile | FixtureFile[] | null): void;
  /** Next "Open build folder…" picks this sub-folder of the drop directory. */
  chooseFolderNext(folder: string | null): void;
  /** An ESP32 app image of `size` bytes (an Arduino sketch build), written into the drop directory. */
  espSketch(version: string, size: number): FixtureFile;
  /** The engine's device for a board (waits until discovery or a probe found it). */
  deviceOf(board: Pick<HttpBoard, 'address'>): Promise<Device>;
  /** Opens the app and waits for data-app-state="ready". */
  open(): Promise<void>;
  row(device: Device): Locator;
  /** Saves a screenshot under test-results/e2e/ (looked at by a human, not compared). */
  shot(name: string): Promise<void>;
}

const NO_SERIAL_PORTS: SerialPortAccess = {
  list: async () => [],
  open: (path) => Promise.reject(new Error(`${path}: the e2e bench lists no serial ports`)),
  knownBoard: () => null,
};

let boardsStarted = 0;

function nextAddress(workerIndex: number): string {
  boardsStarted += 1;
  return `127.${30 + workerIndex}.${Math.floor(boardsStarted / 250)}.${(boardsStarted % 250) + 1}`;
}

// Short waits so a rollback test takes seconds, not minutes. Upload timeouts stay at their defaults.
const E2E_TIMEOUTS = { pollMs: 200, healthSeconds: 1, rebootComeBackMs: 20_000, rollbackGraceMs: 20_000 };

export const test = base.extend<{ bench: Bench; bleScenario: string | null }>({
  /**
   * A simulated Bluetooth radio for the engine (a test/sim/ble/sim-radio.ts preset such as 'e2e'), set
   * with `test.use({ bleScenario: 'e2e' })`; none by default, so the LAN specs never load noble.
   */
  bleScenario: [null, { option: true }],
  bench: async ({ page, bleScenario }, use, testInfo) => {
    assertPrivateNetwork('the Chromium e2e tests');
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    const ble = bleScenario ? createRadio({ kind: 'sim', scenario: bleScenario }) : null;
    // No serial ports: the OS's list would put this machine's own ports (/dev/ttyS0…) into every
    // LAN and BLE test, differently on each machine. serial-smp.spec.ts hands the engine its own.
    const engine = createEngine({ timeouts: E2E_TIMEOUTS, ble, sides: { serial: { access: NO_SERIAL_PORTS } } });
    await engine.startDiscovery();
    const dropDir = mkdtempSync(join(tmpdir(), 'ota-bench-e2e-'));
    const bridge = await startBridge({ engine, dropDir });
    const boards: HttpBoard[] = [];

    const startBoard = async <B extends HttpBoard>(board: B): Promise<B> => {
      boards.push(board);
      await board.start();
      return board;
    };

    const bench: Bench = {
      engine,
      bridge,
      dropDir,
      mongoose: (options = {}) =>
        startBoard(
          new MongooseBoard({ address: nextAddress(testInfo.workerIndex), port: 80, fwVersion: '1.0.0', ...options }),
        ),
      arduino: (options) =>
        startBoard(new ArduinoBoard({ address: nextAddress(testInfo.workerIndex), port: 80, ...options })),
      espLink: (options = {}) =>
        startBoard(
          new EspLinkBoard({
            address: nextAddress(testInfo.workerIndex),
            port: 80,
            hostname: `esp-link-w${testInfo.workerIndex}-${boardsStarted}`,
            announceIntervalMs: 200,
            bootMs: 500,
            ...options,
          }),
        ),
      mongooseFirmware: (version, size = 400_000) =>
        makeMongooseFwZip({
          platform: 'esp32',
          version,
          buildId: `20250601-120000/${version}@e2e`,
          size,
          dir: dropDir,
        }),
      espFirmware: (version, chip = 'esp8266') => makeEspAppImage({ chip, version, size: 300_000, dir: dropDir }),
      espSketch: (version, size) => makeEspAppImage({ chip: 'esp32', version, size, dir: dropDir }),
      file: (name, content) => {
        const path = join(dropDir, name);
        writeFileSync(path, content);
        const data = Buffer.from(content);
        return { path, data, size: data.length, sha256: '' };
      },
      espV2Image: (name, options, folder) => {
        const dir = folder ? join(dropDir, folder) : dropDir;
        mkdirSync(dir, { recursive: true });
        return writeFixture(name, buildEsp8266V2Image({ size: 300_000, ...options }), dir);
      },
      chooseNext: (file) => bridge.setDialogPaths(file === null ? null : [file].flat().map((chosen) => chosen.path)),
      chooseFolderNext: (folder) => bridge.setFolderPath(folder === null ? null : join(dropDir, folder)),
      deviceOf: async (board) => {
        let found: Device | undefined;
        await expect
          .poll(
            () => (found = engine.listDevices().find((device) => device.address === board.address && device.online)),
            {
              message: `engine never saw the board at ${board.address}`,
              timeout: 15_000,
            },
          )
          .toBeTruthy();
        return found!;
      },
      open: async () => {
        await page.setViewportSize({ width: 1280, height: 860 });
        await page.addInitScript(installBridgeClient, { commandNames, eventNames });
        await page.goto(bridge.url);
        await expect(page.locator('[data-app-state="ready"]')).toHaveCount(1);
      },
      row: (device) => page.locator(`[data-testid="device-row"][data-device-id="${device.id}"]`),
      shot: async (name) => {
        await page.screenshot({ path: join('test-results', 'e2e', `${name}.png`) });
      },
    };

    await use(bench);

    await Promise.all(boards.map((board) => board.stop()));
    await bridge.close();
    await engine.close();
    rmSync(dropDir, { recursive: true, force: true });
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  },
});

export { expect };

/**
 * Drops files (or a folder: its name) from the bench's drop directory on the window, together, the
 * way a user drags them from disk: each File holds the file's bytes, as a real drop's does (the
 * main process checks the drop's proof against the file on disk).
 */
export async function dropFile(page: Page, ...files: (FixtureFile | string)[]): Promise<void> {
  const dropped = files.map((file) =>
    typeof file === 'string'
      ? { name: file, base64: null }
      : { name: file.path.split('/').pop()!, base64: readFileSync(file.path).toString('base64') },
  );
  const dataTransfer = await page.evaluateHandle((droppedFiles) => {
    const transfer = new DataTransfer();
    for (const { name, base64 } of droppedFiles) {
      // A folder: no bytes to read, like a real dropped folder (bridge-client knows this type).
      if (base64 === null) transfer.items.add(new File([], name, { type: 'inode/directory' }));
      else transfer.items.add(new File([Uint8Array.from(atob(base64), (char) => char.charCodeAt(0))], name));
    }
    return transfer;
  }, dropped);
  await page.locator('.app').dispatchEvent('dragenter', { dataTransfer });
  await expect(page.getByTestId('drop-overlay')).toBeVisible();
  await page.locator('.app').dispatchEvent('drop', { dataTransfer });
}
