// Fleet push from the UI with the real engine and twenty simulated boards (Mongoose OS and Arduino
// ESP32 web updaters): ticking boards, "select all that can take this file" with one file per kind,
// the concurrency cap as the card shows it, every row ending with its result, totals that add up,
// flagged failures and "Retry failed", the prompt policy's "Commit all healthy", Cancel all, and the
// page's frame times while twenty pushes run at once.
import type { Page } from '@playwright/test';
import { cpus, loadavg } from 'node:os';
import type { Device } from '../../shared/domain.ts';
import type { ArduinoBoard } from '../sim/boards/arduino-board.ts';
import type { MongooseBoard } from '../sim/boards/mongoose-board.ts';
import type { FixtureFile } from '../sim/firmware-fixtures.ts';
import { expect, test, type Bench } from './support/bench-fixture.ts';

const range = (count: number) => Array.from({ length: count }, (_, index) => index);

/** The checkbox of a device's row (a sibling of the row's button). */
const checkOf = (page: Page, device: Device) =>
  page.locator(`li:has(> [data-testid="device-row"][data-device-id="${device.id}"]) [data-testid="device-check"]`);

const fleetRow = (page: Page, device: Device) =>
  page.locator(`[data-testid="fleet-row"][data-device-id="${device.id}"]`);

const total = async (page: Page, key: string) =>
  Number(await page.getByTestId(`fleet-total-${key}`).getAttribute('data-count'));

interface Boards {
  mongoose: MongooseBoard[];
  arduino: ArduinoBoard[];
  devices: Device[];
}

/** Twelve Mongoose OS boards and eight Arduino ESP32 boards, all on 1.0.0, paced so progress is seen. */
async function twentyBoards(
  bench: Bench,
  pace: { bytesPerSecond: number; freeSpace: number },
  tweak: { noSpace?: boolean; password?: boolean } = {},
): Promise<Boards> {
  const mongoose = await Promise.all(
    range(12).map((index) =>
      bench.mongoose({
        fwVersion: '1.0.0',
        bytesPerSecond: pace.bytesPerSecond,
        // The first one has no room for the file: its push fails with the board's own words.
        freeSpace: tweak.noSpace && index === 0 ? 100_000 : pace.freeSpace,
      }),
    ),
  );
  const arduino = await Promise.all(
    range(8).map((index) =>
      bench.arduino({
        variant: 'esp32',
        version: '1.0.0',
        bytesPerSecond: pace.bytesPerSecond,
        freeSketchSpace: pace.freeSpace,
        // The first one asks for a password nobody saved: refused.
        credentials: tweak.password && index === 0 ? { user: 'admin', password: 'not-saved' } : null,
      }),
    ),
  );
  const devices = await Promise.all([...mongoose, ...arduino].map((board) => bench.deviceOf(board)));
  return { mongoose, arduino, devices };
}

/** Ticks one row, then "Select all that can take this file" (both files open: all twenty). */
async function selectAllFitting(page: Page, bench: Bench, devices: Device[], sketch: FixtureFile) {
  await checkOf(page, devices[0]).check();
  await expect(page.getByTestId('selection-count')).toHaveText('1 selected');
  await page.getByTestId('select-fitting').click();
  // One file open (the Mongoose OS zip): its twelve boards.
  await expect(page.getByTestId('selection-count')).toHaveText('12 selected');
  await expect(page.getByTestId('fleet-form')).toBeVisible();
  // The sketch for the other kind, then select again: all twenty.
  bench.chooseNext(sketch);
  await page.getByTestId('fleet-add-image').click();
  await expect(page.getByTestId('fleet-form-image')).toHaveCount(2);
  await page.getByTestId('select-fitting').click();
  await expect(page.getByTestId('selection-count')).toHaveText('20 selected');
  await expect(page.getByTestId('fleet-form-takers')).toHaveText([
    '→ 12 boards (Mongoose OS)',
    /^→ 8 boards \(Arduino/,
  ]);
  await expect(page.getByTestId('fleet-push-button')).toHaveText('Push to 20 boards');
}

/** Counts, in the page, the most fleet rows in an active phase at any moment (every DOM change). */
async function watchActiveRows(page: Page): Promise<void> {
  await page.evaluate(() => {
    const state = { max: 0 };
    (window as unknown as { activeRows: typeof state }).activeRows = state;
    const count = () => {
      state.max = Math.max(
        state.max,
        document.querySelectorAll('[data-testid="fleet-row"][data-active="true"]').length,
      );
    };
    new MutationObserver(count).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
}

test('twenty boards: select all that can take the file, push 4 at a time, failures flagged, retry failed', async ({
  page,
  bench,
}) => {
  test.setTimeout(240_000);
  const boards = await twentyBoards(
    bench,
    { bytesPerSecond: 800_000, freeSpace: 4_000_000 },
    { noSpace: true, password: true },
  );
  const zip = bench.mongooseFirmware('1.1.0', 1_000_000);
  const bin = bench.espSketch('1.1.0', 1_000_000);
  await bench.open();
  bench.chooseNext(zip);
  await page.getByTestId('choose-file-button').click();
  await expect(page.getByTestId('image-version')).toHaveText('1.1.0');
  await selectAllFitting(page, bench, boards.devices, bin);
  await expect(page.getByTestId('fleet-concurrency')).toHaveValue('4');
  await expect(page.getByTestId('fleet-policy-auto')).toBeChecked();
  await bench.shot('fleet-form');

  await watchActiveRows(page);
  await page.getByTestId('fleet-push-button').click();
  const card = page.getByTestId('fleet-card');
  await expect(card).toBeVisible();
  // The form went away with the selection; the card has a row per board.
  await expect(page.getByTestId('fleet-form')).toHaveCount(0);
  await expect(card.getByTestId('fleet-row')).toHaveCount(20);
  await expect(card.locator('[data-testid="fleet-row"][data-active="true"]').first()).toBeVisible({ timeout: 15_000 });
  await bench.shot('fleet-running');
  await expect(card).toHaveAttribute('data-state', 'ended', { timeout: 180_000 });

  const most = await page.evaluate(() => (window as unknown as { activeRows: { max: number } }).activeRows.max);
  expect(most, 'rows in an active phase at once').toBeLessThanOrEqual(4);
  expect(most, 'the run used its slots').toBeGreaterThanOrEqual(2);

  // Every row ended with its result, in words.
  for (const device of boards.devices) {
    const row = fleetRow(page, device);
    await expect(row).toHaveAttribute('data-state', /^(succeeded|failed)$/);
    await expect(row.getByTestId('fleet-row-message')).not.toBeEmpty();
  }
  // The totals add up: 18 done, the two refused ones failed.
  expect(await total(page, 'done')).toBe(18);
  expect(await total(page, 'failed')).toBe(2);
  expect(await total(page, 'running')).toBe(0);
  await expect(card.locator('[data-flagged="true"]')).toHaveCount(2);
  const noSpace = fleetRow(page, boards.devices[0]);
  const refused = fleetRow(page, boards.devices[12]);
  for (const row of [noSpace, refused]) {
    await expect(row).toHaveAttribute('data-flagged', 'true');
    // Not colour alone: an icon and the word.
    await expect(row.getByTestId('fleet-row-phase')).toHaveText('✕Failed');
  }
  await expect(noSpace.getByTestId('fleet-row-message')).toContainText(/space|room/i);
  await expect(refused.getByTestId('fleet-row-message')).toContainText(/password|credential/i);
  for (const board of boards.mongoose.slice(1)) expect(board.firmwareVersion).toBe('1.1.0');
  await bench.shot('fleet-ended-with-failures');

  // Room is made on the first board; "Retry failed (2)" pushes both again.
  boards.mongoose[0].freeSpace = 4_000_000;
  await expect(card.getByTestId('fleet-retry')).toHaveText('Retry failed (2)');
  await card.getByTestId('fleet-retry').click();
  await expect(noSpace).toHaveAttribute('data-attempt', '2');
  await expect(card).toHaveAttribute('data-state', 'ended', { timeout: 60_000 });
  await expect(noSpace).toHaveAttribute('data-state', 'succeeded');
  await expect(noSpace).toHaveAttribute('data-flagged', 'false');
  await expect(refused).toHaveAttribute('data-state', 'failed');
  await expect(refused).toHaveAttribute('data-attempt', '2');
  expect(await total(page, 'done')).toBe(19);
  expect(await total(page, 'failed')).toBe(1);
  expect(boards.mongoose[0].firmwareVersion).toBe('1.1.0');

  await card.getByTestId('fleet-dismiss').click();
  await expect(page.getByTestId('fleet-card')).toHaveCount(0);
});

test('prompt policy: healthy boards wait, "Commit all healthy" commits them; shift-click and the keyboard tick', async ({
  page,
  bench,
}) => {
  test.setTimeout(120_000);
  const boards = await Promise.all(range(4).map(() => bench.mongoose({ fwVersion: '1.0.0', bytesPerSecond: 800_000 })));
  const devices = await Promise.all(boards.map((board) => bench.deviceOf(board)));
  const firmware = bench.mongooseFirmware('1.1.0', 600_000);
  await bench.open();
  bench.chooseNext(firmware);
  await page.getByTestId('choose-file-button').click();

  // The keyboard reaches a row's checkbox; Space ticks it.
  const rows = page.getByTestId('device-check');
  await rows.first().focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('selection-count')).toHaveText('1 selected');
  // Shift-click on the last row: the range between.
  await rows.last().click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selection-count')).toHaveText('4 selected');
  // A click on a row itself still picks the single push's board, and keeps the ticks.
  await bench.row(devices[1]).click();
  await expect(bench.row(devices[1])).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('selection-count')).toHaveText('4 selected');
  // None of them is on 1.1.0 yet: nothing to drop.
  await expect(page.getByTestId('select-outdated')).toBeDisabled();

  await page.getByTestId('fleet-policy-prompt').check();
  await page.getByTestId('fleet-push-button').click();
  const card = page.getByTestId('fleet-card');
  await expect(card).toHaveAttribute('data-state', 'awaiting-commit', { timeout: 60_000 });
  await expect(card.getByTestId('fleet-commit')).toHaveText('Commit all healthy (4)');
  expect(await total(page, 'awaiting')).toBe(4);
  for (const board of boards) expect(board.bootState.is_committed).toBe(false);
  await bench.shot('fleet-awaiting-commit');

  await card.getByTestId('fleet-commit').click();
  await expect(card).toHaveAttribute('data-state', 'ended', { timeout: 30_000 });
  expect(await total(page, 'done')).toBe(4);
  for (const board of boards) {
    expect(board.bootState.is_committed).toBe(true);
    expect(board.firmwareVersion).toBe('1.1.0');
  }

  // Now they all report 1.1.0: "Only those not already on 1.1.0" leaves none ticked.
  await checkOf(page, devices[0]).check();
  await page.getByTestId('select-fitting').click();
  await expect(page.getByTestId('selection-count')).toHaveText('4 selected');
  await expect(page.getByTestId('select-outdated')).toHaveText('Only those not already on 1.1.0');
  await page.getByTestId('select-outdated').click();
  await expect(page.getByTestId('selection-bar')).toHaveCount(0);
});

test('Cancel all stops the run: nothing left running, every row says how it ended', async ({ page, bench }) => {
  test.setTimeout(120_000);
  const boards = await Promise.all(
    range(5).map(() => bench.mongoose({ fwVersion: '1.0.0', bytesPerSecond: 300_000, freeSpace: 8_000_000 })),
  );
  const devices = await Promise.all(boards.map((board) => bench.deviceOf(board)));
  const firmware = bench.mongooseFirmware('1.1.0', 6_000_000);
  await bench.open();
  bench.chooseNext(firmware);
  await page.getByTestId('choose-file-button').click();
  await checkOf(page, devices[0]).check();
  await page.getByTestId('select-fitting').click();
  await expect(page.getByTestId('selection-count')).toHaveText('5 selected');
  await page.getByTestId('fleet-concurrency').fill('2');
  await page.getByTestId('fleet-push-button').click();

  const card = page.getByTestId('fleet-card');
  await expect(card.locator('[data-job-state="transferring"]')).toHaveCount(2, { timeout: 20_000 });
  await card.getByTestId('fleet-cancel').click();
  await expect(card).toHaveAttribute('data-state', 'ended', { timeout: 30_000 });
  for (const device of devices) {
    await expect(fleetRow(page, device)).toHaveAttribute('data-state', /^(cancelled|skipped)$/);
  }
  expect(await total(page, 'running')).toBe(0);
  expect(await total(page, 'done')).toBe(0);
  expect(bench.engine.listJobs().every((job) => ['cancelled', 'failed'].includes(job.state))).toBe(true);
  for (const board of boards) expect(board.firmwareVersion).toBe('1.0.0');
  await bench.shot('fleet-cancelled');
});

test('frame time with twenty pushes at once (concurrency 20)', async ({ page, bench }) => {
  test.setTimeout(240_000);
  // 8 MB at 800 kB/s per board: the bars move for seconds after the socket buffers have filled.
  const boards = await twentyBoards(bench, { bytesPerSecond: 800_000, freeSpace: 10_000_000 });
  const zip = bench.mongooseFirmware('1.1.0', 8_000_000);
  const bin = bench.espSketch('1.1.0', 8_000_000);
  await bench.open();
  bench.chooseNext(zip);
  await page.getByTestId('choose-file-button').click();
  await selectAllFitting(page, bench, boards.devices, bin);
  await page.getByTestId('fleet-concurrency').fill('20');

  // The same page idle for 3 s first: what this machine gives any page right now.
  const idle = await page.evaluate(
    () =>
      new Promise<number[]>((resolve) => {
        const deltas: number[] = [];
        const started = performance.now();
        let last = started;
        const tick = (time: number) => {
          deltas.push(time - last);
          last = time;
          if (time - started < 3000) requestAnimationFrame(tick);
          else resolve(deltas.slice(1));
        };
        requestAnimationFrame(tick);
      }),
  );
  const p95Of = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))] ?? NaN;
  };

  // requestAnimationFrame deltas and long tasks, from the click until every upload has left 'transferring'.
  await page.evaluate(() => {
    const probe = { deltas: [] as number[], longTasks: [] as number[], running: true };
    (window as unknown as { frameProbe: typeof probe }).frameProbe = probe;
    let last = performance.now();
    const tick = (time: number) => {
      probe.deltas.push(time - last);
      last = time;
      if (probe.running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) probe.longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  // Chromium's own counters too: how much CPU the page's main thread used (a busy machine delays
  // frames without the page doing more work; this share says which it was).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () =>
    new Map((await cdp.send('Performance.getMetrics')).metrics.map((metric) => [metric.name, metric.value]));
  const before = await metrics();
  await page.getByTestId('fleet-push-button').click();
  const card = page.getByTestId('fleet-card');
  await expect(card.locator('[data-job-state="transferring"]')).toHaveCount(20, { timeout: 30_000 });
  const progressSeen = await card.getByTestId('fleet-row-percent').allTextContents();
  await expect(card.locator('[data-job-state="transferring"]')).toHaveCount(0, { timeout: 120_000 });
  const probe = await page.evaluate(() => {
    const found = (window as unknown as { frameProbe: { deltas: number[]; longTasks: number[]; running: boolean } })
      .frameProbe;
    found.running = false;
    return found;
  });
  const after = await metrics();
  const spent = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  const seconds = spent('Timestamp');
  const cpuShare = spent('ThreadTime') / seconds;
  const deltas = probe.deltas.slice(1).sort((a, b) => a - b);
  const at = (share: number) => deltas[Math.min(deltas.length - 1, Math.floor(share * deltas.length))];
  const p95 = at(0.95);
  const report =
    `frame times over the transfer of 20 concurrent pushes: ${deltas.length} frames, ` +
    `median ${at(0.5).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${deltas[deltas.length - 1].toFixed(1)} ms; ` +
    `${probe.longTasks.length} long tasks (${Math.round(probe.longTasks.reduce((sum, ms) => sum + ms, 0))} ms in all); ` +
    `main thread CPU ${Math.round(spent('ThreadTime') * 1000)} ms in ${seconds.toFixed(1)} s (${Math.round(cpuShare * 100)} %: ` +
    `script ${Math.round(spent('ScriptDuration') * 1000)} ms, layout ${Math.round(spent('LayoutDuration') * 1000)} ms, ` +
    `style ${Math.round(spent('RecalcStyleDuration') * 1000)} ms); the idle page beforehand: p95 ${p95Of(idle).toFixed(1)} ms ` +
    `over ${idle.length} frames; machine load ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`;
  console.log(report);
  test.info().annotations.push({ type: 'frame-time', description: report });
  expect(progressSeen.length, 'rows showed their progress').toBeGreaterThan(0);
  expect(deltas.length, 'frames were sampled').toBeGreaterThan(10);
  // The goal is p95 < 20 ms. Only a generous bound is asserted, and only on a machine not busy with
  // other work (a load above 1.5 per core starves Chromium whatever the page does): then the page's
  // own share of the CPU is what must stay low.
  expect(cpuShare, 'the page keeps its main thread mostly idle').toBeLessThan(0.5);
  if (loadavg()[0] / cpus().length < 1.5) expect(p95).toBeLessThan(100);

  await expect(card).toHaveAttribute('data-state', 'ended', { timeout: 120_000 });
  expect(await total(page, 'done')).toBe(20);
});

test('Skip offline: a board that went away is skipped, saying so, and the others are pushed', async ({
  page,
  bench,
}) => {
  const boards = await Promise.all(range(3).map(() => bench.mongoose({ fwVersion: '1.0.0' })));
  const devices = await Promise.all(boards.map((board) => bench.deviceOf(board)));
  const firmware = bench.mongooseFirmware('1.1.0', 300_000);
  await bench.open();
  bench.chooseNext(firmware);
  await page.getByTestId('choose-file-button').click();
  // The last one says goodbye: listed grey, still ticked by "select all".
  await boards[2].stop();
  await expect(bench.row(devices[2])).toHaveAttribute('data-online', 'false', { timeout: 10_000 });
  await checkOf(page, devices[0]).check();
  await page.getByTestId('select-fitting').click();
  await expect(page.getByTestId('selection-count')).toHaveText('3 selected');
  await page.getByTestId('selection-skip-offline').check();
  await expect(page.getByTestId('fleet-form')).toContainText('Offline boards are skipped');
  await page.getByTestId('fleet-push-button').click();

  const card = page.getByTestId('fleet-card');
  await expect(card).toHaveAttribute('data-state', 'ended', { timeout: 60_000 });
  await expect(card.getByTestId('fleet-card-options')).toContainText('skip offline');
  const skipped = fleetRow(page, devices[2]);
  await expect(skipped).toHaveAttribute('data-state', 'skipped');
  await expect(skipped).toHaveAttribute('data-flagged', 'false');
  await expect(skipped.getByTestId('fleet-row-message')).toContainText(/offline/i);
  expect(await total(page, 'skipped')).toBe(1);
  expect(await total(page, 'done')).toBe(2);
});

test('One board first: the pilot is marked and pushed alone, the rest follow once it proved healthy', async ({
  page,
  bench,
}) => {
  const boards = await Promise.all(range(3).map(() => bench.mongoose({ fwVersion: '1.0.0', bytesPerSecond: 600_000 })));
  const devices = await Promise.all(boards.map((board) => bench.deviceOf(board)));
  const firmware = bench.mongooseFirmware('1.1.0', 600_000);
  await bench.open();
  bench.chooseNext(firmware);
  await page.getByTestId('choose-file-button').click();
  await checkOf(page, devices[0]).check();
  await page.getByTestId('select-fitting').click();
  await page.getByTestId('fleet-staged').check();
  // In the page: the most rows active at once while the pilot (the row tagged "first") had not succeeded.
  await page.evaluate(() => {
    const state = { beside: 0 };
    (window as unknown as { staged: typeof state }).staged = state;
    new MutationObserver(() => {
      const pilot = document.querySelector('[data-testid="fleet-row"]:has(.tag)');
      if (!pilot || pilot.getAttribute('data-state') === 'succeeded') return;
      const others = document.querySelectorAll('[data-testid="fleet-row"][data-active="true"]:not(:has(.tag))');
      state.beside = Math.max(state.beside, others.length);
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  await page.getByTestId('fleet-push-button').click();

  const card = page.getByTestId('fleet-card');
  await expect(card.getByTestId('fleet-card-options')).toContainText('one board first');
  await expect(card.getByText('first', { exact: true })).toHaveCount(1);
  await expect(card).toHaveAttribute('data-state', 'ended', { timeout: 60_000 });
  expect(await total(page, 'done')).toBe(3);
  // Nothing else ran while the pilot had not proved healthy.
  const beside = await page.evaluate(() => (window as unknown as { staged: { beside: number } }).staged.beside);
  expect(beside, 'rows active beside the pilot before it succeeded').toBe(0);
  for (const board of boards) expect(board.firmwareVersion).toBe('1.1.0');
});

test('Stop on the first failure: the boards after it are skipped, and the card says why', async ({ page, bench }) => {
  // Created first, listed first (names follow the addresses): the board without room goes first.
  const boards = [
    await bench.mongoose({ fwVersion: '1.0.0', freeSpace: 100_000 }),
    ...(await Promise.all(range(2).map(() => bench.mongoose({ fwVersion: '1.0.0' })))),
  ];
  const devices = await Promise.all(boards.map((board) => bench.deviceOf(board)));
  const firmware = bench.mongooseFirmware('1.1.0', 300_000);
  await bench.open();
  bench.chooseNext(firmware);
  await page.getByTestId('choose-file-button').click();
  await checkOf(page, devices[0]).check();
  await page.getByTestId('select-fitting').click();
  await page.getByTestId('fleet-concurrency').fill('1');
  await page.getByTestId('fleet-stop-on-failure').check();
  await page.getByTestId('fleet-push-button').click();

  const card = page.getByTestId('fleet-card');
  await expect(card).toHaveAttribute('data-state', 'ended', { timeout: 60_000 });
  await expect(fleetRow(page, devices[0])).toHaveAttribute('data-state', 'failed');
  for (const device of devices.slice(1)) {
    await expect(fleetRow(page, device)).toHaveAttribute('data-state', 'skipped');
    await expect(fleetRow(page, device).getByTestId('fleet-row-message')).toContainText(/stopped/i);
  }
  await expect(card.getByTestId('fleet-card-options')).toContainText('stop on first failure');
  expect(await total(page, 'failed')).toBe(1);
  expect(await total(page, 'skipped')).toBe(2);
  for (const board of boards) expect(board.firmwareVersion).toBe('1.0.0');
});
