// MCUboot slots as first-class (as in nRF Connect Device Manager): test, confirm, erase slot 1 and
// reset from the slot panel, and the CLI's commit/revert on an SMP device — through the real engine
// over the simulated radio and a Zephyr-like device. Each says what it did and what the next reset
// does, and carries the slots as read again afterwards.
import { afterEach, describe, expect, it } from 'vitest';
import type { OtaEngine } from '../../../electron/engine/index.ts';
import type { SmpPeripheralOptions } from '../../sim/ble/smp-peripheral.ts';
import { simImage, simSmpBench } from './sim-engine.ts';
import { until } from '../support/until.ts';

const v1 = simImage(1, 0, 8_000);
const v2 = simImage(1, 1, 8_000);
let engine: OtaEngine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

type State = 'running-test' | 'pending-test' | 'slot1-idle' | 'clean';

/** A device in a given slot state (flash as MCUboot would leave it), and an engine that found it. */
async function deviceIn(state: State, opts: Partial<SmpPeripheralOptions> = {}) {
  const bench = await simSmpBench(opts);
  engine = bench.engine;
  const { device } = bench;
  if (state === 'running-test')
    device.restore({ slots: [v2, v1], pendingSwap: null, revertOnNextBoot: true, upload: null });
  if (state === 'pending-test')
    device.restore({ slots: [v1, v2], pendingSwap: 'test', revertOnNextBoot: false, upload: null });
  if (state === 'slot1-idle')
    device.restore({ slots: [v1, v2], pendingSwap: null, revertOnNextBoot: false, upload: null });
  const act = (action: 'test' | 'confirm' | 'erase' | 'reset' | 'commit' | 'revert', slot?: number, hash?: string) =>
    bench.engine.imageSlotAction(
      action === 'commit' || action === 'revert'
        ? { deviceId: bench.found.id, action }
        : { deviceId: bench.found.id, action, slot, hash },
    );
  const hashOf = (slot: number) => (slot === 0 ? device.slots[0] : device.slots[1]!).info.hash.toString('hex');
  return { ...bench, act, hashOf };
}

describe("commit and revert on an SMP device (the CLI's words)", () => {
  it('commit confirms the running unconfirmed test image; a second commit says it already is', async () => {
    const { act, device } = await deviceIn('running-test');
    const first = await act('commit');
    expect(first).toMatchObject({ done: true, firmwareVersion: '1.1.0' });
    expect(first.message).toMatch(/Confirmed 1\.1\.0, the image smp-sensor runs \(slot 0\)/);
    expect(first.nextReset).toBe('The next reset boots 1.1.0 again.');
    expect(first.imageSlots?.find((s) => s.active)).toMatchObject({ version: '1.1.0', confirmed: true });
    expect(device.revertOnNextBoot).toBe(false);
    const second = await act('commit');
    expect(second.message).toMatch(/runs 1\.1\.0, already confirmed, and nothing is pending: nothing to commit/);
  });

  it('commit with a pending test in slot 1 confirms that one, saying which', async () => {
    const { act, device } = await deviceIn('pending-test');
    const result = await act('commit');
    expect(result.done).toBe(true);
    expect(result.message).toMatch(/the pending image is 1\.1\.0 in slot 1 \(marked for a test boot\): confirmed it/);
    expect(result.nextReset).toMatch(/The next reset swaps in 1\.1\.0 for good/);
    expect(device.pendingSwap).toBe('perm');
  });

  it('revert of a running unconfirmed test resets, and MCUboot goes back; the slots are read again after', async () => {
    const { act, device } = await deviceIn('running-test');
    const result = await act('revert');
    expect(result.done, result.message).toBe(true);
    expect(result.message).toMatch(
      /1\.1\.0 ran as an unconfirmed test: reset smp-sensor, and MCUboot went back — it came back running 1\.0\.0, confirmed \(was 1\.1\.0\)/,
    );
    expect(result.firmwareVersion).toBe('1.0.0');
    expect(result.nextReset).toBe('The next reset boots 1.0.0 again.');
    expect(device.activeVersion).toBe('1.0.0');
    expect(device.stats.reverts).toBe(1);
  });

  it('revert of a pending test: Zephyr refuses to erase a pending slot, so nothing changes and it says so', async () => {
    const { act, device } = await deviceIn('pending-test');
    const result = await act('revert');
    expect(result.done).toBe(false);
    expect(result.message).toMatch(
      /1\.1\.0 in slot 1 is pending for a test boot, and smp-sensor refuses to erase a pending slot \(IMG_MGMT_ERR_NO_FREE_SLOT.*ALLOW_ERASE_PENDING\)\. MCUmgr has no command that clears a pending image, so nothing was changed/,
    );
    expect(result.nextReset).toMatch(/boots 1\.1\.0 once as a test; the reset after that goes back to 1\.0\.0/);
    expect(device.pendingSwap).toBe('test');
  });

  it("a legacy (v1, rc-only) server's EBADSTATE for the pending slot reads the same way", async () => {
    const { act, device } = await deviceIn('pending-test', { legacy: true, bufSize: 256 });
    const result = await act('revert');
    expect(result.done).toBe(false);
    expect(result.message).toMatch(/refuses to erase a pending slot \(MGMT_ERR_EBADSTATE/);
    expect(device.pendingSwap).toBe('test');
  });

  it('revert of a pending test where the firmware allows erasing it: slot 1 is erased', async () => {
    const { act, device } = await deviceIn('pending-test', { allowErasePending: true });
    const result = await act('revert');
    expect(result.done, result.message).toBe(true);
    expect(result.message).toMatch(
      /Erased slot 1 of smp-sensor: 1\.1\.0 was pending for a test boot and is gone; 1\.0\.0 keeps running/,
    );
    expect(result.imageSlots).toHaveLength(1);
    expect(device.slots[1]).toBeNull();
  });

  it('engine.commitDevice / revertDevice on an SMP device do the same, with the outcome in words', async () => {
    const { engine: e, found, device } = await deviceIn('running-test');
    const status = await e.commitDevice(found.id);
    expect(status.outcome).toMatch(/^Confirmed 1\.1\.0, .* The next reset boots 1\.1\.0 again\.$/);
    expect(status.imageSlots?.find((s) => s.active)).toMatchObject({ version: '1.1.0', confirmed: true });
    expect(device.revertOnNextBoot).toBe(false);
    device.restore({ slots: [v1, v2], pendingSwap: 'test', revertOnNextBoot: false, upload: null });
    await expect(e.revertDevice(found.id)).rejects.toThrow(/refuses to erase a pending slot/);
  });

  it('revert with nothing pending says there is nothing to revert', async () => {
    const { act } = await deviceIn('clean');
    const result = await act('revert');
    expect(result.message).toMatch(/runs 1\.0\.0, confirmed, and nothing is pending: there is nothing to revert/);
  });
});

describe('slot panel actions', () => {
  it('Test marks slot 1 for a test boot; Reset boots it as a test; Confirm slot 0 keeps it', async () => {
    const { act, hashOf, device } = await deviceIn('slot1-idle');
    const tested = await act('test', 1, hashOf(1));
    expect(tested.message).toBe('Marked 1.1.0 in slot 1 for a test boot.');
    expect(tested.imageSlots?.find((s) => s.slot === 1)).toMatchObject({ pending: true, permanent: false });
    const reset = await act('reset');
    expect(reset.message).toMatch(
      /Reset smp-sensor: it came back running 1\.1\.0 as an unconfirmed test \(was 1\.0\.0\)/,
    );
    expect(reset.nextReset).toMatch(/The next reset goes back to 1\.0\.0: 1\.1\.0 runs as a test and is not confirmed/);
    const confirmed = await act('confirm', 0, hashOf(0));
    expect(confirmed.done).toBe(true);
    expect(device.revertOnNextBoot).toBe(false);
  });

  it('Confirm slot 1 makes the swap permanent; Erase of that pending slot is refused with NO_FREE_SLOT', async () => {
    const { act, hashOf, device } = await deviceIn('slot1-idle');
    const confirmed = await act('confirm', 1, hashOf(1));
    expect(confirmed.message).toMatch(/Confirmed 1\.1\.0 in slot 1: it replaces 1\.0\.0 for good at the next reset/);
    expect(device.pendingSwap).toBe('perm');
    const erase = await act('erase', 1, hashOf(1));
    expect(erase.done).toBe(false);
    expect(erase.message).toMatch(
      /refuses to erase slot 1: 1\.1\.0 there is marked for the next reset \(IMG_MGMT_ERR_NO_FREE_SLOT\)/,
    );
    expect(erase.imageSlots).toHaveLength(2);
  });

  it('Erase slot 1 when it is not in use; the table after it lists slot 0 only', async () => {
    const { act, hashOf, device } = await deviceIn('slot1-idle');
    const erased = await act('erase', 1, hashOf(1));
    expect(erased).toMatchObject({ done: true, message: 'Erased slot 1 of smp-sensor (it held 1.1.0).' });
    expect(erased.imageSlots?.map((s) => s.slot)).toEqual([0]);
    expect(device.slots[1]).toBeNull();
  });

  it('an action on a slot that changed since the panel read it does nothing and says so', async () => {
    const { act, device } = await deviceIn('slot1-idle');
    const result = await act('test', 1, 'ab'.repeat(32));
    expect(result.done).toBe(false);
    expect(result.message).toMatch(
      /Slot 1 of smp-sensor now holds 1\.1\.0 .*not the image you saw there; nothing was changed/,
    );
    expect(device.pendingSwap).toBeNull();
  });

  it('holds the device like a job: no action while a push runs, no push while an action runs', async () => {
    const { act, device, engine: e, found, open } = await deviceIn('slot1-idle', { erasePageMs: 40 });
    const info = await open(simImage(1, 2, 8_000));
    const job = e.push({
      deviceId: found.id,
      imageId: info.imageId,
      commitPolicy: 'auto',
      commitTimeoutSeconds: 60,
      mode: 'test-only',
    });
    await expect(act('erase', 1)).rejects.toThrow(/A push to smp-sensor is running.*slot actions wait until it ends/);
    await e.waitForJob(job.id);
    const logFrom = device.log.length;
    const erasing = act('reset');
    // Mid-action: the device has been asked to reset and the action now waits for it to come back.
    await until(() => device.log.slice(logFrom).some((l) => l.what === 'reset requested'), 'the reset request');
    expect(() =>
      e.push({ deviceId: found.id, imageId: info.imageId, commitPolicy: 'auto', commitTimeoutSeconds: 60 }),
    ).toThrow(/smp-sensor is busy: resetting it/);
    await expect(act('commit')).rejects.toThrow(/busy: resetting it/);
    await erasing;
  });
});
