// An ESPHome node with only native OTA, through the UI against the real engine and the simulated
// node: listed as "ESPHome native OTA" with its project version, a wrong OTA password fails in words
// and leaves the board as it was, the right one updates it and the job shows the version before and
// after, read from the TXT the node re-announces.
import { EsphomeNativeBoard } from '../sim/boards/esphome-native-board.ts';
import { expect, test } from './support/bench-fixture.ts';

test('an ESPHome native OTA node: wrong password in words, then pushed and verified', async ({ page, bench }) => {
  const board = new EsphomeNativeBoard({
    address: `127.${60 + test.info().workerIndex}.7.10`,
    platform: 'ESP8266',
    password: 'node-pass',
    projectVersion: '1.0.0',
    announceIntervalMs: 200,
    bootMs: 500,
  });
  await board.start();
  try {
    await bench.open();
    const device = await bench.deviceOf(board);
    const row = bench.row(device);
    await expect(row.getByTestId('device-protocol')).toContainText('ESPHome native OTA');
    await row.click();

    bench.chooseNext(bench.espFirmware('1.2.0', 'esp8266'));
    await page.getByTestId('choose-file-button').click();
    // ESPHome does not say whether its OTA has a password: the Authentication fold starts closed.
    await page.locator('details.credentials > summary').click();
    await page.getByTestId('credentials-password').fill('not-it');
    await page.getByTestId('push-button').click();
    const failed = page.getByTestId('job-card').first();
    await expect(failed).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
    await expect(failed.getByTestId('job-result-message')).toContainText('Wrong OTA password');
    expect(board.projectVersion).toBe('1.0.0');

    await page.getByTestId('credentials-password').fill('node-pass');
    await page.getByTestId('push-button').click();
    await expect(page.getByTestId('job-card')).toHaveCount(2);
    const updated = page.getByTestId('job-card').first();
    await expect(updated).toHaveAttribute('data-state', 'updated', { timeout: 40_000 });
    await expect(updated.getByTestId('job-versions')).toContainText('1.0.0');
    await expect(updated.getByTestId('job-versions')).toContainText('1.2.0');
    expect(board.projectVersion).toBe('1.2.0');
    await expect(page.getByText('node-pass')).toHaveCount(0);
  } finally {
    await board.stop();
  }
});
