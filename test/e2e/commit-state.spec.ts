// Issue 9 §4 with the real engine: a Mongoose OS board that runs an update nobody committed (pushed
// by someone else, before OTA Bench started) shows "uncommitted" with a ticking countdown in its row;
// a push to it is refused before sending with the version and the board's time left, and the plan
// panel offers Commit right there; after it the same push is ready.
import { expect, test } from './support/bench-fixture.ts';

test('uncommitted firmware: the row counts down, the plan refuses and offers Commit, then the push is ready', async ({
  page,
  bench,
}) => {
  const board = await bench.mongoose({
    fwVersion: '1.0.0',
    pendingCommit: { version: '1.1.0', commitTimeoutSeconds: 300 },
  });
  const firmware = bench.mongooseFirmware('1.2.0');
  await bench.open();

  const device = await bench.deviceOf(board);
  const row = bench.row(device);
  const tag = row.getByTestId('device-uncommitted');
  await expect(tag).toHaveText(/^uncommitted · reverts in 4:[45]\d$/, { timeout: 10_000 });
  const first = await tag.textContent();
  await expect(tag).not.toHaveText(first!, { timeout: 3_000 });

  await row.click();
  bench.chooseNext(firmware);
  await page.getByTestId('choose-file-button').click();
  await expect(page.getByTestId('plan-verdict')).toHaveAttribute('data-verdict', 'refused');
  await expect(page.getByTestId('plan-message')).toHaveText(
    /runs 1\.1\.0 uncommitted \(reverts in 4:[45]\d\): commit or revert it first/i,
  );
  await expect(page.getByTestId('push-button')).toBeDisabled();
  await expect(page.getByTestId('plan-revert-button')).toBeVisible();
  await bench.shot('plan-uncommitted');
  expect(board.uploads).toHaveLength(0);

  await page.getByTestId('plan-commit-button').click();
  await expect(page.getByTestId('plan-verdict')).toHaveCount(0, { timeout: 10_000 });
  expect(board.bootState.is_committed).toBe(true);
  await expect(tag).toHaveCount(0);
  await expect(page.getByTestId('push-button')).toBeEnabled();
});
