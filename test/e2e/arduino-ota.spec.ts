// An ArduinoOTA sketch through the UI against the real engine and the simulated board: listed as
// "ArduinoOTA (espota)" with its password asked for (TXT auth_upload=yes), a wrong OTA password fails
// in words and leaves the board as it was, the right one (arduino-esp32 ≥ 3.3.1's PBKDF2 scheme)
// updates it through the connect-back port typed in the form, and the job says truthfully that the
// board reports no version.
import { ArduinoOtaBoard } from '../sim/boards/arduino-ota-board.ts';
import { expect, test } from './support/bench-fixture.ts';

test('an ArduinoOTA board: wrong password in words, then pushed, version unknown said so', async ({ page, bench }) => {
  const board = new ArduinoOtaBoard({ address: `127.${60 + test.info().workerIndex}.7.20`, password: 'sketch-pass' });
  await board.start();
  try {
    await bench.open();
    const device = await bench.deviceOf(board);
    const row = bench.row(device);
    await expect(row.getByTestId('device-protocol')).toContainText('ArduinoOTA (espota)');
    await row.click();

    bench.chooseNext(bench.espFirmware('1.2.0', 'esp32'));
    await page.getByTestId('choose-file-button').click();
    // auth_upload=yes: the Authentication fold is open and says the board asks for a password.
    await page.getByTestId('credentials-password').fill('not-it');
    await page.getByTestId('push-button').click();
    const failed = page.getByTestId('job-card').first();
    await expect(failed).toHaveAttribute('data-state', 'failed', { timeout: 30_000 });
    await expect(failed.getByTestId('job-result-message')).toContainText('Wrong OTA password');
    expect(board.received).toHaveLength(0);

    // The port the board connects back to: what is no unprivileged port blocks the push in words;
    // a fixed one is where the board connects.
    const port = 47_400 + test.info().workerIndex;
    await page.getByTestId('ota-listen-port-input').fill('80');
    await expect(page.getByTestId('push-blocker')).toContainText('from 1024 to 65535, or blank for any free port');
    await expect(page.getByTestId('push-button')).toBeDisabled();
    await page.getByTestId('ota-listen-port-input').fill(String(port));
    await page.getByTestId('credentials-password').fill('sketch-pass');
    await page.getByTestId('push-button').click();
    await expect(page.getByTestId('job-card')).toHaveCount(2);
    const updated = page.getByTestId('job-card').first();
    await expect(updated).toHaveAttribute('data-state', 'updated', { timeout: 40_000 });
    await expect(updated.getByTestId('job-result-message')).toContainText('does not report a version');
    expect(board.received.at(-1)?.outcome).toBe('applied');
    expect(board.connectedTo.at(-1)).toMatch(new RegExp(`:${port}$`));
    await expect(page.getByText('sketch-pass')).toHaveCount(0);
  } finally {
    await board.stop();
  }
});
