// Remembered credentials in the UI: "Remember: in the OS keychain" keeps them in the main process's
// store (here the bridge's in-memory keychain), the page shows only "saved", a later push with empty
// fields goes with the saved ones — even after the engine forgot what it was given, as after a
// restart — and Forget makes the next push go without.
import { expect, test } from './support/bench-fixture.ts';

test('remember in the keychain, push again with empty fields, then forget', async ({ page, bench }) => {
  const board = await bench.arduino({
    variant: 'esp8266',
    version: '1.0.0',
    credentials: { user: 'admin', password: 'bench-s3cret' },
  });
  await bench.open();
  const device = await bench.deviceOf(board);
  await bench.row(device).click();
  bench.chooseNext(bench.espFirmware('1.2.0', 'esp8266'));
  await page.getByTestId('choose-file-button').click();
  await expect(page.getByTestId('credentials-saved')).toHaveCount(0);

  await page.getByTestId('credentials-user').fill('admin');
  await page.getByTestId('credentials-password').fill('bench-s3cret');
  await page.getByTestId('credentials-remember').selectOption('keychain');
  await page.getByTestId('push-button').click();
  const first = page.getByTestId('job-card').first();
  await expect(first).toHaveAttribute('data-state', 'updated', { timeout: 40_000 });
  await expect(page.getByTestId('credentials-saved')).toHaveAttribute('data-saved', 'keychain');
  await expect(page.getByTestId('credentials-saved')).toHaveText('saved in the keychain');

  // As after a restart: the engine holds nothing, the page starts empty, the store still has them.
  bench.engine.forgetCredentials(device.id);
  await page.reload();
  await expect(page.locator('[data-app-state="ready"]')).toHaveCount(1);
  await bench.row(device).click();
  await expect(page.getByTestId('credentials-saved')).toHaveText('saved in the keychain');
  await expect(page.getByTestId('credentials-password')).toHaveValue('');
  await expect(page.getByTestId('credentials-user')).toHaveValue('');
  await expect(page.getByText('bench-s3cret')).toHaveCount(0);
  bench.chooseNext(bench.espFirmware('1.3.0', 'esp8266'));
  await page.getByTestId('choose-file-button').click();
  await bench.shot('credentials-saved');
  await page.getByTestId('push-button').click();
  // Wait for the second card: until it appears, .first() is the first push's card, already 'updated'
  // (under load a CI run read that and found the board still on 1.2.0).
  await expect(page.getByTestId('job-card')).toHaveCount(2);
  const second = page.getByTestId('job-card').first();
  await expect(second).toHaveAttribute('data-state', 'updated', { timeout: 40_000 });
  expect(board.firmwareVersion).toBe('1.3.0');

  await page.getByTestId('credentials-forget').click();
  await expect(page.getByTestId('credentials-saved')).toHaveCount(0);
  bench.chooseNext(bench.espFirmware('1.4.0', 'esp8266'));
  await page.getByTestId('choose-file-button').click();
  await page.getByTestId('push-button').click();
  await expect(page.getByTestId('job-card')).toHaveCount(3);
  const third = page.getByTestId('job-card').first();
  await expect(third).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
  await expect(third.getByTestId('job-result-message')).toContainText(/password/i);
  expect(board.firmwareVersion).toBe('1.3.0');
});
