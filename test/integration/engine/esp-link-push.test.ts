// esp-link user1/user2 pushes against the simulated esp-link board: discovery, the plan (slot the
// board asks for, the file chosen, every check), the raw upload, the slot switch, and what happens
// when the image does not boot (rolled back), the link drops, or the board never returns.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EspLinkBoard, type EspLinkBoardOptions } from '../../sim/boards/esp-link-board.ts';
import { buildEsp8266V2Image, type Esp8266V2ImageOptions } from '../../sim/esp8266-v2-image.ts';
import { makeEspAppImage, sha256 } from '../../sim/firmware-fixtures.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import { createEngine } from '../../../electron/engine/index.ts';
import { espLink } from '../../../electron/engine/protocols/esp-link.ts';
import { DEFAULT_UPLOAD_TIMEOUTS } from '../../../electron/engine/net/stream-upload.ts';
import { TEST_TIMEOUTS, discovered, request, shutdown, testEngine, waitFor } from './engine-harness.ts';

let engine: OtaEngine | undefined;
let boards: EspLinkBoard[] = [];
let nextAddress = 20;
const scratch = mkdtempSync(path.join(tmpdir(), 'ota-bench-esp-link-'));

async function bench(options: Partial<EspLinkBoardOptions> = {}, engineFactory = testEngine) {
  const board = new EspLinkBoard({
    address: `127.0.5.${nextAddress++}`,
    hostname: `esp-link-${nextAddress}`,
    announceIntervalMs: 200,
    bootMs: 300,
    ...options,
  });
  boards.push(board);
  await board.start();
  engine = engineFactory();
  await engine.startDiscovery();
  const device = await discovered(engine, board);
  return { board, engine, device };
}

/** Writes an image into a fresh folder under the name given; returns its path and bytes. */
function image(name: string, options: Esp8266V2ImageOptions, folder = mkdtempSync(path.join(scratch, 'build-'))) {
  const data = buildEsp8266V2Image({ size: 120_000, ...options });
  const file = path.join(folder, name);
  writeFileSync(file, data);
  return { path: file, folder, sha256: sha256(data), size: data.length };
}

function buildPair(version: string) {
  const user1 = image('user1.bin', { slot: 1, version });
  const user2 = image('user2.bin', { slot: 2, version }, user1.folder);
  return { user1, user2 };
}

afterEach(async () => {
  await shutdown(engine, boards);
  engine = undefined;
  boards = [];
});

describe('esp-link push', () => {
  it('is discovered from its _http._tcp TXT and /flash/next, with its version and slots', async () => {
    const { engine, device: listed } = await bench({ version: 'esp-link v3.0.14' });
    // Listed from its TXT first; the probe of /flash/next (and /menu, /wifi/info) then confirms it.
    const device = await waitFor('the probe', () =>
      engine.listDevices().find((d) => d.id === listed.id && d.protocolEvidence === 'probe'),
    );
    expect(device).toMatchObject({
      protocol: 'esp-link',
      protocolEvidence: 'probe',
      firmwareVersion: 'esp-link v3.0.14',
      pushSupported: true,
      txt: { ssh_upload: 'no' },
    });
    const status = await engine.deviceStatus(device.id);
    expect(status.slots).toEqual({ runningSlot: 1, nextSlot: 2, flashMap: '4MB:512/512', slotRoom: 503_808 });
  });

  it('sends the slot-2 file of a pair to a board running user1, raw, and sees it flip', async () => {
    const { board, engine, device } = await bench();
    const { user1, user2 } = buildPair('2.0.0');
    const pair = await engine.inspectImages([user2.path, user1.path]);
    expect(pair).toMatchObject({ format: 'esp8266-ota-pair', fileName: 'user1.bin + user2.bin', problem: null });
    const plan = await engine.planPush(device.id, pair.imageId);
    expect(plan).toMatchObject({
      verdict: 'ready',
      message: null,
      send: { fileName: 'user2.bin', sha256: user2.sha256 },
      slots: { runningSlot: 1, nextSlot: 2, flashMap: '4MB:512/512' },
    });
    expect(plan.reason).toBe(
      'The board runs user1.bin, so it writes slot 2 next: sending user2.bin, the slot-2 file of the pair.',
    );
    expect(plan.checks.map((c) => [c.id, c.status])).toEqual([
      ['format', 'pass'],
      ['slot', 'pass'],
      ['layout', 'pass'],
      ['size', 'pass'],
    ]);

    const done = await engine.waitForJob(engine.push(request(device.id, pair.imageId)).id);
    expect(done).toMatchObject({
      state: 'updated',
      toVersion: '2.0.0',
      image: { fileName: 'user2.bin', sha256: user2.sha256 },
      result: { code: 'success' },
    });
    expect(done.result!.message).toMatch(/now runs user2\.bin \(slot 2\), version 2\.0\.0/);
    expect(done.progress).toMatchObject({ bytesSent: user2.size, totalBytes: user2.size });
    const upload = board.uploads.at(-1)!;
    expect(upload).toMatchObject({ slot: 2, sha256: user2.sha256, declaredLength: user2.size, status: 200 });
    expect(upload.headers['content-type']).toBe('application/octet-stream');
    expect(upload.headers['transfer-encoding']).toBeUndefined();
    expect(board.runningSlot).toBe(2);
  });

  it('sends user1.bin from a build folder to a board running user2', async () => {
    const { board, engine, device } = await bench({ runningSlot: 2 });
    const { user1 } = buildPair('3.1.0');
    const pair = await engine.inspectImages([user1.folder]);
    const done = await engine.waitForJob(engine.push(request(device.id, pair.imageId)).id);
    expect(done).toMatchObject({ state: 'updated', toVersion: '3.1.0', image: { fileName: 'user1.bin' } });
    expect(board.uploads.at(-1)).toMatchObject({ slot: 1, sha256: user1.sha256 });
    expect(board.runningSlot).toBe(1);
  });

  it('refuses a file linked for the other slot unless overridden, and then reports the rollback', async () => {
    const { board, engine, device } = await bench();
    const wrong = image('user1.bin', { slot: 1, version: '9.9.9' });
    const info = await engine.inspectImages([wrong.path]);
    const plan = await engine.planPush(device.id, info.imageId);
    expect(plan.verdict).toBe('needs-override');
    const slotCheck = plan.checks.find((c) => c.id === 'slot')!;
    expect(slotCheck).toMatchObject({ status: 'fail', overridable: true });
    expect(slotCheck.detail).toMatch(/writes slot 2 next, but user1\.bin is linked for slot 1/);

    const refused = await engine.waitForJob(engine.push(request(device.id, info.imageId)).id);
    expect(refused).toMatchObject({ state: 'failed', result: { code: 'unsupported-package' } });
    expect(refused.result!.message).toMatch(/Push anyway.*--force/);
    expect(board.uploads).toHaveLength(0);

    // An override names the plan it overrides: one made for a plan that failed differently is refused.
    const stale = await engine.waitForJob(
      engine.push(request(device.id, info.imageId, { override: { planFingerprint: '0'.repeat(64) } })).id,
    );
    expect(stale).toMatchObject({ state: 'failed', result: { code: 'unsupported-package' } });
    expect(stale.result!.message).toMatch(
      /^The board changed since you chose to push anyway: .*writes slot 2 next.*\. Look at the plan again\.$/,
    );
    expect(board.uploads).toHaveLength(0);

    const forced = await engine.waitForJob(
      engine.push(request(device.id, info.imageId, { override: { planFingerprint: plan.fingerprint } })).id,
    );
    expect(forced).toMatchObject({ state: 'rolled-back', result: { code: 'rolled-back' } });
    expect(forced.result!.message).toMatch(
      /came back in slot 1 \(user1\.bin\), still running its previous firmware.*past a failed pre-flight check/,
    );
    expect(forced.log.map((l) => l.text).join('\n')).toMatch(/Overridden by you: The board writes slot 2 next/);
    expect(board.uploads).toHaveLength(1);
    expect(board.runningSlot).toBe(1);
  });

  it('reports a rollback with its likely causes when a good-looking image does not boot', async () => {
    const { engine, device } = await bench({ alwaysReverts: true });
    const { user1 } = buildPair('4.0.0');
    const pair = await engine.inspectImages([user1.folder]);
    const done = await engine.waitForJob(engine.push(request(device.id, pair.imageId)).id);
    expect(done.state).toBe('rolled-back');
    expect(done.result!.message).toMatch(
      /did not boot and the bootloader went back\. The board reports its last reset as "2=exception"\. Likely causes: it crashes at start-up.*74880 baud/,
    );
  });

  it('refuses a plain 0xE9 Arduino image, an image too big for the slot and a wrong flash layout', async () => {
    const { board, engine, device } = await bench();
    const sketch = await engine.inspectImages([
      makeEspAppImage({ chip: 'esp8266', size: 300_000, version: '1.0', fileName: 'sketch.bin' }).path,
    ]);
    const sketchPlan = await engine.planPush(device.id, sketch.imageId);
    expect(sketchPlan).toMatchObject({ verdict: 'refused' });
    expect(sketchPlan.message).toMatch(/plain ESP application image \(first byte 0xE9\).*"IROM magic missing"/);

    const big = await engine.inspectImages([image('user2.bin', { slot: 2, size: 600_000 }).path]);
    const bigPlan = await engine.planPush(device.id, big.imageId);
    expect(bigPlan.checks.find((c) => c.id === 'size')).toMatchObject({ status: 'fail', overridable: false });
    expect(bigPlan.message).toMatch(/holds at most 503,808 bytes \("Firmware image too large"\)/);

    const wide = await engine.inspectImages([image('user2.bin', { slot: 2, layout: '1024+1024' }).path]);
    const widePlan = await engine.planPush(device.id, wide.imageId);
    expect(widePlan.verdict).toBe('needs-override');
    expect(widePlan.checks.find((c) => c.id === 'layout')!.detail).toMatch(
      /built for a 1024\+1024 map \(size map 5\), but the board uses 512\+512 \(4MB:512\/512\)/,
    );

    const failed = await engine.waitForJob(engine.push(request(device.id, sketch.imageId)).id);
    expect(failed).toMatchObject({ state: 'failed', result: { code: 'unsupported-package' } });
    expect(board.uploads).toHaveLength(0);
  });

  it("says so when the board's flash map has no room for two slots", async () => {
    const { engine, device } = await bench({ flashSizeMap: 0 });
    const pair = await engine.inspectImages([buildPair('1.0.0').user1.folder]);
    const plan = await engine.planPush(device.id, pair.imageId);
    expect(plan).toMatchObject({ verdict: 'refused' });
    expect(plan.checks[0]).toMatchObject({ id: 'board', status: 'fail' });
    expect(plan.message).toMatch(/no second slot.*Flash too small for OTA update/);
  });

  it("passes on the board's own refusal when it is stricter than esp-link's default", async () => {
    const { board, engine, device } = await bench({ firmwareSizeLimit: 100_000 });
    const pair = await engine.inspectImages([buildPair('1.0.0').user1.folder]);
    const done = await engine.waitForJob(engine.push(request(device.id, pair.imageId)).id);
    expect(done).toMatchObject({
      state: 'failed',
      result: { code: 'not-enough-space', deviceMessage: 'Firmware image too large' },
    });
    expect(board.runningSlot).toBe(1);
  });

  it('hands back the words of an early refusal, not the broken pipe that follows', async () => {
    const { board } = await bench();
    const bad = buildEsp8266V2Image({ slot: 2, size: 200_000 });
    bad.writeUInt32LE(0x40200000, 4); // entry point outside IRAM: "Invalid entry addr"
    const file = path.join(scratch, 'bad-entry.bin');
    writeFileSync(file, bad);
    const info = { imageId: 'x', fileName: 'bad-entry.bin', size: bad.length } as never;
    const push = espLink.push({
      target: { host: board.address, port: 80 },
      image: { path: file, info },
      credentials: null,
      commitTimeoutSeconds: 0,
      timeouts: DEFAULT_UPLOAD_TIMEOUTS,
      signal: new AbortController().signal,
      onBytes: () => undefined,
      log: () => undefined,
    });
    await expect(push).rejects.toMatchObject({ code: 'unsupported-package', deviceMessage: 'Invalid entry addr' });
  });

  it('leaves the board on its firmware when the link drops, and the next push works', async () => {
    const { board, engine, device } = await bench({ dropAfterBytes: 50_000 });
    const pair = await engine.inspectImages([buildPair('5.0.0').user1.folder]);
    const dropped = await engine.waitForJob(engine.push(request(device.id, pair.imageId)).id);
    expect(dropped).toMatchObject({ state: 'failed', result: { code: 'connection-lost' } });
    // 117 KiB may fit in the sender's socket buffer before the board reads 50 KB: then all of it was
    // sent and the job asked the board what it runs; otherwise it says how much went out.
    expect(dropped.result!.message).toMatch(
      /(All 117 KiB were sent, then the connection .* was lost .* still runs .*: it did not take the image|sent [\d.]+ KiB of 117 KiB; the board had confirmed nothing)/,
    );
    expect(board.runningSlot).toBe(1);
    board.setQuirks({ dropAfterBytes: null });
    const retried = await engine.waitForJob(engine.push(request(device.id, pair.imageId)).id);
    expect(retried).toMatchObject({ state: 'updated', toVersion: '5.0.0' });
  });

  it('gives up on a board that never comes back, within the bound', async () => {
    const quick = () => createEngine({ timeouts: { ...TEST_TIMEOUTS, rebootComeBackMs: 6000 } });
    const { engine, device } = await bench({ neverComesBack: true }, quick);
    const pair = await engine.inspectImages([buildPair('6.0.0').user1.folder]);
    const started = Date.now();
    const done = await engine.waitForJob(engine.push(request(device.id, pair.imageId)).id);
    expect(done).toMatchObject({ state: 'failed', result: { code: 'update-failed' } });
    expect(done.result!.message).toMatch(/did not come back within 6 s/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
