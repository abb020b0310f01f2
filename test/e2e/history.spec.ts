// The History and Devices views against the real engine (its SQLite history, in memory per test) and
// simulated boards: pushes are listed with their results, filtered, opened with their states and log,
// exported through the main process's save dialog, and pushed again by jobId only — refused, in a
// sentence, when the file changed on disk since. The Devices view keeps a board that went offline,
// greyed, with its label.
import type { Page } from '@playwright/test';
import type { OtaEngine } from '../../electron/engine/engine-api.ts';
import type { Device } from '../../shared/domain.ts';
import type { FixtureFile } from '../sim/firmware-fixtures.ts';
import { expect, test } from './support/bench-fixture.ts';

/** A push started straight on the engine (setup, not what is tested), awaited to its end. */
async function pushAndWait(engine: OtaEngine, device: Device, file: FixtureFile): Promise<string> {
  const image = await engine.inspectImages([file.path]);
  const job = await engine.push({
    deviceId: device.id,
    imageId: image.imageId,
    commitPolicy: 'auto',
    commitTimeoutSeconds: 60,
  });
  await expect
    .poll(() => engine.listJobs().find((candidate) => candidate.id === job.id)?.endedAt ?? null, {
      message: `the push to ${device.name} never ended`,
      timeout: 40_000,
    })
    .not.toBeNull();
  return job.id;
}

const historyRow = (page: Page, jobId: string) => page.locator(`[data-testid="history-row"][data-job-id="${jobId}"]`);

test('History: rows with their results, filters, details with states and log, CSV export', async ({ page, bench }) => {
  const good = await bench.mongoose({ fwVersion: '1.0.0' });
  const full = await bench.mongoose({ fwVersion: '1.0.0', freeSpace: 200_000 });
  const firmware = bench.mongooseFirmware('1.1.0', 400_000);
  const goodDevice = await bench.deviceOf(good);
  const fullDevice = await bench.deviceOf(full);
  const committedJob = await pushAndWait(bench.engine, goodDevice, firmware);
  const failedJob = await pushAndWait(bench.engine, fullDevice, firmware);

  await bench.open();
  await expect(page.getByTestId('view-bench')).toHaveAttribute('aria-current', 'page');
  await page.getByTestId('view-history').click();
  await expect(page.getByTestId('view-history')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('history-row')).toHaveCount(2);
  // Newest first: the failed push ran second.
  await expect(page.getByTestId('history-row').first()).toHaveAttribute('data-job-id', failedJob);

  const committed = historyRow(page, committedJob);
  await expect(committed).toHaveAttribute('data-result', 'success');
  await expect(committed.getByTestId('history-result')).toHaveText('✓ Committed');
  await expect(committed.getByTestId('history-versions')).toHaveText('1.0.0 → 1.1.0');
  await expect(committed).toContainText(goodDevice.name);
  await expect(committed).toContainText('fw-esp32-1.1.0.zip');
  const failed = historyRow(page, failedJob);
  await expect(failed).toHaveAttribute('data-result', 'failed');
  await expect(failed.getByTestId('history-result')).toHaveText('✕ Failed');

  // Filters: by board, by result (each a query to the engine), and back to everything.
  await page.getByTestId('history-filter-board').selectOption(fullDevice.id);
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  await expect(failed).toBeVisible();
  await page.getByTestId('history-filter-board').selectOption('');
  await page.getByTestId('history-filter-result').selectOption('success');
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  await expect(committed).toBeVisible();
  await page.getByTestId('history-filter-file').fill('no-such-file');
  await expect(page.getByTestId('history-empty')).toHaveText('No push matches these filters.');
  await page.getByTestId('history-filter-file').fill('esp32-1.1');
  await expect(page.getByTestId('history-row')).toHaveCount(1);

  // A row opens (by keyboard too) with every state and its time, the outcome and the log's last lines.
  await committed.getByTestId('history-row-toggle').focus();
  await page.keyboard.press('Enter');
  await expect(committed.getByTestId('history-row-toggle')).toHaveAttribute('aria-expanded', 'true');
  const details = page.locator(`[data-testid="history-details"][data-job-id="${committedJob}"]`);
  const states = details.getByTestId('history-states');
  await expect(states.locator('li[data-state="transferring"]')).toContainText('Uploading');
  await expect(states.locator('li[data-state="committed"]')).toContainText('Committed');
  await expect(states.locator('li').first()).toHaveText(/^\d\d:\d\d:\d\d \+0\.0 s /);
  await expect(details.getByTestId('history-message')).toContainText('1.1.0');
  await expect(details.getByTestId('history-log').locator('li')).not.toHaveCount(0);
  await expect(details.getByTestId('history-identities')).toContainText(good.address);
  await bench.shot('history-details');

  // The failed push says what went wrong, with the engine's result code.
  await page.getByTestId('history-filter-result').selectOption('failed');
  await page.getByTestId('history-filter-file').fill('');
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  await failed.getByTestId('history-row-toggle').click();
  const failedDetails = page.locator(`[data-testid="history-details"][data-job-id="${failedJob}"]`);
  await expect(failedDetails.getByTestId('history-message')).not.toBeEmpty();

  // Export CSV of the current filter (failed only): the main process's save dialog, then one sentence.
  await page.getByTestId('history-export-csv').click();
  await expect(page.getByTestId('history-export-saved')).toHaveText('Saved 1 row to ota-bench-history.csv.');
  expect(bench.bridge.exports).toHaveLength(1);
  const csv = bench.bridge.exports[0]!;
  expect(csv.name).toBe('ota-bench-history.csv');
  const lines = csv.text.trim().split(/\r?\n/);
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/job/i);
  expect(lines[1]).toContain(failedJob);
  expect(lines[1]).toContain('fw-esp32-1.1.0.zip');

  // JSON: every row without a filter.
  await page.getByTestId('history-filter-result').selectOption('');
  await expect(page.getByTestId('history-row')).toHaveCount(2);
  await page.getByTestId('history-export-json').click();
  await expect(page.getByTestId('history-export-saved')).toHaveText('Saved 2 rows to ota-bench-history.json.');
  const json = JSON.parse(bench.bridge.exports[1]!.text) as Array<{ jobId: string }>;
  expect(json.map((row) => row.jobId).sort()).toEqual([committedJob, failedJob].sort());
});

test('History: live rows, push this image again, refused once the file changed on disk', async ({ page, bench }) => {
  const board = await bench.mongoose({ fwVersion: '1.0.0' });
  const other = await bench.mongoose({ fwVersion: '1.0.0' });
  const firmware = bench.mongooseFirmware('1.1.0', 400_000);
  const device = await bench.deviceOf(board);
  const otherDevice = await bench.deviceOf(other);
  const firstJob = await pushAndWait(bench.engine, device, firmware);

  // What the page sends to re-open a file: read off the wire, as the main process receives it.
  const reopenBodies: unknown[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/reopenHistoryImage')) reopenBodies.push(request.postDataJSON());
  });
  await bench.open();
  // The board's own last pushes, in the Push card, lead to the History view filtered to it.
  await bench.row(device).click();
  const own = page.getByTestId('device-history');
  await expect(own.getByTestId('device-history-row')).toHaveCount(1);
  await expect(own.getByTestId('device-history-row')).toHaveAttribute('data-history-job-id', firstJob);
  await own.getByTestId('device-history-all').click();
  await expect(page.getByTestId('history-view')).toBeVisible();
  await expect(page.getByTestId('history-filter-board')).toHaveValue(device.id);

  // A push started meanwhile (here: on the engine) appears by itself and ends as it ends.
  await page.getByTestId('history-filter-board').selectOption('');
  const secondJob = await pushAndWait(bench.engine, otherDevice, firmware);
  await expect(historyRow(page, secondJob)).toHaveAttribute('data-result', 'success');
  await expect(page.getByTestId('history-row')).toHaveCount(2);

  // Push this image again: the Bench shows the same file, re-inspected, with the board selected.
  await historyRow(page, firstJob).getByTestId('push-again-button').click();
  await expect(page.getByTestId('view-bench')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('image-file-name')).toHaveText('fw-esp32-1.1.0.zip');
  await expect(page.getByTestId('image-sha256')).toHaveText(`${firmware.sha256.slice(0, 12)}…`);
  await expect(bench.row(device)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('push-button')).toBeEnabled();
  await expect(page.getByTestId('push-button')).toContainText(device.name);
  await page.getByTestId('commit-policy-auto').check();
  await page.getByTestId('push-button').click();
  const card = page.locator('[data-testid="job-card"]').first();
  await expect(card).toHaveAttribute('data-state', 'committed', { timeout: 30_000 });
  await expect(page.getByTestId('device-history').getByTestId('device-history-row')).toHaveCount(2);

  // The file is rebuilt on disk: pushing "it" again would send other bytes, so it is refused.
  bench.file('fw-esp32-1.1.0.zip', bench.mongooseFirmware('1.2.0', 400_000).data);
  await page.getByTestId('view-history').click();
  await historyRow(page, secondJob).getByTestId('push-again-button').click();
  await expect(page.getByTestId('push-again-error')).toHaveText(
    'fw-esp32-1.1.0.zip has changed since that push (its SHA-256 is not the one pushed): pick it again to push what it holds now.',
  );
  await expect(page.getByTestId('view-history')).toHaveAttribute('aria-current', 'page');
  // The page never named a path: push again goes by jobId only.
  expect(JSON.stringify(reopenBodies)).not.toContain(bench.dropDir);
  expect(JSON.stringify(reopenBodies)).toContain(firstJob);
  expect(JSON.stringify(reopenBodies)).toContain(secondJob);
});

test('Devices: a board that went offline stays listed, greyed, and keeps its label', async ({ page, bench }) => {
  const board = await bench.mongoose({ fwVersion: '1.0.0' });
  const stays = await bench.mongoose({ fwVersion: '1.0.0' });
  const firmware = bench.mongooseFirmware('1.1.0', 400_000);
  const device = await bench.deviceOf(board);
  const staysDevice = await bench.deviceOf(stays);
  await pushAndWait(bench.engine, device, firmware);

  await bench.open();
  await page.keyboard.press('Alt+3');
  await expect(page.getByTestId('view-devices')).toHaveAttribute('aria-current', 'page');
  const row = page.locator(`[data-testid="inventory-row"][data-device-id="${device.id}"]`);
  await expect(row).toHaveAttribute('data-online', 'true');
  // Pushed and reported, kept apart.
  await expect(row.getByTestId('inventory-versions')).toHaveText('pushed 1.1.0 (succeeded) · reports 1.1.0');
  await expect(row.getByTestId('inventory-versions')).toHaveAttribute('data-differ', 'false');

  // A label and notes, checked and saved.
  await row.getByTestId('inventory-edit-note').click();
  await row.getByTestId('note-label').fill('bench left, rev B');
  await row.getByTestId('note-notes').fill('USB hub port 3. Flaky 5 V rail.');
  await row.getByTestId('note-save').click();
  await expect(row.getByTestId('inventory-name')).toHaveText('bench left, rev B');
  await expect(row.getByTestId('inventory-notes')).toHaveText('USB hub port 3. Flaky 5 V rail.');

  // The board is switched off: still listed, greyed, saying when it was last seen.
  await board.stop();
  await expect(row).toHaveAttribute('data-online', 'false', { timeout: 15_000 });
  await expect(row).toHaveClass(/inventory-row--offline/);
  await expect(row.getByTestId('inventory-seen')).toHaveText(/^offline · last seen (just now|\d+ s ago)$/);
  await expect(row.getByTestId('inventory-name')).toHaveText('bench left, rev B');
  await expect(page.locator(`[data-testid="inventory-row"][data-device-id="${staysDevice.id}"]`)).toHaveAttribute(
    'data-online',
    'true',
  );
  await bench.shot('devices-offline');

  // Online only hides it; the filter finds it by its label.
  await page.getByTestId('inventory-online-only').check();
  await expect(row).toHaveCount(0);
  await page.getByTestId('inventory-online-only').uncheck();
  await page.getByTestId('inventory-filter').fill('rev b');
  await expect(page.getByTestId('inventory-row')).toHaveCount(1);

  // Kept by the engine, not the page: a reload shows the same label.
  await page.reload();
  await expect(page.locator('[data-app-state="ready"]')).toHaveCount(1);
  await page.getByTestId('view-devices').click();
  await expect(row.getByTestId('inventory-name')).toHaveText('bench left, rev B');
  await expect(row).toHaveAttribute('data-online', 'false');
});
