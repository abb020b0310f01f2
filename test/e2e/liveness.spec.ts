// The list says who is there: a board that says goodbye turns grey within seconds, its "last seen"
// counts every second, and a BLE device that keeps advertising never reads "1 min ago" next to its
// green dot (the engine announces its last-seen time every few seconds).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './support/bench-fixture.ts';

/** One SMP device that stops advertising for good after its next reset (smp-peripheral.ts quirk). */
const VANISHING = join(mkdtempSync(join(tmpdir(), 'ota-bench-e2e-ble-')), 'vanishing.json');
writeFileSync(
  VANISHING,
  JSON.stringify({
    timeScale: 0.05,
    link: { phy: 2, llPayload: 251, connIntervalMs: 15 },
    devices: [
      {
        kind: 'smp',
        id: 'c0de000000a1',
        name: 'smp-vanishing',
        rssi: -60,
        version: '1.0.0',
        swapMs: 400,
        bootMs: 100,
        neverReturnAfterReset: true,
      },
    ],
  }),
);

/** The distinct texts a locator shows while sampled every 200 ms for `ms`. */
async function textsOver(locator: import('@playwright/test').Locator, ms: number): Promise<string[]> {
  const texts: string[] = [];
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const text = (await locator.innerText()).trim();
    if (texts.at(-1) !== text) texts.push(text);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return texts;
}

test('a board that says goodbye turns grey within 5 s, and its "last seen" ticks every second', async ({
  page,
  bench,
}) => {
  const board = await bench.mongoose({ announceIntervalMs: 200 });
  await bench.open();
  const device = await bench.deviceOf(board);
  const row = bench.row(device);
  await expect(row).toHaveAttribute('data-online', 'true');
  await board.stop();
  await expect(row).toHaveAttribute('data-online', 'false', { timeout: 5000 });
  const seen = row.getByTestId('device-seen');
  await expect(seen).toHaveText(/offline · last seen \d+ s ago/, { timeout: 10_000 });
  // 4 s of a clock that ticks every second show at least 3 different values.
  const texts = await textsOver(seen, 4000);
  expect(texts.length, texts.join(' | ')).toBeGreaterThanOrEqual(3);
  await expect(page.locator('.status-dot--online')).toHaveCount(0);
});

test.describe('BLE', () => {
  test.use({ bleScenario: 'e2e' });

  test('a device that keeps advertising shows a current "last seen", not one that grows next to a green dot', async ({
    page,
    bench,
  }) => {
    await bench.open();
    const row = page.locator('[data-testid="device-row"][data-transport="ble"]', { hasText: 'smp-sensor' });
    await expect(row).toHaveAttribute('data-online', 'true', { timeout: 15_000 });
    // Long enough that an un-refreshed last-seen time would read "10 s ago" and more.
    await page.waitForTimeout(8000);
    const texts = await textsOver(row.getByTestId('device-seen'), 5000);
    for (const text of texts) expect(text).toMatch(/^(just now|[5-9] s ago)$/);
    await expect(row).toHaveAttribute('data-online', 'true');
  });
});

test.describe('BLE device that stops advertising', () => {
  test.use({ bleScenario: VANISHING });

  test('turns grey 15 s after its last advertisement, and its "last seen" counts on', async ({ page, bench }) => {
    await bench.open();
    const row = page.locator('[data-testid="device-row"][data-transport="ble"]', { hasText: 'smp-vanishing' });
    await expect(row).toHaveAttribute('data-online', 'true', { timeout: 15_000 });
    const deviceId = (await row.getAttribute('data-device-id'))!;
    test.setTimeout(90_000);
    // The reset then waits up to 20 s for the device to come back; it does not.
    const reset = bench.engine.imageSlotAction({ deviceId, action: 'reset' }).then(
      () => 'came back',
      (error: Error) => error.message,
    );
    await expect(row).toHaveAttribute('data-online', 'false', { timeout: 30_000 });
    await expect(row.locator('.status-dot--online')).toHaveCount(0);
    const seen = row.getByTestId('device-seen');
    await expect(seen).toHaveText(/^offline · last seen 1[5-7] s ago$/);
    const texts = await textsOver(seen, 3000);
    expect(texts.length, texts.join(' | ')).toBeGreaterThanOrEqual(2);
    expect(await reset).toMatch(/did not come back/);
  });
});
