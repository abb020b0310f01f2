// DESIGN SCREENSHOTS of the renderer against the scripted design fixture (support/fake-api.ts), so
// every state of the UI can be looked at, including ones that are slow or awkward to reach with
// simulated boards. Each picture is compared with its committed baseline in visual.spec.ts-snapshots/
// (tolerance in playwright.config.ts): a change to the layout, the colours or a text fails the test.
// After an intended change, `npm run design-shots` renders the baselines again; look at them before
// committing. The pictures hold still because the page's clock is fixed (Date.now() is DESIGN_TIME,
// so "3 s ago", countdowns and the fixture's live upload never move), the time zone and locale are
// fixed, and CSS animations are stopped for the shot. The behaviour tests are the other specs here.
import { test, expect, type Locator, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { installDesignFixtureApi, type DesignScenario } from './support/fake-api.ts';
import { installDesignHistory } from './support/fake-history.ts';
import { rendererOutDir, serveStatic } from './support/static-files.ts';

// Any fixed instant works; this one is a Monday morning.
const DESIGN_TIME = new Date('2026-03-02T09:30:00Z');

test.use({ locale: 'en-US', timezoneId: 'UTC' });

let server: Server;
let baseUrl: string;

test.beforeAll(async () => {
  server = createServer((request, response) => {
    void serveStatic(rendererOutDir, request, response).then((served) => {
      if (!served) response.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function open(
  page: Page,
  scenario: DesignScenario,
  colorScheme: 'dark' | 'light' = 'dark',
  { history = false } = {},
): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 820 });
  await page.emulateMedia({ colorScheme });
  await page.clock.setFixedTime(DESIGN_TIME);
  // The scripted history and inventory (fake-history.ts), read by the fixture's history stubs.
  if (history) await page.addInitScript(installDesignHistory);
  await page.addInitScript(installDesignFixtureApi, scenario);
  await page.goto(baseUrl);
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible();
}

/** Compares the window with the baseline `name`; `moving` hides what still moves (a push's progress). */
const shot = (page: Page, name: string, moving: Locator[] = []) =>
  expect(page, `the design picture ${name}`).toHaveScreenshot(`${name}.png`, { mask: moving });

/** The progress block of a job card whose upload runs while the picture is taken. */
const progressOf = (card: Locator) => card.locator('.job-progress');

test.describe('design screenshots (fixture data)', () => {
  test('bench: boards, file chosen, jobs in every state', async ({ page }) => {
    await open(page, 'bench');
    await page.locator('[data-testid="device-row"][data-device-id="id:esp32_1A2B3C"]').click();
    await page.getByTestId('choose-file-button').click();
    await expect(page.getByTestId('image-summary')).toBeVisible();
    await shot(page, 'bench');
    await page.getByTestId('job-card').first().scrollIntoViewIfNeeded();
    await page.locator('.workspace').evaluate((element) => element.scrollTo(0, element.scrollHeight));
    await shot(page, 'bench-jobs');
  });

  test('fleet card: a run of nine boards caught mid-way', async ({ page }) => {
    await open(page, 'fleet');
    const card = page.getByTestId('fleet-card');
    await expect(card.getByTestId('fleet-row')).toHaveCount(9);
    await expect(card.locator('[data-flagged="true"]')).toHaveCount(2);
    await expect(card.getByTestId('fleet-retry')).toHaveText('Retry failed (2)');
    await shot(page, 'fleet-card');
  });

  test('bench in the light theme', async ({ page }) => {
    await open(page, 'bench', 'light');
    await page.locator('[data-testid="device-row"][data-device-id="id:esp32_1A2B3C"]').click();
    await page.getByTestId('choose-file-button').click();
    await expect(page.getByTestId('image-summary')).toBeVisible();
    await shot(page, 'bench-light');
  });

  const scrollToTop = (page: Page) =>
    page.evaluate(() => {
      for (const element of document.querySelectorAll('*')) if (element.scrollTop) element.scrollTop = 0;
      window.scrollTo(0, 0);
    });

  test('push flow: upload, awaiting commit, committed', async ({ page }) => {
    await open(page, 'bench');
    await page.locator('[data-testid="device-row"][data-device-id="id:esp32_1A2B3C"]').click();
    await page.getByTestId('choose-file-button').click();
    // The fixture's kitchen-sensor already has a job awaiting commit; commit it so Push is allowed.
    await page.locator('[data-testid="job-card"][data-job-id="job-1"]').getByTestId('commit-button').click();
    await expect(page.locator('[data-job-id="job-1"]')).toHaveAttribute('data-state', 'committed');
    await page.getByTestId('push-button').click();
    const card = page.locator('[data-testid="job-card"]').first();
    await expect(card).toHaveAttribute('data-state', 'transferring');
    await expect(card.getByTestId('job-bytes')).not.toHaveText(/^0 B/);
    // Clicking Commit near the window's bottom may scroll the workspace by a few pixels, or not,
    // depending on when the job list re-rendered: the pictures are taken from the top.
    await scrollToTop(page);
    await shot(page, 'push-transferring', [progressOf(card)]);
    await expect(card).toHaveAttribute('data-state', 'awaiting-commit', { timeout: 15_000 });
    await scrollToTop(page);
    await shot(page, 'push-awaiting-commit');
  });

  test('wrong board, offline board, unsupported protocol', async ({ page }) => {
    await open(page, 'bench');
    await page.getByTestId('choose-file-button').click();
    await page.locator('[data-testid="device-row"][data-device-id="host:livingroom-light.local"]').click();
    // A Mongoose OS zip does not suit an ESPHome board: the card says so and Push waits.
    await expect(page.getByTestId('push-fit')).toHaveAttribute('data-fits', 'false');
    await expect(page.getByTestId('push-button')).toBeDisabled();
    await shot(page, 'blocked-mismatch');
    await page.locator('[data-testid="device-row"][data-device-id="mac:84:f3:eb:12:34:56"]').click();
    // garage-door asks for a password: the fields for it are open.
    await expect(page.getByTestId('credentials-user')).toBeVisible();
    await shot(page, 'auth-open');
  });

  test('esp-link: a user1/user2 pair, the slot panel and the checks', async ({ page }) => {
    await open(page, 'esp-link-pair');
    await page.locator('[data-testid="device-row"][data-device-id="addr:192.168.1.70:80"]').click();
    // The board's slots show before a file is chosen.
    await expect(page.getByTestId('slot-running')).toHaveAttribute('data-slot', '1');
    await shot(page, 'esp-link-board-only');
    await page.getByTestId('choose-file-button').click();
    await expect(page.getByTestId('pair-member')).toHaveCount(2);
    await expect(page.getByTestId('plan-send')).toHaveAttribute('data-file-name', 'user2.bin');
    await expect(page.getByTestId('push-button')).toBeEnabled();
    await shot(page, 'esp-link-pair');
    await page.locator('.workspace').evaluate((element) => element.scrollTo(0, element.scrollHeight));
    await shot(page, 'esp-link-pair-scrolled');
    await page.getByTestId('push-button').click();
    const card = page.locator('[data-testid="job-card"]').first();
    await expect(card).toHaveAttribute('data-state', 'updated', { timeout: 15_000 });
    await expect(card).toContainText('user2.bin');
    await page.locator('.workspace').evaluate((element) => element.scrollTo(0, element.scrollHeight));
    await shot(page, 'esp-link-pair-updated');
  });

  test('esp-link: a wrong-slot file needs an explicit override', async ({ page }) => {
    await open(page, 'esp-link-wrong-slot');
    await page.locator('[data-testid="device-row"][data-device-id="addr:192.168.1.70:80"]').click();
    await page.getByTestId('choose-file-button').click();
    await expect(page.getByTestId('plan-verdict')).toHaveAttribute('data-verdict', 'needs-override');
    await expect(page.getByTestId('push-button')).toBeDisabled();
    await shot(page, 'esp-link-needs-override');
    await page.getByTestId('override-checkbox').check();
    await expect(page.getByTestId('push-button')).toBeEnabled();
    await page.getByTestId('push-panel').evaluate((element) => element.scrollIntoView({ block: 'end' }));
    await shot(page, 'esp-link-override-ticked');
  });

  test('esp-link in the light theme', async ({ page }) => {
    await open(page, 'esp-link-wrong-slot', 'light');
    await page.locator('[data-testid="device-row"][data-device-id="addr:192.168.1.70:80"]').click();
    await page.getByTestId('choose-folder-button').click();
    await expect(page.getByTestId('plan-send')).toHaveAttribute('data-file-name', 'user2.bin');
    await shot(page, 'esp-link-pair-light');
  });

  const smpSensor = '[data-testid="device-row"][data-device-id="ble:c8f1a2b3d4e5"]';

  test('BLE: devices beside LAN boards, the SMP slots, the mode picker, a resumed upload', async ({ page }) => {
    await open(page, 'ble-smp');
    await expect(page.getByTestId('ble-status')).toHaveAttribute('data-state', 'scanning');
    await page.locator(smpSensor).click();
    // The device's slots show before a file is chosen.
    await expect(page.getByTestId('smp-slot')).toHaveCount(2);
    await shot(page, 'ble-smp-device-only');
    await page.getByTestId('choose-file-button').click();
    await expect(page.getByTestId('plan-check').first()).toBeVisible();
    await expect(page.getByTestId('smp-mode-test-and-confirm')).toBeChecked();
    await expect(page.getByTestId('push-button')).toBeEnabled();
    await shot(page, 'ble-smp-plan');
    await page.getByTestId('push-panel').evaluate((element) => element.scrollIntoView({ block: 'end' }));
    await shot(page, 'ble-smp-plan-modes');
    await page.locator('.workspace').evaluate((element) => element.scrollTo(0, element.scrollHeight));
    await expect(page.getByTestId('job-resume')).toHaveCount(1);
    await shot(page, 'ble-smp-jobs');
  });

  test('BLE: push to the SMP device, confirmed, and its slots afterwards', async ({ page }) => {
    await open(page, 'ble-smp');
    await page.locator(smpSensor).click();
    await page.getByTestId('choose-file-button').click();
    await expect(page.getByTestId('push-button')).toBeEnabled();
    await page.getByTestId('push-button').click();
    const card = page.locator('[data-testid="job-card"]').first();
    await expect(card).toHaveAttribute('data-state', 'transferring');
    await expect(card.getByTestId('job-bytes')).not.toHaveText(/^0 B/);
    // The link's facts arrive in their own event, a moment after the first bytes: the picture has them.
    await expect(card.getByTestId('job-link')).toBeVisible();
    await card.scrollIntoViewIfNeeded();
    await shot(page, 'ble-smp-pushing', [progressOf(card)]);
    await expect(card).toHaveAttribute('data-state', 'committed', { timeout: 15_000 });
    await expect(page.locator('[data-testid="smp-slot"][data-slot="0"]')).toHaveAttribute('data-version', '1.3.0', {
      timeout: 5_000,
    });
    await page.locator('.workspace').evaluate((element) => element.scrollTo(0, 0));
    await shot(page, 'ble-smp-confirmed');
  });

  test('BLE: a non-SMP BLE device, an identical image, no adapter', async ({ page }) => {
    await open(page, 'ble-smp-identical');
    await page.locator('[data-testid="device-row"][data-device-id="ble:f0e1d2c3b4a5"]').click();
    await expect(page.getByTestId('push-later-note')).toBeVisible();
    await shot(page, 'ble-later');
    await page.locator(smpSensor).click();
    await page.getByTestId('choose-file-button').click();
    // The engine allows pushing the running image (the job ends at once, "nothing to do"), so the card says so instead of refusing.
    await expect(page.getByTestId('plan-checks')).toContainText('there is nothing to push');
    await expect(page.getByTestId('plan-verdict')).toHaveCount(0);
    await page.getByTestId('push-panel').evaluate((element) => element.scrollIntoView({ block: 'end' }));
    await shot(page, 'ble-smp-identical');
    await page.locator('[data-testid="device-row"][data-device-id="ble:e4b2c0a18f7d"]').click();
    await expect(page.getByTestId('push-weak-signal')).toBeVisible();
    await expect(page.getByTestId('smp-slot')).toHaveCount(2);
    await page.locator('.workspace').evaluate((element) => element.scrollTo(0, 0));
    await shot(page, 'ble-smp-weak-signal');
  });

  test('BLE in the light theme', async ({ page }) => {
    await open(page, 'ble-smp', 'light');
    await page.locator(smpSensor).click();
    await page.getByTestId('choose-file-button').click();
    await expect(page.getByTestId('plan-check').first()).toBeVisible();
    await shot(page, 'ble-smp-plan-light');
    await page.locator('.workspace').evaluate((element) => element.scrollTo(0, element.scrollHeight));
    await shot(page, 'ble-smp-jobs-light');
  });

  test('no Bluetooth adapter', async ({ page }) => {
    await open(page, 'ble-no-adapter');
    await expect(page.getByTestId('ble-status')).toHaveAttribute('data-state', 'unavailable');
    await shot(page, 'ble-no-adapter');
    await open(page, 'ble-no-adapter', 'light');
    await shot(page, 'ble-no-adapter-light');
  });

  const serialRow = (deviceId: string) => `[data-testid="device-row"][data-device-id="${deviceId}"]`;
  const nordicDk = serialRow('serial:usb:1366:1015:000683012345');

  test('serial ports and an MCUmgr board over UDP beside the LAN boards; an upload over serial', async ({ page }) => {
    await open(page, 'serial-smp');
    await expect(page.getByTestId('serial-status')).toHaveText('Serial · 4 ports');
    await expect(
      page.locator('[data-testid="device-group"][data-transport="serial"] [data-testid="device-row"]'),
    ).toHaveCount(5);
    await page.locator(nordicDk).click();
    await expect(page.getByTestId('serial-settings')).toBeVisible();
    await page.getByTestId('choose-file-button').click();
    await expect(page.getByTestId('image-summary')).toBeVisible();
    // The fixture's DK is uploading already (its clock stands still): Push waits for that push, and
    // the board is not asked for a plan meanwhile.
    await expect(page.getByTestId('push-blocker')).toHaveText('A push to nRF52840 DK is still running.');
    await scrollToTop(page);
    await shot(page, 'serial-devices');
    const card = page.locator('[data-testid="job-card"][data-job-id="job-serial-1"]');
    await expect(card.getByTestId('job-link')).toHaveText(
      'serial /dev/ttyACM0, 115200 baud · packets of 384 B, 3 in flight',
    );
    await expect(card.getByTestId('job-resume')).toHaveCount(1);
    await expect(page.getByTestId('job-boot-mode')).toHaveCount(1);
    await page.locator('.workspace').evaluate((element) => element.scrollTo(0, element.scrollHeight));
    await shot(page, 'serial-smp-jobs');
    await page.getByTestId('device-filter-serial').check();
    await expect(page.getByTestId('serial-allow')).toBeVisible();
    await scrollToTop(page);
    await shot(page, 'serial-ports-only');
  });

  test('serial ports in the light theme', async ({ page }) => {
    await open(page, 'serial-smp', 'light');
    await expect(page.getByTestId('serial-status')).toHaveText('Serial · 4 ports');
    await page.locator(nordicDk).click();
    await expect(page.getByTestId('serial-settings')).toBeVisible();
    await expect(page.getByTestId('push-blocker')).toHaveText('Choose a firmware file, or drop one on the window.');
    await scrollToTop(page);
    await shot(page, 'serial-devices-light');
  });

  test('serial: a port not allowed is allowed and probed; a board in MCUboot serial recovery', async ({ page }) => {
    await open(page, 'serial-smp');
    await page.locator(serialRow('serial:/dev/ttyUSB0')).click();
    await expect(page.getByTestId('push-blocker')).toContainText('Allow writing to /dev/ttyUSB0');
    await expect(page.getByTestId('serial-allowed')).not.toBeChecked();
    await page.getByTestId('choose-file-button').click();
    await expect(page.getByTestId('image-summary')).toBeVisible();
    await scrollToTop(page);
    await shot(page, 'serial-not-allowed');
    await page.getByTestId('serial-allow-button').click();
    await expect(page.locator(serialRow('serial:/dev/ttyUSB0')).getByTestId('serial-probe')).toHaveAttribute(
      'data-probe',
      'silent',
    );
    await expect(page.getByTestId('serial-allowed')).toBeChecked();
    await expect(page.getByTestId('push-blocker')).toContainText('did not answer MCUmgr at 115200 baud');
    await scrollToTop(page);
    await shot(page, 'serial-silent');
    await page.locator(serialRow('serial:usb:2fe3:0100:E6614C311B4F')).click();
    await expect(page.getByTestId('smp-mode-locked')).toBeVisible();
    await expect(page.getByTestId('push-button')).toBeEnabled();
    await page.getByTestId('push-panel').evaluate((element) => element.scrollIntoView({ block: 'end' }));
    await shot(page, 'serial-recovery-plan');
  });

  test('UDP: a push to an MCUmgr board over UDP, confirmed', async ({ page }) => {
    await open(page, 'serial-smp');
    await page.locator('[data-testid="device-row"][data-device-id="udp:192.168.1.90:1337"]').click();
    await page.getByTestId('choose-file-button').click();
    await expect(page.getByTestId('push-button')).toBeEnabled();
    await expect(page.getByTestId('credentials-user')).toHaveCount(0);
    await page.getByTestId('push-button').click();
    const card = page.locator('[data-testid="job-card"]').first();
    // Only the end is pictured: a shot of the moving upload would race the fixture's timers.
    await expect(card).toHaveAttribute('data-state', 'committed', { timeout: 15_000 });
    await expect(card.getByTestId('job-link')).toHaveText('UDP 192.168.1.90:1337 · packets of 1024 B, one at a time');
    await expect(page.locator('[data-testid="smp-slot"][data-slot="0"]')).toHaveAttribute('data-version', '1.3.0', {
      timeout: 5_000,
    });
    await scrollToTop(page);
    await shot(page, 'udp-smp-confirmed');
  });

  test('empty bench', async ({ page }) => {
    await open(page, 'empty');
    await expect(page.getByTestId('device-row')).toHaveCount(0);
    await expect(page.getByTestId('devices-empty')).toContainText('No boards found yet');
    await shot(page, 'empty');
  });

  test('html saved as .bin', async ({ page }) => {
    await open(page, 'html-image');
    await page.locator('[data-testid="device-row"]').first().click();
    await page.getByTestId('choose-file-button').click();
    await expect(page.getByTestId('image-problem')).toBeVisible();
    await shot(page, 'image-problem');
  });

  test('history: every way a push ends, a row opened, a refused push again', async ({ page }) => {
    await open(page, 'bench', 'dark', { history: true });
    await page.getByTestId('view-history').click();
    await expect(page.getByTestId('history-row')).toHaveCount(7);
    await shot(page, 'history');
    await page.locator('[data-job-id="h-nospace"]').getByTestId('history-row-toggle').click();
    await expect(page.getByTestId('history-log')).toBeVisible();
    await shot(page, 'history-details');
    await page.locator('[data-job-id="h-rollback"]').getByTestId('push-again-button').click();
    await expect(page.getByTestId('push-again-error')).toContainText('has changed since that push');
    await page.locator('[data-job-id="h-interrupted"]').getByTestId('history-row-toggle').click();
    await expect(page.getByTestId('history-interrupted')).toBeVisible();
    await page.getByTestId('history-view').evaluate((element) => element.scrollTo(0, element.scrollHeight));
    await shot(page, 'history-interrupted');
  });

  test('history in the light theme, and a board’s last pushes in the Push card', async ({ page }) => {
    await open(page, 'bench', 'light', { history: true });
    await page.getByTestId('view-history').click();
    await expect(page.getByTestId('history-row')).toHaveCount(7);
    await shot(page, 'history-light');
    await page.getByTestId('view-bench').click();
    await page.locator('[data-testid="device-row"][data-device-id="id:esp32_1A2B3C"]').click();
    await expect(page.getByTestId('device-history-row')).toHaveCount(2);
    await page.getByTestId('push-panel').evaluate((element) => element.scrollIntoView({ block: 'end' }));
    await shot(page, 'device-history-light');
  });

  test('devices: every board ever seen, offline ones greyed, labels and notes', async ({ page }) => {
    await open(page, 'bench', 'dark', { history: true });
    await page.getByTestId('view-devices').click();
    await expect(page.getByTestId('inventory-row')).toHaveCount(6);
    await shot(page, 'devices');
    await page.locator('[data-device-id="id:esp32_1A2B3C"]').getByTestId('inventory-edit-note').click();
    await expect(page.getByTestId('note-label')).toBeFocused();
    await shot(page, 'devices-editing');
  });

  test('drop overlay', async ({ page }) => {
    await open(page, 'bench');
    const dataTransfer = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['x'], 'fw.bin'));
      return transfer;
    });
    await page.locator('.app').dispatchEvent('dragenter', { dataTransfer });
    await expect(page.getByTestId('drop-overlay')).toBeVisible();
    await shot(page, 'drop-overlay');
  });
});
