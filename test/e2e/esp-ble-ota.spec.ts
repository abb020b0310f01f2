// An Espressif BLE OTA push through the UI, against the real engine and the simulated radio (preset
// 'e2e': esp-ble-ota-demo runs the firmware's protocol, test/sim/ble/esp-ota-peripheral.ts): the device
// is pushable, an ESP32 app passes the pre-flight, goes out in acknowledged sectors, the device restarts
// and the job ends 'updated' saying what could not be verified; an MCUboot image is refused up front.
import type { Device } from '../../shared/domain.ts';
import { buildMcubootImage } from '../sim/ble/mcuboot-image.ts';
import { esp32App, filler } from '../unit/images/builders.ts';
import { dropFile, expect, test, type Bench } from './support/bench-fixture.ts';

test.use({ bleScenario: 'e2e' });

async function espOtaDevice(bench: Bench): Promise<Device> {
  let found: Device | undefined;
  await expect
    .poll(
      () =>
        (found = bench.engine
          .listDevices()
          .find((device) => device.transport === 'ble' && device.name === 'esp-ble-ota-demo' && device.online)),
      { message: 'the BLE scan never found esp-ble-ota-demo', timeout: 15_000 },
    )
    .toBeTruthy();
  return found!;
}

test('an ESP32 app to esp-ble-ota-demo: sectors acknowledged, restarted, updated with what is known', async ({
  page,
  bench,
}) => {
  const app = bench.file('blink.bin', esp32App({ version: '2.0.0', extra: filler(24_000, 11) }));
  await bench.open();
  const device = await espOtaDevice(bench);
  await expect(bench.row(device)).not.toContainText('push arrives later');
  await bench.row(device).click();
  await expect(page.getByTestId('push-later-note')).toHaveCount(0);
  await dropFile(page, app);
  await expect(page.getByTestId('image-summary')).toHaveAttribute('data-format', 'esp-app');
  // Passing checks are not listed; the pre-flight shows only what fails or warns.
  await expect(page.locator('[data-testid="plan-check"]')).toHaveCount(0);
  const push = page.getByTestId('push-button');
  await expect(push).toBeEnabled();
  await push.click();

  const card = page.locator('[data-testid="job-card"]').first();
  await expect(card).toHaveAttribute('data-state', 'updated', { timeout: 45_000 });
  const job = bench.engine.listJobs().find((candidate) => candidate.deviceName === 'esp-ble-ota-demo');
  expect(job).toMatchObject({ protocol: 'esp-ble-ota', state: 'updated' });
  expect(job?.result?.message).toMatch(/cannot confirm the version/);
  await expect(card).toContainText('cannot confirm the version');
});

test('an MCUboot image for esp-ble-ota-demo is refused before anything is sent', async ({ page, bench }) => {
  const image = bench.file(
    'zephyr.signed.bin',
    buildMcubootImage({ version: { major: 1, minor: 1, revision: 0 }, payloadSize: 4_000, seed: 5 }),
  );
  await bench.open();
  const device = await espOtaDevice(bench);
  await bench.row(device).click();
  await dropFile(page, image);
  await expect(page.locator('[data-testid="plan-check"][data-check-id="format"]')).toHaveAttribute(
    'data-status',
    'fail',
    { timeout: 15_000 },
  );
  await expect(page.getByTestId('push-button')).toBeDisabled();
  expect(bench.engine.listJobs()).toHaveLength(0);
});
