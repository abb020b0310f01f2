// Mongoose OS rollbacks, as the user sees them: nobody commits before the (short) commit timeout,
// or the user presses Revert. Either way the card turns amber — not red like a failure, not green.
import { expect, test } from './support/bench-fixture.ts';

test('an uncommitted firmware rolls back when the commit timeout runs out', async ({ page, bench }) => {
  const board = await bench.mongoose({ fwVersion: '1.0.0' });
  const firmware = bench.mongooseFirmware('1.1.0');
  await bench.open();
  const device = await bench.deviceOf(board);
  await bench.row(device).click();
  bench.chooseNext(firmware);
  await page.getByTestId('choose-file-button').click();
  await expect(page.getByTestId('image-version')).toHaveText('1.1.0');

  // "Don't commit" with the shortest timeout the contract allows: a rollback test.
  await page.getByTestId('commit-policy-never').check();
  await page.getByTestId('commit-timeout-input').fill('10');
  await page.getByTestId('push-button').click();

  const card = page.getByTestId('job-card').first();
  await expect(card).toHaveAttribute('data-state', 'awaiting-commit', { timeout: 30_000 });
  await expect(card.getByTestId('commit-countdown')).toHaveText(/^Awaiting commit — 0:(10|0\d) left$/);
  await bench.shot('rollback-countdown');

  await expect(card).toHaveAttribute('data-state', 'rolled-back', { timeout: 40_000 });
  await expect(card.getByTestId('job-phase')).toHaveText('Rolled back');
  await expect(card.getByTestId('job-outcome')).toHaveClass(/outcome--warning/);
  await expect(card).toHaveClass(/job-card--warning/);
  await expect(card.getByTestId('job-result-message')).toHaveText(
    `Nobody committed 1.1.0 within 10 s, so ${device.name} rolled back to 1.0.0.`,
  );
  await expect(card.getByTestId('job-versions')).toHaveText('1.0.0 → 1.1.0, back to 1.0.0');
  await expect(card.getByTestId('commit-button')).toHaveCount(0);
  // The board itself is back on the old firmware, and the list says so.
  expect(board.firmwareVersion).toBe('1.0.0');
  await expect(bench.row(device)).toContainText('1.0.0');
  await bench.shot('rollback-done');
});

test('Revert during the commit window boots the previous firmware', async ({ page, bench }) => {
  const board = await bench.mongoose({ fwVersion: '2.0.0' });
  const firmware = bench.mongooseFirmware('2.1.0');
  await bench.open();
  const device = await bench.deviceOf(board);
  await bench.row(device).click();
  bench.chooseNext(firmware);
  await page.getByTestId('choose-file-button').click();
  await page.getByTestId('push-button').click();

  const card = page.getByTestId('job-card').first();
  await expect(card).toHaveAttribute('data-state', 'awaiting-commit', { timeout: 30_000 });
  await card.getByTestId('revert-button').click();
  await expect(card).toHaveAttribute('data-state', 'rolled-back', { timeout: 30_000 });
  await expect(card.getByTestId('job-result-message')).toHaveText(
    `Reverted on your request, so ${device.name} rolled back to 2.0.0.`,
  );
  expect(board.firmwareVersion).toBe('2.0.0');
});
