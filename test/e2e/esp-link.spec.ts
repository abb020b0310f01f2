// ESP8266 user1/user2 pushes over esp-link, through the UI, against the real engine and the simulated
// esp-link board: the slot panel says which slot the board runs and writes next and which file of a
// pair goes there; the pre-flight checks refuse what the board could not run (or, for evidence that
// is strong but not certain, ask for an explicit override); a push flips the board's slot, and a
// board that boots back into its old slot ends as "rolled back" with the likely cause.
import type { Page } from '@playwright/test';
import type { Device } from '../../shared/domain.ts';
import type { EspLinkBoard } from '../sim/boards/esp-link-board.ts';
import { makeEspAppImage } from '../sim/firmware-fixtures.ts';
import { dropFile, expect, test, type Bench } from './support/bench-fixture.ts';

/** The engine's device for an esp-link board once its probe has told the protocol. */
async function espLinkDevice(bench: Bench, board: EspLinkBoard): Promise<Device> {
  let found: Device | undefined;
  await expect
    .poll(
      () =>
        (found = bench.engine
          .listDevices()
          .find((device) => device.address === board.address && device.online && device.protocol === 'esp-link')),
      { message: `engine never identified the esp-link board at ${board.address}`, timeout: 15_000 },
    )
    .toBeTruthy();
  return found!;
}

async function selectBoard(page: Page, bench: Bench, board: EspLinkBoard): Promise<Device> {
  const device = await espLinkDevice(bench, board);
  await bench.row(device).click();
  await expect(page.getByTestId('push-target-device')).toContainText(board.address);
  return device;
}

/** Two files of one build: user1.bin linked for slot 1, user2.bin for slot 2. */
function buildPair(bench: Bench, version: string, folder?: string) {
  return {
    user1: bench.espV2Image('user1.bin', { slot: 1, version }, folder),
    user2: bench.espV2Image('user2.bin', { slot: 2, version }, folder),
  };
}

test('a dropped user1/user2 pair: the board asks for user2.bin, it goes, and the board runs slot 2', async ({
  page,
  bench,
}) => {
  // Paced like Wi-Fi so the upload is a phase one can see.
  const board = await bench.espLink({ runningSlot: 1, bytesPerSecond: 150_000 });
  const { user1, user2 } = buildPair(bench, '3.1.0');
  await bench.open();
  const device = await selectBoard(page, bench, board);

  // With only the board chosen, the slot panel already shows its slots.
  await expect(page.getByTestId('slot-running')).toHaveAttribute('data-slot', '1');
  await expect(page.getByTestId('slot-next')).toHaveAttribute('data-slot', '2');
  await expect(page.getByTestId('slot-flash-map')).toHaveText('4MB:512/512');

  // Both files dropped at once are one pair: each with its own slot evidence.
  await dropFile(page, user2, user1);
  await expect(page.getByTestId('image-summary')).toHaveAttribute('data-format', 'esp8266-ota-pair');
  await expect(page.getByTestId('image-file-name')).toHaveText('user1.bin + user2.bin');
  const members = page.getByTestId('pair-member');
  await expect(members).toHaveCount(2);
  await expect(members.nth(0)).toHaveAttribute('data-linked-slot', '1');
  await expect(members.nth(0).getByTestId('pair-member-name')).toHaveText('user1.bin');
  await expect(members.nth(1)).toHaveAttribute('data-linked-slot', '2');
  await expect(members.nth(1).getByTestId('pair-member-name')).toHaveText('user2.bin');
  await expect(members.nth(1).getByTestId('slot-evidence-name')).toHaveText('slot 2');
  await expect(members.nth(1).getByTestId('slot-evidence-byte3')).toHaveText('0x02 (app 2?)');
  // irom references: a few random words land in slot 1's window, most point into slot 2's.
  const irom = (await members.nth(1).getByTestId('slot-evidence-irom').textContent())!;
  const [toSlot1, toSlot2] = irom.split('·').map((count) => Number(count.replace(/[^\d]/g, '')));
  expect(toSlot2, irom).toBeGreaterThan(10 * toSlot1);
  await expect(members.nth(1).getByTestId('slot-evidence-summary')).toContainText('slot 2');
  await expect(page.getByTestId('slot-evidence-contradiction')).toHaveCount(0);
  expect(bench.bridge.calls.filter((call) => call.command === 'inspectDroppedFiles')).toHaveLength(1);

  // The slot panel: running user1, next user2, sending user2.bin, every check passes.
  await expect(page.getByTestId('plan-send')).toHaveAttribute('data-file-name', 'user2.bin');
  await expect(page.getByTestId('plan-reason')).toContainText('runs user1.bin');
  await expect(page.getByTestId('slot-room')).toContainText('per slot');
  const checks = page.getByTestId('plan-check');
  await expect(checks.first()).toBeVisible();
  expect(await checks.count()).toBeGreaterThanOrEqual(4);
  for (const check of await checks.all()) await expect(check).toHaveAttribute('data-status', 'pass');
  await expect(page.getByTestId('plan-verdict')).toHaveCount(0);
  const push = page.getByTestId('push-button');
  await expect(push).toBeEnabled();
  await expect(push).toHaveText(`Push user2.bin to ${device.name}`);
  await bench.shot('esp-link-pair-plan');

  await push.click();
  const card = page.locator(`[data-testid="job-card"]`).first();
  // The card names the file that actually goes, not the pair.
  await expect(card.locator('.job-card__file')).toContainText('user2.bin');
  await expect(card.getByTestId('job-progress')).toBeVisible();
  await expect(card).toHaveAttribute('data-state', /transferring|rebooting|verifying/);
  await expect(card.getByTestId('job-bytes')).toContainText(/KiB/);
  await bench.shot('esp-link-pair-uploading');
  await expect(card).toHaveAttribute('data-state', 'updated', { timeout: 30_000 });
  await expect(card.getByTestId('job-result-message')).toContainText('user2.bin');
  await expect(card.getByTestId('job-outcome')).toHaveClass(/outcome--success/);

  // On the board, not only on screen: it wrote slot 2 and runs it.
  expect(board.runningSlot).toBe(2);
  expect(board.uploads.at(-1)).toMatchObject({ slot: 2, sha256: user2.sha256 });
  // The panel asks again once the push is over: now user1.bin would go.
  await expect(page.getByTestId('slot-running')).toHaveAttribute('data-slot', '2', { timeout: 15_000 });
  await expect(page.getByTestId('plan-send')).toHaveAttribute('data-file-name', 'user1.bin');
  await bench.shot('esp-link-pair-updated');
});

test('a build folder for a board running slot 2 sends user1.bin', async ({ page, bench }) => {
  const board = await bench.espLink({ runningSlot: 2 });
  const { user1 } = buildPair(bench, '3.2.0', 'build');
  await bench.open();
  await selectBoard(page, bench, board);
  bench.chooseFolderNext('build');
  await page.getByTestId('choose-folder-button').click();
  await expect(page.getByTestId('pair-member')).toHaveCount(2);
  await expect(page.getByTestId('slot-running')).toHaveAttribute('data-slot', '2');
  await expect(page.getByTestId('plan-send')).toHaveAttribute('data-file-name', 'user1.bin');
  await page.getByTestId('push-button').click();
  const card = page.locator(`[data-testid="job-card"]`).first();
  await expect(card).toHaveAttribute('data-state', 'updated', { timeout: 30_000 });
  expect(board.runningSlot).toBe(1);
  expect(board.uploads.at(-1)).toMatchObject({ slot: 1, sha256: user1.sha256 });
});

test('a file linked for the other slot needs an explicit override; pushed anyway, the board rolls back', async ({
  page,
  bench,
}) => {
  const board = await bench.espLink({ runningSlot: 1 });
  // Named user2.bin, but linked for slot 1: the name and the code disagree.
  const wrong = bench.espV2Image('user2.bin', { slot: 1, version: '9.9.9', headerByte3: 2 });
  await bench.open();
  await selectBoard(page, bench, board);
  bench.chooseNext(wrong);
  await page.getByTestId('choose-file-button').click();

  await expect(page.getByTestId('slot-linked')).toHaveAttribute('data-slot', '1');
  await expect(page.getByTestId('slot-evidence-contradiction')).toContainText('user2');
  const slotCheck = page.locator('[data-testid="plan-check"][data-check-id="slot"]');
  await expect(slotCheck).toHaveAttribute('data-status', 'fail');
  await expect(slotCheck).toContainText('can be overridden');
  await expect(page.getByTestId('plan-verdict')).toHaveAttribute('data-verdict', 'needs-override');
  // The failed check's words are said once, in the verdict above the button.
  await expect(slotCheck).toContainText('Explained above the Push button.');
  await expect(page.getByTestId('plan-message')).toContainText('linked for slot 1');

  // Push stays disabled until the user ticks the box that says what it means.
  const push = page.getByTestId('push-button');
  await expect(push).toBeDisabled();
  await expect(page.getByTestId('push-blocker')).toContainText('Push anyway');
  const override = page.getByTestId('override-checkbox');
  await expect(page.locator('label.override')).toContainText('a wrong-slot image will not boot');
  await bench.shot('esp-link-needs-override');
  await override.check();
  await expect(push).toBeEnabled();
  await expect(push).toHaveAttribute('data-override', 'true');
  await override.uncheck();
  await expect(push).toBeDisabled();
  await override.check();
  await push.click();

  const card = page.locator(`[data-testid="job-card"]`).first();
  await expect(card).toHaveAttribute('data-state', 'rolled-back', { timeout: 30_000 });
  const message = card.getByTestId('job-result-message');
  await expect(message).toContainText('slot 1');
  await expect(message).toContainText('previous firmware');
  await expect(card.getByTestId('job-outcome')).toHaveClass(/outcome--warning/);
  await card.scrollIntoViewIfNeeded();
  await bench.shot('esp-link-override-rolled-back');
  // The override was for that one push: the next one needs the tick again.
  await expect(override).not.toBeChecked();
  await expect(push).toBeDisabled();
  // The board took the upload, could not boot it, and is back on slot 1.
  expect(board.uploads).toHaveLength(1);
  expect(board.runningSlot).toBe(1);
});

test('a plain 0xE9 Arduino image is refused with a sentence, and nothing is sent', async ({ page, bench }) => {
  const board = await bench.espLink();
  const sketch = makeEspAppImage({
    chip: 'esp8266',
    size: 300_000,
    version: '1.0.0',
    fileName: 'sketch.ino.bin',
    dir: bench.dropDir,
  });
  await bench.open();
  await selectBoard(page, bench, board);
  await dropFile(page, sketch);
  await expect(page.getByTestId('image-file-name')).toHaveText('sketch.ino.bin');

  await expect(page.getByTestId('plan-verdict')).toHaveAttribute('data-verdict', 'refused');
  const message = page.getByTestId('plan-message');
  await expect(message).toContainText('0xE9');
  await expect(message).toContainText('esp-link only takes');
  await expect(page.getByTestId('override-checkbox')).toHaveCount(0);
  await expect(page.getByTestId('push-button')).toBeDisabled();
  await expect(page.getByTestId('push-blocker')).toHaveText('Refused by the pre-flight checks above.');
  await bench.shot('esp-link-refused-arduino');
  expect(board.uploads).toHaveLength(0);
});

test('a board that boots back into its old slot: the job card says rolled back, and why', async ({ page, bench }) => {
  const board = await bench.espLink({ runningSlot: 1, alwaysReverts: true });
  buildPair(bench, '4.0.0', 'build');
  await bench.open();
  await selectBoard(page, bench, board);
  await dropFile(page, 'build');
  await expect(page.getByTestId('pair-member')).toHaveCount(2);
  await expect(page.getByTestId('plan-send')).toHaveAttribute('data-file-name', 'user2.bin');
  await page.getByTestId('push-button').click();

  const card = page.locator(`[data-testid="job-card"]`).first();
  await expect(card).toHaveAttribute('data-state', 'rolled-back', { timeout: 30_000 });
  await expect(card.getByTestId('job-phase')).toHaveText('Rolled back');
  const message = card.getByTestId('job-result-message');
  await expect(message).toContainText('Likely causes');
  await card.scrollIntoViewIfNeeded();
  await bench.shot('esp-link-rolled-back');
  expect(board.runningSlot).toBe(1);
});
