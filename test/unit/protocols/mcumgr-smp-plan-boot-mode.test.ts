// The SMP plan on boards whose bootloader cannot mark images for test or confirm them: a "Bootloader"
// check with the mode in words, "upload then reset" as the reason, the commit mode said not to apply,
// no confirm of a running image promised, and in newest-wins modes an image not newer than the running
// one refused (it would never run).
import { describe, expect, it } from 'vitest';
import type { PreflightCheck, SmpBootMode } from '../../../shared/domain.ts';
import type { McubootImage } from '../../../electron/engine/images/mcuboot.ts';
import { planSmpPush } from '../../../electron/engine/protocols/mcumgr-smp-plan.ts';
import { bootModeFromInfo, stateWritesRefused, swapAssumed } from '../../../electron/engine/smp/boot-mode.ts';
import type { ImageSlotState } from '../../../electron/engine/smp/smp-messages.ts';

const NEW_HASH = 'cc'.repeat(32);
const OLD_HASH = 'aa'.repeat(32);
const image = (smpVersion: string, hashHex = NEW_HASH) =>
  ({
    imageSize: 132_472,
    hashHex,
    hash: Buffer.from(hashHex, 'hex'),
    version: smpVersion,
    smpVersion,
    encrypted: false,
    hashVerified: true,
  }) as unknown as McubootImage;
const slot = (over: Partial<ImageSlotState>): ImageSlotState => ({
  image: 0,
  slot: 0,
  version: '1.0.0',
  hash: OLD_HASH,
  bootable: true,
  pending: false,
  confirmed: true,
  active: true,
  permanent: false,
  ...over,
});
const link = {
  transport: 'serial' as const,
  label: 'serial /dev/ttyACM0, 115200 baud',
  attMtu: null,
  bufSize: 2048,
  bufCount: 4,
  maxPacket: 2048,
  window: 3,
};
const running = [slot({})];
const ramLoad = bootModeFromInfo('MCUboot', 6, false)!;
const swapMove = bootModeFromInfo('MCUboot', 3, false)!;

const plan = (bootMode: SmpBootMode | undefined, slots = running, img = image('1.2.3')) =>
  planSmpPush({ image: img, slots, link, bootMode });
const byId = (checks: PreflightCheck[], id: string) => checks.find((c) => c.id === id);

describe('the SMP plan and the bootloader', () => {
  it('without a boot mode (older callers) nothing changes: no Bootloader check', () => {
    const result = plan(undefined);
    expect(byId(result.checks, 'bootloader')).toBeUndefined();
    expect(result.action).toBe('upload');
    expect(result.stateWrites).toBe(true);
  });

  it('swap mode: a passing Bootloader check with the mode in words', () => {
    const result = plan(swapMove);
    expect(byId(result.checks, 'bootloader')).toMatchObject({
      label: 'Bootloader',
      status: 'pass',
      detail: expect.stringMatching(/^MCUboot in swap using move mode: /),
    });
    expect(result).toMatchObject({ action: 'upload', stateWrites: true, bootMode: swapMove });
    expect(result.reason).toMatch(/MCUboot swaps it into slot 0/);
  });

  it('RAM load (named by the board): warns upload-then-reset, the newest version runs, the commit mode does not apply', () => {
    const result = plan(ramLoad);
    const c = byId(result.checks, 'bootloader')!;
    expect(c.status).toBe('warn');
    expect(c.detail).toMatch(/^MCUboot in RAM load mode: /);
    expect(c.detail).toMatch(
      /This board's bootloader \(MCUboot in RAM load mode\) cannot mark images for test or confirm them: OTA Bench uploads, then resets; after the reset MCUboot runs the newest valid version it holds\./,
    );
    expect(c.detail).toMatch(/The commit mode you pick does not apply/);
    expect(result).toMatchObject({ action: 'upload', stateWrites: false });
    expect(result.reason).toBe("Uploads, then resets: this board's bootloader has no test or confirm step.");
    expect(result.checks.every((x) => x.status !== 'fail')).toBe(true);
  });

  it('rc 8 answer (mode unknown): names the families that do this and that the bootloader chooses', () => {
    const c = byId(plan(stateWritesRefused()).checks, 'bootloader')!;
    expect(c).toMatchObject({ status: 'warn' });
    expect(c.detail).toBe(
      "This board's bootloader (MCUboot serial recovery, RAM load or direct XIP) cannot mark images for test or confirm them: OTA Bench uploads, then resets; what runs after the reset is what the bootloader chooses (the newest version in RAM-load and direct-XIP modes). The commit mode you pick does not apply: nothing is tested or confirmed, and nothing rolls back by itself.",
    );
  });

  it('direct XIP with revert and overwrite only: their own reasons, state writes kept', () => {
    const xip = plan(bootModeFromInfo('MCUboot', 5, false)!);
    expect(xip).toMatchObject({ action: 'upload', stateWrites: true });
    expect(xip.reason).toMatch(/runs it in place, then OTA Bench confirms it/);
    expect(byId(xip.checks, 'bootloader')?.detail).toMatch(/or MCUboot erases it at boot/);
    expect(plan(bootModeFromInfo('MCUboot', 2, false)!).reason).toMatch(/copies it over slot 0, with no way back/);
  });

  it('swap assumed: passes, and says the fallback', () => {
    const c = byId(plan(swapAssumed()).checks, 'bootloader')!;
    expect(c.status).toBe('pass');
    expect(c.detail).toMatch(/assumes MCUboot swap mode/);
  });

  it('newest-wins modes refuse an image that is not newer than the running one', () => {
    const older = plan(ramLoad, running, image('0.9.0'));
    expect(byId(older.checks, 'version')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(
        /0\.9\.0 is older than the running 1\.0\.0: in RAM load mode MCUboot boots the newest version, so the upload would never run/,
      ),
    });
    const same = plan(ramLoad, running, image('1.0.0'));
    expect(byId(same.checks, 'version')?.status).toBe('fail');
    // swap mode keeps the old warning (downgrade prevention decides there)
    expect(byId(plan(swapMove, running, image('0.9.0')).checks, 'version')?.status).toBe('warn');
    // mode unknown: the bootloader might be serial recovery, which boots what was uploaded
    expect(byId(plan(stateWritesRefused(), running, image('0.9.0')).checks, 'version')?.status).toBe('warn');
  });

  it('an image already running unconfirmed is not confirmed on a board without state writes', () => {
    const slots = [slot({ hash: NEW_HASH, confirmed: false, version: '1.2.3' })];
    expect(plan(swapMove, slots).action).toBe('confirm-running');
    const result = plan(stateWritesRefused(), slots);
    expect(result.action).toBe('nothing');
    expect(byId(result.checks, 'running')?.detail).toMatch(
      /already runs this image .*its bootloader has no confirm step/,
    );
  });

  it('the image already in the other slot (RAM load: slot 0 while slot 1 runs): no upload, only the reset', () => {
    const slots = [
      slot({ slot: 0, active: false, confirmed: false, hash: NEW_HASH, version: '1.2.3' }),
      slot({ slot: 1, version: '1.1.0' }),
    ];
    const result = plan(ramLoad, slots);
    expect(result.action).toBe('skip-upload');
    expect(result.reason).toMatch(/no upload, only the reset/);
    expect(byId(result.checks, 'slot1')?.detail).toMatch(/Slot 0 already holds this image/);
  });
});

describe('the link check names the link that carries the packets', () => {
  it('serial and UDP links are not called BLE, and without params they say the transport default', () => {
    expect(byId(plan(swapMove).checks, 'link')?.label).toBe('Serial link');
    const udp = { ...link, transport: 'udp' as const, label: 'UDP 10.0.0.7:1337', bufSize: null, bufCount: null };
    const check = byId(
      planSmpPush({ image: image('1.2.3'), slots: running, link: { ...udp, maxPacket: 1024, window: 1 } }).checks,
      'link',
    );
    expect(check?.label).toBe('UDP link');
    expect(check?.detail).toMatch(/packets of 1024 B .*over UDP.*one request at a time/);
    expect(check?.detail).not.toMatch(/ATT|write/);
    const ble = { ...udp, transport: 'ble' as const, label: 'BLE', attMtu: 247, maxPacket: 244 };
    expect(byId(planSmpPush({ image: image('1.2.3'), slots: running, link: ble }).checks, 'link')?.label).toBe(
      'BLE link',
    );
  });
});
