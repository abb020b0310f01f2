// The ways in: dropping a file on the window (the File → inspectDroppedFiles, proved against the disk), a file that is not
// firmware, a board mDNS cannot see (Add by address), and a file that does not suit the board.
import { expect, test, dropFile } from './support/bench-fixture.ts';

test('a dropped web page saved as .bin is explained and cannot be pushed', async ({ page, bench }) => {
  const board = await bench.mongoose();
  const notFirmware = bench.file(
    'firmware.bin',
    '<!DOCTYPE html>\n<html><head><title>Index of /builds</title></head><body>…</body></html>\n',
  );
  await bench.open();
  await bench.row(await bench.deviceOf(board)).click();

  await dropFile(page, notFirmware);
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0);
  await expect(page.getByTestId('image-file-name')).toHaveText('firmware.bin');
  const problem = page.getByTestId('image-problem');
  await expect(problem).toBeVisible();
  const sentence = (await problem.textContent())!;
  expect(sentence).toMatch(/html|web page/i);
  // The Push button is disabled and points at that sentence.
  await expect(page.getByTestId('push-button')).toBeDisabled();
  await expect(page.getByTestId('push-blocker')).toHaveText(
    'This file cannot be pushed: see the problem under Firmware.',
  );
  await bench.shot('dropped-html');
});

test('a dropped firmware file is inspected through the drop path', async ({ page, bench }) => {
  const firmware = bench.mongooseFirmware('3.0.0');
  await bench.open();
  await dropFile(page, firmware);
  await expect(page.getByTestId('image-version')).toHaveText('3.0.0');
  expect(bench.bridge.calls).toContainEqual({ command: 'inspectDroppedFiles', status: 200 });
});

test('the page cannot name a file: window.otaBench takes Files, and a forged request for /etc/passwd is refused', async ({
  page,
  bench,
}) => {
  await bench.open();
  const outcomes = await page.evaluate(async () => {
    const api = (window as unknown as { otaBench: { inspectDroppedFiles(files: unknown): Promise<unknown> } }).otaBench;
    const message = (call: Promise<unknown>) =>
      call.then(
        () => 'resolved',
        (error: Error) => error.message,
      );
    // What a compromised renderer that forges the preload's own message would send.
    const forged = fetch('/api/inspectDroppedFiles', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ files: [{ path: '/etc/passwd', name: 'passwd', size: 1000, digest: '0'.repeat(64) }] }),
    }).then(async (response) => `${response.status} ${((await response.json()) as { error: string }).error}`);
    const oldCall = fetch('/api/inspectImagePaths', {
      method: 'POST',
      body: JSON.stringify({ paths: ['/etc/passwd'] }),
    }).then((r) => r.status);
    return {
      aString: await message(api.inspectDroppedFiles(['/etc/passwd'])),
      paths: await message(api.inspectDroppedFiles({ paths: ['/etc/passwd'] })),
      forged: await forged,
      oldCall: await oldCall,
    };
  });
  expect(outcomes.aString).toBe('inspectDroppedFiles takes the dropped File objects');
  expect(outcomes.paths).toBe('inspectDroppedFiles needs an array of dropped Files');
  expect(outcomes.forged).toMatch(
    /^500 inspectDroppedFiles: refused: “\/etc\/passwd” does not match the file dropped on the window/,
  );
  expect(outcomes.oldCall).toBe(404);
  await expect(page.getByTestId('image-file-name')).toHaveCount(0);
});

test('an address outside the local network is asked about first; declined, nothing is contacted', async ({
  page,
  bench,
}) => {
  await bench.open();
  await page.getByTestId('add-device-input').fill('203.0.113.7:8080');
  await page.getByTestId('add-device-button').click();
  await expect(page.getByTestId('add-device-error')).toHaveText(
    'Not added: 203.0.113.7:8080 is outside your local network, and contacting it was not confirmed.',
  );
  expect(bench.bridge.remoteAddressQuestions).toEqual([{ host: '203.0.113.7', port: 8080 }]);
  expect(bench.engine.listDevices().filter((device) => device.address === '203.0.113.7')).toEqual([]);

  // Confirmed: the probe goes out (nowhere to go in the test's private network) and says why it failed.
  bench.bridge.answerRemoteAddress(true);
  await page.getByTestId('add-device-button').click();
  await expect(page.getByTestId('add-device-error')).toContainText('Cannot reach 203.0.113.7:8080', {
    timeout: 20_000,
  });
  expect(bench.bridge.remoteAddressQuestions).toHaveLength(2);
});

test('a board without mDNS is added by address and selected', async ({ page, bench }) => {
  const hidden = await bench.mongoose({ mdns: false, fwVersion: '4.0.0' });
  await bench.open();
  await expect(page.locator(`[data-testid="device-row"]`).filter({ hasText: hidden.address })).toHaveCount(0);

  // A typo is caught before anything is sent; an unreachable host gets the engine's own words.
  await page.getByTestId('add-device-input').fill('http://x');
  await page.getByTestId('add-device-button').click();
  await expect(page.getByTestId('add-device-error')).toContainText('Leave out the scheme');

  await page.getByTestId('add-device-input').fill(`${hidden.address}:80`);
  await page.getByTestId('add-device-button').click();
  const row = page.locator('[data-testid="device-row"]').filter({ hasText: hidden.address });
  await expect(row).toBeVisible({ timeout: 15_000 });
  await expect(row).toHaveAttribute('aria-pressed', 'true');
  await expect(row).toContainText('4.0.0');
  await expect(page.getByTestId('push-target-device')).toContainText(hidden.address);
  await expect(page.getByTestId('add-device-input')).toHaveValue('');
});

test('adding an address where no board answers shows why', async ({ page, bench }) => {
  await bench.open();
  await page.getByTestId('add-device-input').fill('127.29.0.1:80');
  await page.getByTestId('add-device-button').click();
  const error = page.getByTestId('add-device-error');
  await expect(error).toBeVisible({ timeout: 20_000 });
  await expect(error).not.toHaveText(/^$|something went wrong|Error invoking/i);
  await bench.shot('add-device-error');
});

test('a Mongoose OS bundle on an ESP8266 Arduino board: Push says why not', async ({ page, bench }) => {
  const board = await bench.arduino({ variant: 'esp8266', version: '1.0.0' });
  const firmware = bench.mongooseFirmware('1.1.0');
  await bench.open();
  const device = await bench.deviceOf(board);
  await bench.row(device).click();
  bench.chooseNext(firmware);
  await page.getByTestId('choose-file-button').click();
  await expect(page.getByTestId('push-button')).toBeDisabled();
  // The engine's pre-flight plan refuses it and says why, once, above the button.
  await expect(page.getByTestId('plan-verdict')).toHaveAttribute('data-verdict', 'refused');
  await expect(page.getByTestId('plan-message')).toContainText('Mongoose OS firmware');
  await expect(page.getByTestId('plan-message')).toContainText('Arduino ESP8266 HTTPUpdateServer');
  await expect(page.getByTestId('push-blocker')).toHaveText('Refused by the pre-flight checks above.');
  await expect(page.getByTestId('push-fit')).toHaveCount(0);
});
