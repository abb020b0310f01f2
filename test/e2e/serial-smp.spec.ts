// MCUmgr/SMP over a serial port and over UDP through the UI, against the real engine (#13): a
// simulated Zephyr board (test/sim/smp/) on a real pseudo-terminal, opened by the engine's serial
// transport through the real serialport package, listed by a port list the test hands the engine
// (the OS's list would name this machine's own ports); and a simulated board on a loopback UDP port,
// added by address in the form. The port has unknown USB ids, so OTA Bench writes nothing to it until
// Allow is clicked; then the probe finds MCUmgr, the push runs test → reset → confirm, and the slots
// read afterwards show the new image running and confirmed.
import { test as base, expect, type Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandNames, eventNames } from '../../shared/contract.ts';
import type { OtaEngine } from '../../electron/engine/engine-api.ts';
import { createEngine } from '../../electron/engine/index.ts';
import { knownUsbBoard } from '../../electron/engine/discovery/usb-boards.ts';
import { openSerialSmpTransport } from '../../electron/engine/smp/serial-transport.ts';
import type { SerialPortAccess } from '../../electron/engine/sides/serial-side.ts';
import { assertPrivateNetwork } from '../support/netns-guard.ts';
import { buildMcubootImage } from '../sim/ble/mcuboot-image.ts';
import { SerialSmpBoard } from '../sim/smp/serial-smp-board.ts';
import type { SmpServerMode } from '../sim/smp/smp-server.ts';
import { UdpSmpBoard } from '../sim/smp/udp-smp-board.ts';
import { installBridgeClient } from './support/bridge-client.ts';
import { startBridge, type Bridge } from './support/bridge-server.ts';

const v1 = buildMcubootImage({ version: { major: 1, minor: 0, revision: 0 }, payloadSize: 8000 });
const v2 = buildMcubootImage({ version: { major: 1, minor: 1, revision: 0 }, payloadSize: 30_000 });
const v3 = buildMcubootImage({ version: { major: 1, minor: 2, revision: 0 }, payloadSize: 200_000 });
const E2E_TIMEOUTS = { pollMs: 200, healthSeconds: 1, rebootComeBackMs: 20_000, rollbackGraceMs: 20_000 };

interface SerialBench {
  engine: OtaEngine;
  bridge: Bridge;
  board: SerialSmpBoard;
  /** The v1.1.0 signed image, chosen by the next "Open image…". */
  chooseV2(): void;
  /** A 1.2.0 image of 200 KB, for an upload long enough to pull the cable in the middle of. */
  chooseBig(): void;
  open(): Promise<void>;
}

/**
 * The serial port as the OS would list it: a CH340-like adapter (ids no MCUmgr board carries, so not
 * allowed by default), present while the simulated board's pty exists. Opening is the real thing.
 */
function portListOf(board: SerialSmpBoard): SerialPortAccess {
  return {
    list: async () =>
      board.plugged
        ? [
            {
              path: board.path,
              vendorId: '1a86',
              productId: '55d4',
              manufacturer: 'QinHeng Electronics',
              serialNumber: null,
              friendlyName: 'USB Single Serial',
            },
          ]
        : [],
    open: (path, settings, signal) => openSerialSmpTransport({ path, ...settings, timeoutMs: 500, signal }),
    knownBoard: (vendorId, productId) => knownUsbBoard(vendorId, productId),
  };
}

const test = base.extend<{ serial: SerialBench; boardMode: SmpServerMode; flashBytesPerSec: number | null }>({
  /** How the simulated serial board answers (test/sim/smp/smp-server.ts): a swap build by default. */
  boardMode: ['zephyr-swap', { option: true }],
  /** The board's flash write rate (null: the simulator's quick default); slow it to catch an upload mid-way. */
  flashBytesPerSec: [null, { option: true }],
  serial: async ({ page, boardMode, flashBytesPerSec }, use) => {
    assertPrivateNetwork('the serial/UDP SMP e2e tests');
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    const board = await SerialSmpBoard.start({
      initialImage: v1,
      mode: boardMode,
      ...(flashBytesPerSec ? { flashWriteBytesPerSec: flashBytesPerSec } : {}),
    });
    const engine = createEngine({
      timeouts: E2E_TIMEOUTS,
      sides: { serial: { access: portListOf(board), pollMs: 200 }, udp: { pingEveryMs: 500 } },
    });
    await engine.startDiscovery();
    const dropDir = mkdtempSync(join(tmpdir(), 'ota-bench-e2e-serial-'));
    const imagePath = join(dropDir, 'zephyr.signed.bin');
    writeFileSync(imagePath, v2);
    const bigPath = join(dropDir, 'zephyr-big.signed.bin');
    writeFileSync(bigPath, v3);
    const bridge = await startBridge({ engine, dropDir });
    await use({
      engine,
      bridge,
      board,
      chooseV2: () => bridge.setDialogPaths([imagePath]),
      chooseBig: () => bridge.setDialogPaths([bigPath]),
      open: async () => {
        await page.setViewportSize({ width: 1280, height: 860 });
        await page.addInitScript(installBridgeClient, { commandNames, eventNames });
        await page.goto(bridge.url);
        await expect(page.locator('[data-app-state="ready"]')).toHaveCount(1);
      },
    });
    await bridge.close();
    await engine.close();
    await board.close();
    rmSync(dropDir, { recursive: true, force: true });
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  },
});

/** Chooses the image, checks the default mode and pushes; the job card that appears ends confirmed. */
async function pushTestAndConfirm(page: Page, serial: SerialBench): Promise<void> {
  serial.chooseV2();
  await page.getByTestId('choose-file-button').click();
  await expect(page.getByTestId('image-summary')).toBeVisible();
  await expect(page.getByTestId('smp-mode-test-and-confirm')).toBeChecked();
  // SMP boards take no user name or password, on any link.
  await expect(page.getByTestId('credentials-user')).toHaveCount(0);
  await expect(page.getByTestId('push-button')).toBeEnabled({ timeout: 15_000 });
  await page.getByTestId('push-button').click();
  const card = page.locator('[data-testid="job-card"]').first();
  await expect(card).toHaveAttribute('data-state', 'committed', { timeout: 90_000 });
  await expect(card.getByTestId('job-phase')).toHaveText('Confirmed');
  await expect(card.getByTestId('job-mode')).toHaveText('Test, then confirm');
  // The slots read after the push: 1.1.0 runs in slot 0, confirmed.
  await expect(page.locator('[data-testid="smp-slot"][data-slot="0"]')).toHaveAttribute('data-version', /^1\.1\.0/, {
    timeout: 15_000,
  });
}

test('a serial port: listed, not written to until allowed, then probed, pushed, tested, reset and confirmed', async ({
  page,
  serial,
}) => {
  test.setTimeout(180_000);
  await serial.open();
  await expect(page.getByTestId('serial-status')).toHaveAttribute('data-state', 'watching');
  const row = page.locator('[data-testid="device-group"][data-transport="serial"] [data-testid="device-row"]');
  await expect(row).toHaveCount(1, { timeout: 10_000 });
  await expect(row.getByTestId('device-address')).toHaveText(serial.board.path);
  await expect(row.getByTestId('serial-identity')).toContainText('1a86:55d4');
  await expect(row.getByTestId('serial-probe')).toHaveAttribute('data-probe', 'unprobed');
  await expect(page.getByTestId('serial-allow')).toContainText(
    'OTA Bench does not write to a port you have not allowed.',
  );
  // Nothing was written to the port before the user allowed it.
  expect(serial.board.counters.requests).toBe(0);

  await row.click();
  await expect(page.getByTestId('push-blocker')).toContainText(`Allow writing to ${serial.board.path}`);
  await page.getByTestId('serial-allow-button').click();
  await expect(row.getByTestId('serial-probe')).toHaveAttribute('data-probe', 'smp', { timeout: 15_000 });
  await expect(row.getByTestId('serial-probe')).toHaveText('answers MCUmgr');
  await expect(page.getByTestId('serial-allowed')).toBeChecked();
  await expect(page.getByTestId('serial-baud-select')).toHaveValue('115200');
  await expect(page.getByTestId('smp-slot')).toHaveCount(1, { timeout: 15_000 });

  await pushTestAndConfirm(page, serial);
  const card = page.locator('[data-testid="job-card"]').first();
  await expect(card.getByTestId('job-link')).toHaveAttribute('data-transport', 'serial');
  await expect(card.getByTestId('job-link')).toContainText(`${serial.board.path}`);
  await expect(card.getByTestId('job-link')).toContainText('packets of');
  await expect(card.getByTestId('job-link')).not.toContainText('MTU');
  // Looked at by a human, not compared (the design pictures are visual.spec.ts's).
  await page.screenshot({ path: join('test-results', 'e2e', 'serial-smp-confirmed.png') });
});

test('an MCUmgr board over UDP, added by address: pushed, tested, reset and confirmed', async ({ page, serial }) => {
  test.setTimeout(180_000);
  const board = await UdpSmpBoard.start({ initialImage: v1, mode: 'zephyr-swap', host: '127.0.0.1', port: 0 });
  try {
    await serial.open();
    await page.getByTestId('add-device-input').fill(`udp://127.0.0.1:${board.port}`);
    await expect(page.getByTestId('add-device-hint')).toBeVisible();
    await page.getByTestId('add-device-button').click();
    await expect(page.getByTestId('add-device-input')).toHaveValue('', { timeout: 15_000 });
    const row = page.locator(`[data-testid="device-row"][data-device-id="udp:127.0.0.1:${board.port}"]`);
    await expect(row).toBeVisible();
    await expect(row.getByTestId('device-address')).toHaveText(`udp://127.0.0.1:${board.port}`);
    await expect(row.getByTestId('device-protocol')).toHaveText('MCUmgr/SMP over UDP');
    await row.click();
    await expect(page.getByTestId('smp-slot')).toHaveCount(1, { timeout: 15_000 });
    await pushTestAndConfirm(page, serial);
    const card = page.locator('[data-testid="job-card"]').first();
    await expect(card.getByTestId('job-link')).toHaveAttribute('data-transport', 'udp');
    await expect(card.getByTestId('job-link')).not.toContainText('MTU');
    await page.screenshot({ path: join('test-results', 'e2e', 'udp-smp-confirmed.png') });
  } finally {
    await board.close();
  }
});

test.describe('a board whose bootloader cannot test or confirm (as the mps2 build: rc 8 to image state writes)', () => {
  test.use({ boardMode: 'no-state-writes' });

  test('the commit modes are locked with the reason; the push ends after upload and reset, with no Commit', async ({
    page,
    serial,
  }) => {
    test.setTimeout(180_000);
    await serial.open();
    const row = page.locator('[data-testid="device-group"][data-transport="serial"] [data-testid="device-row"]');
    await expect(row).toHaveCount(1, { timeout: 10_000 });
    await row.click();
    await page.getByTestId('serial-allow-button').click();
    await expect(row.getByTestId('serial-probe')).toHaveAttribute('data-probe', 'smp', { timeout: 15_000 });
    serial.chooseV2();
    await page.getByTestId('choose-file-button').click();
    await expect(page.getByTestId('plan-check').first()).toBeVisible({ timeout: 15_000 });
    await expect(page.getByTestId('smp-mode-locked')).toContainText('cannot', { timeout: 15_000 });
    await expect(page.getByTestId('smp-mode-test-and-confirm')).toBeDisabled();
    await expect(page.getByTestId('push-button')).toBeEnabled();
    await page.getByTestId('push-button').click();
    const card = page.locator('[data-testid="job-card"]').first();
    await expect(card).toHaveAttribute('data-state', /^(updated|failed)$/, { timeout: 90_000 });
    await expect(card.getByTestId('job-mode')).toHaveText('Upload and reset');
    await expect(card.getByTestId('job-boot-mode')).toContainText(
      'cannot test or confirm an image: the push ends after the upload and a reset',
    );
    await expect(card.getByTestId('commit-button')).toHaveCount(0);
    await expect(card).not.toContainText('Awaiting commit');
    await page.screenshot({ path: join('test-results', 'e2e', 'serial-no-state-writes.png') });
  });
});

test.describe('a cable pulled in the middle of an upload', () => {
  // About 4 s of flash writing for the 200 KB image: time to pull the cable while it uploads.
  test.use({ flashBytesPerSec: 50_000 });

  test('the port goes offline and comes back; the upload resumes from the board’s offset and ends confirmed', async ({
    page,
    serial,
  }) => {
    test.setTimeout(180_000);
    await serial.open();
    const row = page.locator('[data-testid="device-group"][data-transport="serial"] [data-testid="device-row"]');
    await expect(row).toHaveCount(1, { timeout: 10_000 });
    await row.click();
    await page.getByTestId('serial-allow-button').click();
    await expect(row.getByTestId('serial-probe')).toHaveAttribute('data-probe', 'smp', { timeout: 15_000 });
    serial.chooseBig();
    await page.getByTestId('choose-file-button').click();
    await expect(page.getByTestId('push-button')).toBeEnabled({ timeout: 15_000 });
    await page.getByTestId('push-button').click();
    const card = page.locator('[data-testid="job-card"]').first();
    await expect(card).toHaveAttribute('data-state', 'transferring', { timeout: 15_000 });
    await expect
      .poll(async () => Number((await card.getByTestId('job-percent').textContent())?.replace('%', '') ?? 0), {
        timeout: 30_000,
      })
      .toBeGreaterThanOrEqual(20);
    serial.board.unplug();
    // The list follows the OS's: the port is gone, the row stays, offline.
    await expect(row).toHaveAttribute('data-online', 'false', { timeout: 10_000 });
    await page.waitForTimeout(1000);
    await serial.board.replug();
    await expect(row).toHaveAttribute('data-online', 'true', { timeout: 10_000 });
    await expect(card).toHaveAttribute('data-state', 'committed', { timeout: 120_000 });
    await expect(card.getByTestId('job-resume')).not.toHaveCount(0);
    await expect(card.getByTestId('job-resume').first()).toContainText('after the link dropped');
    await page.screenshot({ path: join('test-results', 'e2e', 'serial-cable-pulled.png') });
  });
});
