// Bluetooth LE devices and MCUmgr/SMP pushes through the UI, against the real engine and the simulated
// radio (test/sim/ble/sim-radio.ts, preset 'e2e': smp-sensor, smp-crashy that crashes on 9.9.9,
// mos-ble-lamp, esp-ble-ota-demo). BLE devices share the board list with LAN boards; an SMP device's
// image slots show before a file is chosen; a signed image goes test → reset → confirm and the slots
// say so afterwards; an image that crashes on boot ends rolled back with the reason; a bare zephyr.bin
// is refused before a byte is sent; a link that drops mid-upload resumes from the device's offset.
import type { Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Device } from '../../shared/domain.ts';
import { buildMcubootImage, seededBytes } from '../sim/mcuboot-image.ts';
import { buildMongooseFwZip } from '../sim/fw-zip.ts';
import { dropFile, expect, test, type Bench } from './support/bench-fixture.ts';

test.use({ bleScenario: 'e2e' });

/** The engine's device for a simulated BLE peripheral, once the scan has seen it. */
async function bleDevice(bench: Bench, name: string): Promise<Device> {
  let found: Device | undefined;
  await expect
    .poll(
      () =>
        (found = bench.engine
          .listDevices()
          .find((device) => device.transport === 'ble' && device.name === name && device.online)),
      {
        message: `the BLE scan never found ${name}`,
        timeout: 15_000,
      },
    )
    .toBeTruthy();
  return found!;
}

async function selectBle(page: Page, bench: Bench, name: string): Promise<Device> {
  const device = await bleDevice(bench, name);
  await bench.row(device).click();
  await expect(page.getByTestId('push-target-device')).toContainText(name);
  return device;
}

/** A signed MCUboot image as imgtool writes it (header 0x200, SHA-256 TLV, a signature TLV). */
function signedImage(bench: Bench, version: string, name = 'zephyr.signed.bin') {
  const image = buildMcubootImage({
    version,
    headerSize: 0x200,
    payloadSize: 48_000,
    signatureTlv: { type: 0x22, value: seededBytes(71, 7) },
    seed: version.split('.').reduce((sum, part) => sum * 31 + Number(part), 7),
  });
  return bench.file(name, image);
}

/** zephyr.bin before signing: a Cortex-M vector table (stack pointer in SRAM, Thumb handlers) and code. */
function bareZephyrBin(bench: Bench) {
  const head = Buffer.alloc(64);
  head.writeUInt32LE(0x20008000, 0);
  for (let vector = 1; vector < 16; vector++) head.writeUInt32LE(0x00000d41 + vector * 8, vector * 4);
  return bench.file('zephyr.bin', Buffer.concat([head, seededBytes(40_000, 3)]));
}

const slotRow = (page: Page, slot: number) => page.locator(`[data-testid="smp-slot"][data-slot="${slot}"]`);

test('BLE devices share the list with LAN boards, with address and RSSI; the Mongoose OS BLE lamp is pushable', async ({
  page,
  bench,
}) => {
  const lan = await bench.mongoose();
  await bench.open();
  const lanDevice = await bench.deviceOf(lan);
  const sensor = await bleDevice(bench, 'smp-sensor');
  const lamp = await bleDevice(bench, 'mos-ble-lamp');
  const espOta = await bleDevice(bench, 'esp-ble-ota-demo');

  // mDNS and BLE side by side.
  await expect(page.getByTestId('discovery-status')).toHaveAttribute('data-state', 'running');
  await expect(page.getByTestId('ble-status')).toHaveAttribute('data-state', 'scanning');

  // One list: the LAN board has no BLE badge, the BLE devices do, with address, dBm and bars.
  await expect(bench.row(lanDevice)).toHaveAttribute('data-transport', 'lan');
  await expect(bench.row(lanDevice).getByTestId('transport-badge')).toHaveCount(0);
  for (const device of [sensor, lamp, espOta]) {
    const row = bench.row(device);
    await expect(row).toHaveAttribute('data-transport', 'ble');
    await expect(row.getByTestId('transport-badge')).toHaveText('BLE');
    expect(device.address, `${device.name} has a Bluetooth address`).toMatch(/^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$/);
    await expect(row.getByTestId('device-address')).toHaveText(device.address!);
    await expect(row.getByTestId('device-rssi')).toContainText(/[−-]\d+ dBm/);
    await expect(row.getByTestId('device-seen')).toHaveText(/just now|\d+ s ago/);
  }
  await expect(bench.row(sensor).getByTestId('device-protocol')).toHaveText('MCUmgr/SMP over BLE');
  await expect(bench.row(lamp).getByTestId('device-protocol')).toHaveText('Mongoose OS RPC over BLE');
  await expect(bench.row(espOta).getByTestId('device-protocol')).toHaveText('Espressif BLE OTA');
  await expect(bench.row(lamp)).not.toContainText('push arrives later');
  await bench.shot('ble-device-list');

  // The lamp takes a fw.zip over its RPC service, with a commit window like a LAN Mongoose OS board.
  await bench.row(lamp).click();
  await expect(page.getByTestId('push-later-note')).toHaveCount(0);
  await expect(page.getByTestId('commit-policy-prompt')).toBeChecked();
  await expect(page.getByTestId('smp-slot-panel')).toHaveCount(0);
  await expect(page.getByTestId('credentials-user')).toHaveCount(0);
});

test('a fw.zip to mos-ble-lamp over RPC-over-GATT: uploaded, rebooted, awaiting commit, committed', async ({
  page,
  bench,
}) => {
  const zip = bench.file(
    'fw.zip',
    buildMongooseFwZip({ platform: 'esp32', version: '1.1.0', buildId: 'e2e', size: 12_000 }),
  );
  await bench.open();
  await selectBle(page, bench, 'mos-ble-lamp');
  await dropFile(page, zip);
  await expect(page.getByTestId('image-summary')).toHaveAttribute('data-format', 'mongoose-fw-zip');
  // The plan (fw.zip, platform esp32, committed and idle) passes, so the card shows only the fit line.
  await expect(page.getByTestId('push-target')).toContainText('suits Mongoose OS RPC over BLE');
  await expect(page.locator('[data-testid="plan-check"][data-status="fail"]')).toHaveCount(0);
  await expect(page.getByTestId('commit-policy-prompt')).toBeChecked();
  const push = page.getByTestId('push-button');
  await expect(push).toBeEnabled();
  await push.click();

  const card = page.locator('[data-testid="job-card"]').first();
  await expect(card).toHaveAttribute('data-state', 'awaiting-commit', { timeout: 45_000 });
  await card.getByTestId('commit-button').click();
  await expect(card).toHaveAttribute('data-state', 'committed', { timeout: 15_000 });
  const job = bench.engine.listJobs().find((candidate) => candidate.deviceName === 'mos-ble-lamp');
  expect(job).toMatchObject({ protocol: 'mongoose-os-ble', fromVersion: '1.0.0', toVersion: '1.1.0' });
});

test('a signed image to smp-sensor in test-and-confirm: uploaded, tested, confirmed; the slots say so', async ({
  page,
  bench,
}) => {
  const image = signedImage(bench, '1.1.0');
  await bench.open();
  await selectBle(page, bench, 'smp-sensor');

  // The device's slots before any file: 1.0.0 runs, confirmed.
  await expect(slotRow(page, 0)).toHaveAttribute('data-version', '1.0.0', { timeout: 15_000 });
  await expect(slotRow(page, 0)).toHaveAttribute('data-flags', /\bactive\b.*\bconfirmed\b/);
  await expect(slotRow(page, 0).getByTestId('smp-slot-hash')).toHaveAttribute('data-hash', /^[0-9a-f]{64}$/);
  // LAN-only options are gone; the mode picker is there with the recommended default.
  await expect(page.getByTestId('commit-timeout-input')).toHaveCount(0);
  await expect(page.getByTestId('credentials-user')).toHaveCount(0);
  await expect(page.getByTestId('smp-mode-test-and-confirm')).toBeChecked();

  await dropFile(page, image);
  await expect(page.getByTestId('image-summary')).toHaveAttribute('data-format', 'mcuboot');
  const checks = page.getByTestId('plan-check');
  await expect(checks.first()).toBeVisible({ timeout: 15_000 });
  for (const check of await checks.all()) await expect(check).not.toHaveAttribute('data-status', 'fail');
  await expect(page.locator('[data-testid="plan-check"][data-check-id="format"]')).toHaveAttribute(
    'data-status',
    'pass',
  );
  await expect(page.locator('[data-testid="plan-check"][data-check-id="hash"]')).toHaveAttribute('data-status', 'pass');
  await expect(page.getByTestId('plan-verdict')).toHaveCount(0);
  const push = page.getByTestId('push-button');
  await expect(push).toBeEnabled();
  await bench.shot('ble-smp-plan');
  await push.click();

  const card = page.locator('[data-testid="job-card"]').first();
  await expect(card.getByTestId('job-mode')).toHaveText('Test, then confirm');
  await expect(card.getByTestId('job-link')).toHaveText(/^MTU (\d+|unknown) · packet \d+ B · window \d+$/, {
    timeout: 15_000,
  });
  await expect(card).toHaveAttribute('data-state', 'committed', { timeout: 45_000 });
  await expect(card.getByTestId('job-phase')).toHaveText('Confirmed');
  await expect(card.getByTestId('job-outcome')).toHaveClass(/outcome--success/);
  await expect(card.getByTestId('job-resume')).toHaveCount(0);
  expect(bench.bridge.calls.filter((call) => call.command === 'push')).toEqual([{ command: 'push', status: 200 }]);
  const job = bench.engine.listJobs().find((candidate) => candidate.deviceName === 'smp-sensor');
  expect(job?.mode).toBe('test-and-confirm');
  expect(job?.link?.attMtu).toBe(247);

  // Asked again once the job is over: 1.1.0 runs from slot 0, confirmed; 1.0.0 waits in slot 1.
  await expect(slotRow(page, 0)).toHaveAttribute('data-version', '1.1.0', { timeout: 15_000 });
  await expect(slotRow(page, 0)).toHaveAttribute('data-flags', /\bactive\b.*\bconfirmed\b/);
  await expect(slotRow(page, 1)).toHaveAttribute('data-version', '1.0.0');
  await expect(slotRow(page, 1)).not.toHaveAttribute('data-flags', /\bpending\b/);
  await expect(page.locator('[data-testid="plan-check"][data-check-id="running"]')).toContainText('nothing to push');
  await bench.shot('ble-smp-confirmed');
});

test('9.9.9 crashes on smp-crashy: the job ends rolled back, with the reason', async ({ page, bench }) => {
  const image = signedImage(bench, '9.9.9');
  await bench.open();
  await selectBle(page, bench, 'smp-crashy');
  await expect(slotRow(page, 0)).toHaveAttribute('data-version', '1.0.0', { timeout: 15_000 });
  await dropFile(page, image);
  const push = page.getByTestId('push-button');
  await expect(push).toBeEnabled({ timeout: 15_000 });
  await push.click();

  const card = page.locator('[data-testid="job-card"]').first();
  await expect(card).toHaveAttribute('data-state', 'rolled-back', { timeout: 45_000 });
  await expect(card.getByTestId('job-phase')).toHaveText('Rolled back');
  await expect(card.getByTestId('job-outcome')).toHaveClass(/outcome--warning/);
  const message = (await card.getByTestId('job-result-message').textContent()) ?? '';
  expect(message).toContain('9.9.9');
  expect(message).toContain('1.0.0');
  await expect(card.getByTestId('job-link')).toBeVisible();
  await card.scrollIntoViewIfNeeded();
  await bench.shot('ble-smp-rolled-back');

  // The device is back on 1.0.0, as its slots say once the job is over.
  await expect(slotRow(page, 0)).toHaveAttribute('data-version', '1.0.0', { timeout: 15_000 });
  await expect(slotRow(page, 0)).toHaveAttribute('data-flags', /\bactive\b.*\bconfirmed\b/);
});

test('a bare zephyr.bin (no MCUboot header) is refused with a sentence before anything is sent', async ({
  page,
  bench,
}) => {
  const bare = bareZephyrBin(bench);
  await bench.open();
  await selectBle(page, bench, 'smp-sensor');
  await expect(slotRow(page, 0)).toHaveAttribute('data-version', '1.0.0', { timeout: 15_000 });
  await dropFile(page, bare);
  await expect(page.getByTestId('image-file-name')).toHaveText('zephyr.bin');
  const problem = page.getByTestId('image-problem');
  await expect(problem).toContainText('without the MCUboot header');
  await expect(problem).toContainText('zephyr.signed.bin');
  await expect(page.getByTestId('push-button')).toBeDisabled();
  await expect(page.getByTestId('push-blocker')).toHaveText(
    'This file cannot be pushed: see the problem under Firmware.',
  );
  // The device's side stays on screen: its slots, untouched.
  await expect(slotRow(page, 0)).toHaveAttribute('data-version', '1.0.0');
  await expect(page.getByTestId('plan-check')).toHaveCount(0);
  await bench.shot('ble-zephyr-bin-refused');
  expect(bench.bridge.calls.filter((call) => call.command === 'push')).toHaveLength(0);
  expect(bench.engine.listJobs()).toHaveLength(0);
});

// A device whose link drops once, 30 000 bytes into the upload (its own scenario file).
const flakyScenario = join(mkdtempSync(join(tmpdir(), 'ota-bench-ble-e2e-')), 'flaky.json');
writeFileSync(
  flakyScenario,
  JSON.stringify({
    timeScale: 0.05,
    link: { phy: 2, llPayload: 251, connIntervalMs: 15 },
    devices: [
      {
        kind: 'smp',
        id: 'c0de000000a1',
        name: 'smp-flaky',
        rssi: -83,
        version: '1.0.0',
        bufSize: 2475,
        bufCount: 4,
        maxMtu: 247,
        swapMs: 400,
        bootMs: 100,
        dropLinkAfterBytes: 30_000,
      },
    ],
  }),
);

test.describe('a link that drops mid-upload', () => {
  test.use({ bleScenario: flakyScenario });

  test('the upload resumes from the device’s offset, and the card says where', async ({ page, bench }) => {
    const image = signedImage(bench, '1.2.0');
    await bench.open();
    await selectBle(page, bench, 'smp-flaky');
    // −83 dBm: the push card warns before the push.
    await expect(page.getByTestId('push-weak-signal')).toContainText('weak');
    await expect(slotRow(page, 0)).toHaveAttribute('data-version', '1.0.0', { timeout: 15_000 });
    await dropFile(page, image);
    const push = page.getByTestId('push-button');
    await expect(push).toBeEnabled({ timeout: 15_000 });
    await push.click();

    const card = page.locator('[data-testid="job-card"]').first();
    await expect(card).toHaveAttribute('data-state', 'committed', { timeout: 45_000 });
    const resumes = card.getByTestId('job-resume');
    await expect(resumes).toHaveCount(1);
    const offset = Number(await resumes.getAttribute('data-offset'));
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(48_000);
    await expect(resumes).toHaveText(/^Resumed at byte [\d,]+ after the link dropped$/);
    await card.scrollIntoViewIfNeeded();
    await bench.shot('ble-smp-resumed');
    await expect(slotRow(page, 0)).toHaveAttribute('data-version', '1.2.0', { timeout: 15_000 });
  });
});
