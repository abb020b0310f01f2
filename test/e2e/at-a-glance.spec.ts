// The UI at a glance, at a laptop's 1280×800 (issue 9 §7), against the real engine, simulated boards
// and the simulated radio: a BLE push's progress and result are on screen without scrolling; the
// board list filters (LAN / BLE / text) and groups by transport; long versions are never cut off; a
// push that awaits its commit is not called "already runs". Screenshots go to test-results/design/.
import type { Locator, Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Device } from '../../shared/domain.ts';
import { buildMcubootImage, seededBytes } from '../sim/mcuboot-image.ts';
import { dropFile, expect, test, type Bench } from './support/bench-fixture.ts';

const VIEWPORT = { width: 1280, height: 800 };

// Pictures to look at, not compared (the real engine's timing moves them). Animations are stopped
// for the shot, so a progress bar is drawn at its full width instead of mid-ease.
const shot = (page: Page, name: string) =>
  page.screenshot({ path: join('test-results', 'design', `${name}.png`), animations: 'disabled' });

async function openAt1280(page: Page, bench: Bench): Promise<void> {
  await bench.open();
  await page.setViewportSize(VIEWPORT);
}

/** The engine's device for a simulated BLE peripheral, once the scan has seen it. */
async function bleDevice(bench: Bench, name: string): Promise<Device> {
  let found: Device | undefined;
  await expect
    .poll(
      () =>
        (found = bench.engine
          .listDevices()
          .find((device) => device.transport === 'ble' && device.name === name && device.online)),
      {
        message: `the BLE scan never found ${name}`,
        timeout: 15_000,
      },
    )
    .toBeTruthy();
  return found!;
}

/** The element lies wholly inside the 1280×800 window as it is now: nothing scrolled to reach it. */
async function expectInViewport(locator: Locator, what: string): Promise<void> {
  const box = await locator.boundingBox();
  expect(box, `${what} is rendered`).not.toBeNull();
  expect(box!.y, `${what} starts below the top of the window`).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height, `${what} ends above the bottom of the 800 px window`).toBeLessThanOrEqual(
    VIEWPORT.height,
  );
  expect(box!.x + box!.width, `${what} ends left of the window's right edge`).toBeLessThanOrEqual(VIEWPORT.width);
}

/** Nothing in the workspace or the board list has been scrolled (the user never had to). */
async function scrollToTop(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const element of document.querySelectorAll('.workspace, .device-panel__list')) element.scrollTop = 0;
  });
}

// One SMP device on a slower link than the 'e2e' preset, so the upload lasts long enough to be seen.
const slowScenario = join(mkdtempSync(join(tmpdir(), 'ota-bench-glance-')), 'slow.json');
writeFileSync(
  slowScenario,
  JSON.stringify({
    timeScale: 1,
    link: { phy: 2, llPayload: 251, connIntervalMs: 15 },
    devices: [
      {
        kind: 'smp',
        id: 'c0de000000b7',
        name: 'smp-glance',
        rssi: -58,
        version: '1.0.0',
        bufSize: 2475,
        bufCount: 4,
        maxMtu: 247,
        swapMs: 400,
        bootMs: 100,
      },
    ],
  }),
);

test.describe('a BLE push at 1280×800', () => {
  test.use({ bleScenario: slowScenario });

  test('its progress bar and its result are on screen without scrolling', async ({ page, bench }) => {
    const image = buildMcubootImage({
      version: '1.1.0',
      headerSize: 0x200,
      payloadSize: 160_000,
      signatureTlv: { type: 0x22, value: seededBytes(71, 7) },
      seed: 11,
    });
    const file = bench.file('zephyr.signed.bin', image);
    await openAt1280(page, bench);
    const device = await bleDevice(bench, 'smp-glance');
    await bench.row(device).click();
    await expect(page.locator('[data-testid="smp-slot"][data-slot="0"]')).toHaveAttribute('data-version', '1.0.0', {
      timeout: 15_000,
    });
    await dropFile(page, file);
    const push = page.getByTestId('push-button');
    await expect(push).toBeEnabled({ timeout: 30_000 });
    await push.click();

    const card = page.locator('[data-testid="job-card"]').first();
    await expect(card).toHaveAttribute('data-state', 'transferring', { timeout: 15_000 });
    await scrollToTop(page);
    const bar = card.getByTestId('job-progress');
    await expect(bar).toHaveAttribute('aria-valuenow', /^[1-9]\d?$/, { timeout: 15_000 });
    await expectInViewport(bar, 'the progress bar');
    await expectInViewport(card.getByTestId('job-bytes'), 'the byte count');
    await shot(page, 'glance-ble-push-transferring');

    await expect(card).toHaveAttribute('data-state', 'committed', { timeout: 60_000 });
    await scrollToTop(page);
    await expectInViewport(card.getByTestId('job-outcome'), 'the result');
    await expectInViewport(card.getByTestId('job-phase'), 'the job phase');
    await shot(page, 'glance-ble-push-confirmed');
  });
});

/** A version element shows its whole text: nothing clipped inside it, nothing past the window's edge. */
async function expectVersionInFull(locator: Locator, version: string, what: string): Promise<void> {
  await expect(locator, what).toContainText(version);
  const fit = await locator.evaluate((element) => ({
    scrollWidth: element.scrollWidth,
    clientWidth: element.clientWidth,
    right: element.getBoundingClientRect().right,
    // Every ancestor up to the window must show it too (an ellipsis or a clipped box higher up cuts it as well).
    clipped: (() => {
      const box = element.getBoundingClientRect();
      for (let parent = element.parentElement; parent; parent = parent.parentElement) {
        const style = getComputedStyle(parent);
        if (style.overflowX === 'visible') continue;
        const outer = parent.getBoundingClientRect();
        if (box.left < outer.left - 0.5 || box.right > outer.right + 0.5) return parent.className || parent.tagName;
      }
      return null;
    })(),
  }));
  expect(fit.scrollWidth, `${what}: nothing of "${version}" scrolled out of sight`).toBeLessThanOrEqual(
    fit.clientWidth,
  );
  expect(fit.clipped, `${what}: no ancestor cuts "${version}" off`).toBeNull();
  expect(fit.right, `${what} ends inside the window`).toBeLessThanOrEqual(VIEWPORT.width);
  await expect(locator, `${what} names the full version on hover`).toHaveAttribute(
    'title',
    new RegExp(version.replace(/[.+]/g, '\\$&')),
  );
}

const LONG_RUNNING = '2.20.0-20240101-abcdef';
const LONG_FILE = '1.2.3-rc.4+build.5678';

test.describe('the board list at 1280×800, LAN and BLE together', () => {
  test.use({ bleScenario: 'e2e' });

  test('groups by transport with counts, filters by LAN / BLE / text, and shows long versions in full', async ({
    page,
    bench,
  }) => {
    const lamp = await bench.mongoose({ fwVersion: LONG_RUNNING });
    const other = await bench.mongoose({ fwVersion: '1.0.0' });
    await openAt1280(page, bench);
    const lampDevice = await bench.deviceOf(lamp);
    const otherDevice = await bench.deviceOf(other);
    for (const name of ['smp-sensor', 'smp-legacy', 'smp-crashy', 'mos-ble-lamp', 'esp-ble-ota-demo'])
      await bleDevice(bench, name);

    const rows = page.getByTestId('device-row');
    const group = (transport: string) => page.locator(`[data-testid="device-group"][data-transport="${transport}"]`);
    await expect(rows).toHaveCount(7);
    // Two sections, LAN first, each with its count; every row sits in the section of its transport.
    await expect(page.getByTestId('device-group')).toHaveCount(2);
    await expect(page.getByTestId('device-group').first()).toHaveAttribute('data-transport', 'lan');
    await expect(group('lan').getByTestId('device-group-count')).toHaveText('2');
    await expect(group('ble').getByTestId('device-group-count')).toHaveText('5');
    await expect(group('lan').getByTestId('device-row')).toHaveCount(2);
    for (const row of await group('ble').getByTestId('device-row').all())
      await expect(row).toHaveAttribute('data-transport', 'ble');
    await expect(page.getByTestId('device-filter-all')).toBeChecked();

    // The long version runs beside a short name or on a line of its own, never cut.
    await expectVersionInFull(
      bench.row(lampDevice).getByTestId('device-version'),
      LONG_RUNNING,
      'the device row version',
    );

    // BLE only.
    await page.getByTestId('device-filter-ble').check();
    await expect(rows).toHaveCount(5);
    await expect(group('lan')).toHaveCount(0);
    await expect(bench.row(lampDevice)).toHaveCount(0);
    // Text within BLE: "smp" leaves the three SMP devices; the section says how many of its five.
    await page.getByTestId('device-filter-text').fill('smp');
    await expect(rows).toHaveCount(3);
    await expect(group('ble').getByTestId('device-group-count')).toHaveText('3 of 5');
    await shot(page, 'glance-device-list-filtered');

    // LAN only, text by address: the one board at that address.
    await page.getByTestId('device-filter-lan').check();
    await page.getByTestId('device-filter-text').fill(other.address);
    await expect(rows).toHaveCount(1);
    await expect(bench.row(otherDevice)).toBeVisible();
    await expect(group('lan').getByTestId('device-group-count')).toHaveText('1 of 2');
    await expect(group('ble')).toHaveCount(0);

    // Several words must all match (protocol + version); nothing matches: the list says so and offers all.
    await page.getByTestId('device-filter-all').check();
    await page.getByTestId('device-filter-text').fill('mongoose 2.20.0');
    await expect(rows).toHaveCount(1);
    await expect(bench.row(lampDevice)).toBeVisible();
    await page.getByTestId('device-filter-text').fill('no-such-board');
    await expect(rows).toHaveCount(0);
    await expect(page.getByTestId('device-filter-none')).toContainText('No board matches “no-such-board”');
    await page.getByTestId('device-filter-clear').click();
    await expect(rows).toHaveCount(7);
    await expect(page.getByTestId('device-filter-text')).toHaveValue('');

    // Escape clears the text.
    await page.getByTestId('device-filter-text').fill('crashy');
    await expect(rows).toHaveCount(1);
    await page.getByTestId('device-filter-text').press('Escape');
    await expect(rows).toHaveCount(7);
    await shot(page, 'glance-device-list');
  });
});

test('a Mongoose OS push awaiting its commit is said to await it, not "already runs"; long versions stay whole', async ({
  page,
  bench,
}) => {
  const board = await bench.mongoose({ fwVersion: LONG_RUNNING });
  const firmware = bench.mongooseFirmware(LONG_FILE);
  await openAt1280(page, bench);
  const device = await bench.deviceOf(board);
  await bench.row(device).click();
  bench.chooseNext(firmware);
  await page.getByTestId('choose-file-button').click();
  await expect(page.getByTestId('image-version')).toHaveText(LONG_FILE);
  await expect(page.getByTestId('push-version-note')).toHaveCount(0);

  // Before the push: both long versions whole, in the row, the file card and the push card.
  await expectVersionInFull(bench.row(device).getByTestId('device-version'), LONG_RUNNING, 'the device row version');
  await expectVersionInFull(
    page.getByTestId('push-target-running'),
    LONG_RUNNING,
    'the board version in the push card',
  );
  await expectVersionInFull(
    page.getByTestId('push-target-file-version'),
    LONG_FILE,
    'the file version in the push card',
  );

  await expect(page.getByTestId('commit-policy-prompt')).toBeChecked();
  await page.getByTestId('push-button').click();
  const card = page.locator('[data-testid="job-card"]').first();
  await expect(card).toHaveAttribute('data-state', 'awaiting-commit', { timeout: 30_000 });
  // The board now reports the pushed version (uncommitted): the engine learns it when the board
  // re-announces after its reboot, and the list shows it…
  await expect
    .poll(() => bench.engine.listDevices().find((listed) => listed.id === device.id)?.firmwareVersion, {
      message: "the engine's device record takes the version the board announces after its reboot",
      timeout: 30_000,
    })
    .toBe(LONG_FILE);
  await expect(bench.row(device).getByTestId('device-version')).toHaveText(LONG_FILE);
  expect(board.bootState.is_committed).toBe(false);
  // …and the push card says what is true: that version awaits your commit. It does not "already run".
  await expect(page.getByTestId('push-target')).not.toContainText('already runs');
  await expect(page.getByTestId('push-version-note')).toContainText('awaiting your commit');
  await expect(page.getByTestId('push-target-uncommitted')).toHaveText('awaiting your commit');
  await expectVersionInFull(bench.row(device).getByTestId('device-version'), LONG_FILE, 'the device row version');
  await expectVersionInFull(page.getByTestId('push-target-running'), LONG_FILE, 'the board version in the push card');
  await expectVersionInFull(card.locator('.job-card__meta'), LONG_FILE, 'the version on the job card');
  await scrollToTop(page);
  await expectInViewport(card.getByTestId('commit-button'), 'the Commit button');
  await shot(page, 'glance-mongoose-awaiting-commit');

  // Committed: now it does already run it, and the card says so.
  await card.getByTestId('commit-button').click();
  await expect(card).toHaveAttribute('data-state', 'committed');
  await expect(page.getByTestId('push-target-uncommitted')).toHaveCount(0);
  await expect(page.getByTestId('push-version-note')).toHaveText(`${device.name} already runs ${LONG_FILE}.`);
  await expect(card.getByTestId('job-versions')).toContainText(`${LONG_RUNNING} → ${LONG_FILE}`);
  await shot(page, 'glance-mongoose-committed');
});
