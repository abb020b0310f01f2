// The main path with a real engine and a simulated Mongoose OS board: the board appears, a file is
// chosen and described, the push runs with visible progress, waits for a commit with a ticking
// countdown, and Commit makes it stick — on the board, not only on screen.
import { PROTOCOL_LABELS } from '../../shared/domain.ts';
import { expect, test } from './support/bench-fixture.ts';

test('push to a Mongoose OS board, watch progress, commit from the countdown', async ({ page, bench }) => {
  // The board reads at 1 MB/s. Loopback socket buffers swallow ~4 MB at once, so the file is 6 MB
  // (and the board has room for it) for the bar to be seen between 0 and 100 %.
  const board = await bench.mongoose({ fwVersion: '1.0.0', bytesPerSecond: 1_000_000, freeSpace: 8_000_000 });
  const firmware = bench.mongooseFirmware('1.1.0', 6_000_000);
  await bench.open();

  // The board appears with what a developer checks first.
  const device = await bench.deviceOf(board);
  const row = bench.row(device);
  await expect(row).toBeVisible();
  await expect(row).toContainText(`${board.address}:80`);
  await expect(row).toContainText(PROTOCOL_LABELS['mongoose-os']);
  await expect(row).toContainText('1.0.0');
  await expect(row).toHaveAttribute('data-online', 'true');
  await expect(page.getByTestId('discovery-status')).toHaveAttribute('data-state', 'running');

  // Nothing chosen: Push says what is missing.
  await expect(page.getByTestId('push-button')).toBeDisabled();
  await expect(page.getByTestId('push-blocker')).toHaveText('Pick a board on the left.');
  await row.click();
  await expect(page.getByTestId('push-blocker')).toContainText('Choose a firmware file');

  // Choose file…: the (test) dialog hands the engine a path; the summary shows what the file is.
  bench.chooseNext(firmware);
  await page.getByTestId('choose-file-button').click();
  const summary = page.getByTestId('image-summary');
  await expect(summary).toHaveAttribute('data-format', 'mongoose-fw-zip');
  await expect(page.getByTestId('image-file-name')).toHaveText('fw-esp32-1.1.0.zip');
  await expect(page.getByTestId('image-version')).toHaveText('1.1.0');
  await expect(page.getByTestId('image-sha256')).toHaveText(`${firmware.sha256.slice(0, 12)}…`);
  await expect(page.getByTestId('push-fit')).toHaveAttribute('data-fits', 'true');

  // Ask me + 5 min: the default policy.
  await expect(page.getByTestId('commit-policy-prompt')).toBeChecked();
  await expect(page.getByTestId('push-button')).toBeEnabled();
  await page.getByTestId('push-button').click();

  const card = page.locator(`[data-testid="job-card"]`).first();
  await expect(card).toContainText(device.name);

  // Progress moves: the bar passes through an intermediate value while bytes are counted.
  const bar = card.getByTestId('job-progress');
  await expect(bar).toHaveAttribute('aria-valuenow', /^[1-9]\d?$/, { timeout: 15_000 });
  await expect(card).toHaveAttribute('data-state', 'transferring');
  await expect(card.getByTestId('job-bytes')).toHaveText(/^[\d.]+ MiB of 5\.72 MiB$/);
  await expect(card.getByTestId('cancel-button')).toBeVisible();
  await bench.shot('push-uploading');

  // The board reboots into the new firmware and waits for a commit, with a countdown that ticks.
  await expect(card).toHaveAttribute('data-state', 'awaiting-commit', { timeout: 30_000 });
  const countdown = card.getByTestId('commit-countdown');
  await expect(countdown).toHaveText(/^Awaiting commit — [45]:\d\d left$/);
  const first = await countdown.textContent();
  await expect(countdown).not.toHaveText(first!, { timeout: 3_000 });
  await expect(card.getByTestId('cancel-button')).toHaveCount(0);
  await bench.shot('push-awaiting-commit');
  expect(board.bootState.is_committed).toBe(false);

  // A reloaded renderer gets the running job back from the main process, countdown and all.
  await page.reload();
  await expect(page.locator('[data-app-state="ready"]')).toHaveCount(1);
  await expect(card).toHaveAttribute('data-state', 'awaiting-commit');
  await expect(countdown).toHaveText(/^Awaiting commit — [45]:\d\d left$/);

  await card.getByTestId('commit-button').click();
  await expect(card).toHaveAttribute('data-state', 'committed');
  await expect(card.getByTestId('job-result-message')).toHaveText(`Committed 1.1.0 on ${device.name}.`);
  await expect(card.getByTestId('job-versions')).toHaveText('1.0.0 → 1.1.0');
  await expect(card.getByTestId('job-outcome')).toHaveClass(/outcome--success/);
  // The board really runs and keeps the new firmware, and the list shows it.
  expect(board.bootState.is_committed).toBe(true);
  expect(board.firmwareVersion).toBe('1.1.0');
  await expect(row).toContainText('1.1.0');
  await bench.shot('push-committed');

  // Finished jobs can be dismissed.
  await card.getByTestId('dismiss-button').click();
  await expect(page.getByTestId('job-card')).toHaveCount(0);
});
