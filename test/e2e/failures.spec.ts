// When a push fails the card says what happened and what the board said, in plain words — never
// "Something went wrong" — and it is red, unlike a rollback.
import { expect, test } from './support/bench-fixture.ts';

test('a board that refuses the file: the engine’s sentence and the board’s own words', async ({ page, bench }) => {
  const board = await bench.mongoose({ fwVersion: '1.0.0', freeSpace: 200_000 });
  const firmware = bench.mongooseFirmware('1.1.0', 400_000);
  await bench.open();
  const device = await bench.deviceOf(board);
  await bench.row(device).click();
  bench.chooseNext(firmware);
  await page.getByTestId('choose-file-button').click();
  await page.getByTestId('push-button').click();

  const card = page.getByTestId('job-card').first();
  await expect(card).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  await expect(card.getByTestId('job-phase')).toHaveText('Failed');
  await expect(card.getByTestId('job-outcome')).toHaveClass(/outcome--danger/);
  await expect(card.getByTestId('job-device-message')).toHaveText(/^Not enough space: need \d+ bytes, have 200000$/);
  const message = await card.getByTestId('job-result-message').textContent();
  expect(message).toMatch(/no room|space/i);
  expect(message).not.toMatch(/something went wrong/i);
  await expect(page.getByText(/something went wrong/i)).toHaveCount(0);
  // Nothing was flashed; the board still runs what it ran.
  expect(board.firmwareVersion).toBe('1.0.0');
  await bench.shot('failure-not-enough-space');
});

test('a board that wants a password: refused without it, updated with it', async ({ page, bench }) => {
  const board = await bench.arduino({
    variant: 'esp8266',
    version: '1.0.0',
    credentials: { user: 'admin', password: 'bench' },
  });
  const firmware = bench.espFirmware('1.2.0', 'esp8266');
  await bench.open();
  const device = await bench.deviceOf(board);
  expect(device.authRequired).toBe(true);
  await bench.row(device).click();
  bench.chooseNext(firmware);
  await page.getByTestId('choose-file-button').click();
  await expect(page.getByTestId('push-fit')).toHaveAttribute('data-fits', 'true');
  // The board announced auth_upload=yes: the credentials fields are open, not hidden.
  await expect(page.getByTestId('credentials-password')).toBeVisible();

  await page.getByTestId('credentials-user').fill('admin');
  await page.getByTestId('credentials-password').fill('wrong');
  await page.getByTestId('push-button').click();
  const failed = page.getByTestId('job-card').first();
  await expect(failed).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  await expect(failed.getByTestId('job-result-message')).toContainText(/password/i);
  await bench.shot('failure-auth');
  const failedId = (await failed.getAttribute('data-job-id'))!;

  await page.getByTestId('credentials-password').fill('bench');
  await page.getByTestId('push-button').click();
  await expect(page.getByTestId('job-card')).toHaveCount(2);
  // Newest first: the new job sits above the failed one, which keeps its red card.
  const updated = page.getByTestId('job-card').first();
  await expect(updated).not.toHaveAttribute('data-job-id', failedId);
  await expect(page.locator(`[data-job-id="${failedId}"]`)).toHaveAttribute('data-state', 'failed');
  await expect(updated).toHaveAttribute('data-state', 'updated', { timeout: 40_000 });
  await expect(updated.getByTestId('job-outcome')).toHaveClass(/outcome--success/);
  expect(board.firmwareVersion).toBe('1.2.0');
});

test('Cancel during the upload stops the push and says what the board keeps', async ({ page, bench }) => {
  // Slow enough (6 MB at 500 kB/s) that the upload is still running when Cancel is pressed.
  const board = await bench.mongoose({ fwVersion: '1.0.0', bytesPerSecond: 500_000, freeSpace: 8_000_000 });
  const firmware = bench.mongooseFirmware('1.1.0', 6_000_000);
  await bench.open();
  await bench.row(await bench.deviceOf(board)).click();
  bench.chooseNext(firmware);
  await page.getByTestId('choose-file-button').click();
  await page.getByTestId('push-button').click();

  const card = page.getByTestId('job-card').first();
  await expect(card).toHaveAttribute('data-state', 'transferring', { timeout: 15_000 });
  await card.getByTestId('cancel-button').click();
  await expect(card).toHaveAttribute('data-state', 'cancelled');
  await expect(card.getByTestId('job-phase')).toHaveText('Cancelled');
  await expect(card.getByTestId('job-result-message')).not.toBeEmpty();
  await expect(card.getByTestId('cancel-button')).toHaveCount(0);
  await expect(card.getByTestId('dismiss-button')).toBeVisible();
  expect(board.firmwareVersion).toBe('1.0.0');
  // The board is free again: Push is allowed once more.
  await expect(page.getByTestId('push-button')).toBeEnabled();
  await bench.shot('cancelled');
});
