import { describe, expect, it } from 'vitest';
import {
  mismatchReason,
  needsPlan,
  NO_PLAN,
  overrideApplies,
  pushBlocker,
  versionNote,
  type PlanReadiness,
  type ReadinessInput,
} from '../../../renderer/src/features/push/push-readiness.ts';
import { aCheck, aDevice, aJob, anImage, aPlan } from './support/builders.ts';

const ready = (over: Partial<ReadinessInput> = {}): ReadinessInput => ({
  device: aDevice(),
  image: anImage(),
  inspecting: false,
  activeJob: undefined,
  commitTimeoutSeconds: 300,
  ...over,
});

describe('pushBlocker', () => {
  it('allows a push when board and file fit', () => {
    expect(pushBlocker(ready())).toBeNull();
  });

  it('asks for a board, then for a file', () => {
    expect(pushBlocker(ready({ device: null, image: null }))).toBe('Pick a board on the left.');
    expect(pushBlocker(ready({ image: null }))).toMatch(/Choose a firmware file/);
    expect(pushBlocker(ready({ image: null, inspecting: true }))).toMatch(/inspected/);
  });

  it('says when pushing over a protocol is not implemented yet, before asking for a file', () => {
    const device = aDevice({ protocol: 'esp-link', pushSupported: false });
    // The push card's note names the protocol; the blocker points at it.
    expect(pushBlocker(ready({ device, image: anImage({ pushableWith: ['esp-link'] }) }))).toBe(
      'Not available yet: see the note above.',
    );
    expect(pushBlocker(ready({ device, image: null }))).toBe('Not available yet: see the note above.');
  });

  it('points at the inspector’s problem instead of repeating it', () => {
    const problem = 'This is a web page saved as .bin, not firmware.';
    expect(pushBlocker(ready({ image: anImage({ problem, pushableWith: [] }) }))).toBe(
      'This file cannot be pushed: see the problem under Firmware.',
    );
  });

  it('explains a file/board mismatch with both protocols named', () => {
    const device = aDevice({ name: 'porch', protocol: 'esphome-web' });
    expect(pushBlocker(ready({ device }))).toBe(
      'This Mongoose OS firmware zip file is for Mongoose OS boards; porch speaks ESPHome web OTA.',
    );
  });

  it('refuses offline boards and a second push to a busy board', () => {
    expect(pushBlocker(ready({ device: aDevice({ online: false }) }))).toMatch(/is offline/);
    expect(pushBlocker(ready({ activeJob: aJob() }))).toMatch(/still running/);
  });

  it('checks the commit timeout only where there is a commit step', () => {
    expect(pushBlocker(ready({ commitTimeoutSeconds: 5 }))).toMatch(/between 10 and 86400/);
    expect(pushBlocker(ready({ commitTimeoutSeconds: Number.NaN }))).toMatch(/between 10 and 86400/);
    const esphome = aDevice({ protocol: 'esphome-web' });
    expect(
      pushBlocker(
        ready({ device: esphome, image: anImage({ pushableWith: ['esphome-web'] }), commitTimeoutSeconds: 5 }),
      ),
    ).toBeNull();
  });
});

describe('pushBlocker with a push plan', () => {
  const espLink = aDevice({ name: 'wiflash', protocol: 'esp-link', arch: 'esp8266' });
  const pair = anImage({
    format: 'esp8266-ota-pair',
    formatLabel: 'ESP8266 user1/user2 pair',
    pushableWith: ['esp-link'],
  });
  const withPlan = (planning: Partial<PlanReadiness>, over: Partial<ReadinessInput> = {}) =>
    pushBlocker(ready({ device: espLink, image: pair, planning: { ...NO_PLAN, ...planning }, ...over }));
  const slotCheck = aCheck({
    id: 'slot',
    label: 'Linked slot',
    status: 'fail',
    overridable: true,
    detail: 'linked for slot 1',
  });

  it('esp-link waits for the board to say which slot it writes next', () => {
    expect(needsPlan('esp-link')).toBe(true);
    expect(needsPlan('mongoose-os')).toBe(false);
    expect(needsPlan('mcumgr-smp')).toBe(true);
    expect(withPlan({ checking: true })).toBe('Asking wiflash which slot it writes next…');
    expect(withPlan({})).toBe('Asking wiflash which slot it writes next…');
  });

  it('esp-link cannot push when the board could not be asked, and says why', () => {
    expect(withPlan({ error: 'wiflash did not answer GET /flash/next within 10 s.' })).toBe(
      'Could not check the file against wiflash: wiflash did not answer GET /flash/next within 10 s.',
    );
  });

  it('a ready plan allows the push; a re-check under way holds it', () => {
    expect(withPlan({ plan: aPlan() })).toBeNull();
    expect(withPlan({ plan: aPlan(), checking: true })).toBe('Checking the file against wiflash again…');
  });

  it('a refusal points at the verdict above the button, before a file/board mismatch', () => {
    const arduino = anImage({ format: 'esp-app', formatLabel: 'ESP8266 app image', pushableWith: ['arduino-esp8266'] });
    const plan = aPlan({
      verdict: 'refused',
      message: 'This is a plain 0xE9 Arduino image; esp-link only takes user1/user2 images.',
    });
    expect(withPlan({ plan }, { image: arduino })).toBe('Refused by the pre-flight checks above.');
    // Without the plan yet, the local mismatch explains it.
    expect(withPlan({ checking: true }, { image: arduino })).toMatch(/is for Arduino ESP8266 HTTPUpdateServer boards/);
  });

  it('needs-override blocks until the user ticks Push anyway, and only then sends override', () => {
    const plan = aPlan({ verdict: 'needs-override', checks: [slotCheck], message: 'user2.bin is linked for slot 1.' });
    expect(withPlan({ plan })).toMatch(/Tick “Push anyway”/);
    expect(overrideApplies({ ...NO_PLAN, plan })).toBe(false);
    expect(withPlan({ plan, override: true })).toBeNull();
    expect(overrideApplies({ ...NO_PLAN, plan, override: true })).toBe(true);
  });

  it('a tick left over never turns into an override on a plan that does not need one', () => {
    expect(overrideApplies({ ...NO_PLAN, plan: aPlan(), override: true })).toBe(false);
    expect(overrideApplies({ ...NO_PLAN, plan: aPlan({ verdict: 'refused' }), override: true })).toBe(false);
    expect(withPlan({ plan: aPlan({ verdict: 'refused', message: 'too big' }), override: true })).toBe(
      'Refused by the pre-flight checks above.',
    );
  });

  it('the running-push and offline reasons still come first', () => {
    expect(withPlan({ plan: aPlan() }, { activeJob: aJob({ deviceId: espLink.id }) })).toMatch(/still running/);
    expect(withPlan({}, { device: { ...espLink, online: false } })).toMatch(/is offline/);
  });

  it('other protocols do not wait for a plan, but honour its verdict', () => {
    expect(pushBlocker(ready({ planning: { ...NO_PLAN, checking: true } }))).toBeNull();
    expect(pushBlocker(ready({ planning: { ...NO_PLAN, error: 'board did not answer' } }))).toBeNull();
    expect(
      pushBlocker(ready({ planning: { ...NO_PLAN, plan: aPlan({ protocol: 'mongoose-os', verdict: 'refused' }) } })),
    ).toBe('Refused by the pre-flight checks above.');
  });
});

describe('pushBlocker for an MCUmgr/SMP device', () => {
  const smp = aDevice({
    id: 'ble:c8f1',
    transport: 'ble',
    name: 'smp-sensor',
    protocol: 'mcumgr-smp',
    address: 'C8:F1:A2:B3:D4:E5',
    port: 0,
  });
  const signed = anImage({ format: 'mcuboot', formatLabel: 'MCUboot image', pushableWith: ['mcumgr-smp'] });
  const withPlan = (planning: Partial<PlanReadiness>) =>
    pushBlocker(ready({ device: smp, image: signed, planning: { ...NO_PLAN, ...planning } }));

  it('waits for the image list before the push', () => {
    expect(withPlan({ checking: true })).toBe("Reading smp-sensor's image slots over Bluetooth…");
    expect(withPlan({ error: 'the device did not answer' })).toBe(
      'Could not check the file against smp-sensor: the device did not answer',
    );
    expect(withPlan({ plan: aPlan({ protocol: 'mcumgr-smp', slots: null }) })).toBeNull();
  });

  it('an image that already runs, confirmed, is refused by the plan', () => {
    expect(withPlan({ plan: aPlan({ protocol: 'mcumgr-smp', verdict: 'refused', message: 'nothing to do' }) })).toBe(
      'Refused by the pre-flight checks above.',
    );
  });

  it('has no commit timeout to check (the mode says what happens)', () => {
    expect(
      pushBlocker(
        ready({
          device: smp,
          image: signed,
          commitTimeoutSeconds: 1,
          planning: { ...NO_PLAN, plan: aPlan({ protocol: 'mcumgr-smp' }) },
        }),
      ),
    ).toBeNull();
  });
});

describe('mismatchReason / versionNote', () => {
  it('says when no protocol can take the file', () => {
    expect(mismatchReason(aDevice(), anImage({ pushableWith: [], formatLabel: 'gzip' }))).toBe(
      'No update protocol can take this gzip file.',
    );
  });

  it('notes a re-flash of the version already running', () => {
    expect(versionNote(aDevice({ firmwareVersion: '1.4.2' }), anImage())).toBe('kitchen-sensor already runs 1.4.2.');
    expect(versionNote(aDevice(), anImage())).toBeNull();
  });

  it('never says "already runs" of the version the push under way put there: it awaits your commit', () => {
    // Mongoose OS reboots into the pushed 1.4.2 uncommitted; the board then reports 1.4.2.
    const device = aDevice({ firmwareVersion: '1.4.2' });
    const awaiting = aJob({ state: 'awaiting-commit', toVersion: '1.4.2' });
    expect(versionNote(device, anImage(), awaiting)).toBe(
      'kitchen-sensor runs 1.4.2 from the push under way: awaiting your commit (Commit or Revert under Pushes).',
    );
    for (const state of ['transferring', 'rebooting', 'verifying', 'committing'] as const) {
      expect(versionNote(device, anImage(), aJob({ state }))).toBeNull();
    }
    // Once that push is over, the board does run it.
    expect(versionNote(device, anImage(), undefined)).toBe('kitchen-sensor already runs 1.4.2.');
  });

  it('takes an MCUboot 1.2.0+0 for the 1.2.0 the device lists', () => {
    expect(versionNote(aDevice({ firmwareVersion: '1.2.0' }), anImage({ version: '1.2.0+0' }))).toBe(
      'kitchen-sensor already runs 1.2.0+0.',
    );
    expect(versionNote(aDevice({ firmwareVersion: '1.2.0' }), anImage({ version: '1.2.0+3' }))).toBeNull();
  });
});
