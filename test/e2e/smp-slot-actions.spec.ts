// MCUboot slots as first-class in the UI (as nRF Connect Device Manager has them), against the real
// engine and the simulated radio (preset 'e2e'): after a test-only push, Confirm on the running image
// asks first (Cancel changes nothing), Test marks slot 1, Erase of a pending slot asks and is refused
// by the device with its reason, Reset boots what the flags say, and the table is read again after
// each; no slot action while a push holds the device.
import type { Page } from '@playwright/test';
import type { Device } from '../../shared/domain.ts';
import { buildMcubootImage } from '../sim/mcuboot-image.ts';
import { dropFile, expect, test, type Bench } from './support/bench-fixture.ts';

test.use({ bleScenario: 'e2e' });

async function selectSensor(page: Page, bench: Bench): Promise<Device> {
  let found: Device | undefined;
  await expect
    .poll(
      () =>
        (found = bench.engine.listDevices().find((d) => d.transport === 'ble' && d.name === 'smp-sensor' && d.online)),
      { timeout: 15_000 },
    )
    .toBeTruthy();
  await bench.row(found!).click();
  await expect(page.getByTestId('push-target-device')).toContainText('smp-sensor');
  return found!;
}

const slotRow = (page: Page, slot: number) => page.locator(`[data-testid="smp-slot"][data-slot="${slot}"]`);
const actionCalls = (bench: Bench) => bench.bridge.calls.filter((call) => call.command === 'imageSlotAction');
/** The slot table is asked again (deviceStatus or planPush) after the n-th slot action. */
const rereadAfter = (bench: Bench, n: number) => {
  const calls = bench.bridge.calls;
  const at = calls
    .map((call, index) => (call.command === 'imageSlotAction' ? index : -1))
    .filter((index) => index >= 0)[n - 1]!;
  return calls.slice(at + 1).some((call) => call.command === 'deviceStatus' || call.command === 'planPush');
};

test('slot actions: confirm asks first, test, erase refused while pending, reset; the table is read again after each', async ({
  page,
  bench,
}) => {
  const image = bench.file(
    'zephyr.signed.bin',
    buildMcubootImage({ version: '1.1.0', headerSize: 0x200, payloadSize: 24_000, seed: 91 }),
  );
  await bench.open();
  await selectSensor(page, bench);
  await expect(slotRow(page, 0)).toHaveAttribute('data-version', '1.0.0', { timeout: 15_000 });
  // A confirmed running image and no slot 1: nothing to confirm, test or erase; Reset is there.
  await expect(slotRow(page, 0).getByRole('button')).toHaveCount(1); // the hash copy button only
  await expect(page.getByTestId('smp-reset')).toBeEnabled();

  // Test-only push: 1.1.0 runs unconfirmed. While the push holds the device, no slot action.
  await dropFile(page, image);
  await page.getByTestId('smp-mode-test-only').check();
  await expect(page.getByTestId('push-button')).toBeEnabled({ timeout: 15_000 });
  await page.getByTestId('push-button').click();
  await expect(page.getByTestId('smp-reset')).toBeDisabled();
  const card = page.locator('[data-testid="job-card"]').first();
  await expect(card).toHaveAttribute('data-state', 'updated', { timeout: 45_000 });
  await expect(slotRow(page, 0)).toHaveAttribute('data-version', '1.1.0', { timeout: 15_000 });
  await expect(slotRow(page, 0)).not.toHaveAttribute('data-flags', /\bconfirmed\b/);

  // Confirm is irreversible: it asks; Cancel sends nothing.
  await slotRow(page, 0).getByTestId('smp-slot-confirm').click();
  await expect(page.getByTestId('smp-action-ask')).toContainText('Confirm 1.1.0? MCUboot then keeps it at every reset');
  await bench.shot('smp-slot-confirm-ask');
  await page.getByTestId('smp-action-no').click();
  await expect(page.getByTestId('smp-action-ask')).toHaveCount(0);
  expect(actionCalls(bench)).toHaveLength(0);

  await slotRow(page, 0).getByTestId('smp-slot-confirm').click();
  await page.getByTestId('smp-action-yes').click();
  const result = page.getByTestId('smp-action-result');
  await expect(result).toContainText(
    'Confirmed 1.1.0, the image smp-sensor runs (slot 0): it stays after resets. The next reset boots 1.1.0 again.',
    { timeout: 15_000 },
  );
  await expect(result).toHaveAttribute('data-done', 'true');
  await expect(slotRow(page, 0)).toHaveAttribute('data-flags', /\bactive\b.*\bconfirmed\b/, { timeout: 15_000 });
  expect(actionCalls(bench)).toEqual([{ command: 'imageSlotAction', status: 200 }]);
  await expect.poll(() => rereadAfter(bench, 1)).toBe(true);

  // Test slot 1 (1.0.0): no question (one test boot, MCUboot goes back by itself).
  await slotRow(page, 1).getByTestId('smp-slot-test').click();
  await expect(result).toContainText(
    'Marked 1.0.0 in slot 1 for a test boot. The next reset boots 1.0.0 once as a test',
    { timeout: 15_000 },
  );
  await expect(slotRow(page, 1)).toHaveAttribute('data-flags', /\bpending\b/, { timeout: 15_000 });
  await expect(slotRow(page, 1).getByTestId('smp-slot-test')).toHaveCount(0);
  await expect.poll(() => rereadAfter(bench, 2)).toBe(true);

  // Erase asks; the device refuses a pending slot (Zephyr's NO_FREE_SLOT) and the panel says so.
  await slotRow(page, 1).getByTestId('smp-slot-erase').click();
  await expect(page.getByTestId('smp-action-ask')).toContainText('Erase slot 1 (1.0.0)?');
  await page.getByTestId('smp-action-yes').click();
  await expect(result).toHaveAttribute('data-done', 'false', { timeout: 15_000 });
  await expect(result).toContainText(
    'smp-sensor refuses to erase slot 1: 1.0.0 there is marked for the next reset (IMG_MGMT_ERR_NO_FREE_SLOT)',
  );
  await expect(slotRow(page, 1)).toHaveAttribute('data-version', '1.0.0');
  await bench.shot('smp-slot-erase-refused');

  // Reset: MCUboot boots 1.0.0 as a test; the table after it says so.
  await page.getByTestId('smp-reset').click();
  await expect(result).toContainText(
    'Reset smp-sensor: it came back running 1.0.0 as an unconfirmed test (was 1.1.0).',
    { timeout: 20_000 },
  );
  await expect(slotRow(page, 0)).toHaveAttribute('data-version', '1.0.0', { timeout: 15_000 });
  await expect(slotRow(page, 0)).not.toHaveAttribute('data-flags', /\bconfirmed\b/);
  expect(actionCalls(bench).every((call) => call.status === 200)).toBe(true);
  await expect.poll(() => rereadAfter(bench, 4)).toBe(true);
  await bench.shot('smp-slot-after-reset');
});
