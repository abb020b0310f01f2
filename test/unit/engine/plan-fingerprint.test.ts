// "Push anyway" names the plan it overrides by its fingerprint; the engine re-plans at push time and
// takes the override only for a plan that fails the same way.
import { describe, expect, it } from 'vitest';
import type { PreflightCheck, PushPlan } from '../../../shared/domain.ts';
import { planFingerprintSchema } from '../../../shared/request-schemas.ts';
import { overrideRefusal, planFingerprint } from '../../../electron/engine/jobs/plan-fingerprint.ts';
import { judgePlan } from '../../../electron/engine/jobs/push-plan.ts';

const check = (id: string, status: PreflightCheck['status'], over: Partial<PreflightCheck> = {}): PreflightCheck => ({
  id,
  label: `Check ${id}`,
  status,
  detail: `The ${id} check says ${status}.`,
  overridable: false,
  ...over,
});
const wrongSlot = check('slot', 'fail', {
  label: 'Linked for slot 2',
  detail: 'The board writes slot 2 next, but user1.bin is linked for slot 1.',
  overridable: true,
});
const wrongLayout = check('layout', 'fail', {
  label: 'Flash layout',
  detail: 'Built for 1024+1024, the board is 512+512.',
  overridable: true,
});
const ids = { deviceId: 'id:esp-link-1', imageId: 'image-1' };

function plan(checks: PreflightCheck[], over: Partial<PushPlan> = {}): PushPlan {
  return {
    ...ids,
    protocol: 'esp-link',
    send: null,
    reason: null,
    slots: null,
    imageSlots: null,
    checks,
    ...judgePlan(checks, ids),
    ...over,
  };
}

describe('planFingerprint', () => {
  it('is a SHA-256 in hex, as the push schema takes it, and the same for the same plan', () => {
    const one = planFingerprint({ ...ids, checks: [check('format', 'pass'), wrongSlot] });
    expect(planFingerprintSchema.safeParse(one).success).toBe(true);
    expect(planFingerprint({ ...ids, checks: [check('format', 'pass'), wrongSlot] })).toBe(one);
  });

  it('depends on which checks fail, not on passing checks, wording or order', () => {
    const base = planFingerprint({ ...ids, checks: [check('format', 'pass'), wrongSlot, wrongLayout] });
    expect(planFingerprint({ ...ids, checks: [wrongLayout, check('size', 'warn'), wrongSlot] })).toBe(base);
    expect(
      planFingerprint({ ...ids, checks: [{ ...wrongSlot, detail: 'other words, 788 of 838' }, wrongLayout] }),
    ).toBe(base);
    expect(planFingerprint({ ...ids, checks: [wrongSlot] })).not.toBe(base);
    expect(planFingerprint({ ...ids, checks: [wrongSlot, wrongLayout, check('auth', 'fail')] })).not.toBe(base);
    expect(planFingerprint({ ...ids, checks: [wrongSlot, { ...wrongLayout, overridable: false }] })).not.toBe(base);
  });

  it('depends on the device and the image', () => {
    const base = planFingerprint({ ...ids, checks: [wrongSlot] });
    expect(planFingerprint({ ...ids, deviceId: 'id:other', checks: [wrongSlot] })).not.toBe(base);
    expect(planFingerprint({ ...ids, imageId: 'image-2', checks: [wrongSlot] })).not.toBe(base);
  });

  it('judgePlan gives the verdict and the fingerprint together', () => {
    expect(judgePlan([wrongSlot], ids)).toEqual({
      verdict: 'needs-override',
      message: wrongSlot.detail,
      fingerprint: planFingerprint({ ...ids, checks: [wrongSlot] }),
    });
    expect(judgePlan([check('format', 'pass')], ids)).toMatchObject({ verdict: 'ready', message: null });
  });
});

describe('overrideRefusal', () => {
  const seen = plan([check('format', 'pass'), wrongSlot]);

  it('takes an override of the very plan the user saw', () => {
    expect(
      overrideRefusal(plan([check('format', 'pass'), wrongSlot]), { planFingerprint: seen.fingerprint }),
    ).toBeNull();
  });

  it('without an override, says how to push anyway (as before)', () => {
    expect(overrideRefusal(seen, undefined)).toBe(
      `${wrongSlot.detail} If you are sure, push again with "Push anyway" (CLI: --force).`,
    );
  });

  it('refuses the override when a different check fails at push time, naming what fails now', () => {
    const now = plan([check('format', 'pass'), wrongLayout]);
    expect(overrideRefusal(now, { planFingerprint: seen.fingerprint })).toBe(
      'The board changed since you chose to push anyway: Flash layout: Built for 1024+1024, the board is 512+512. Look at the plan again.',
    );
  });

  it('refuses it when one more check fails than the user saw', () => {
    const now = plan([wrongSlot, wrongLayout]);
    expect(overrideRefusal(now, { planFingerprint: seen.fingerprint })).toMatch(
      /^The board changed since you chose to push anyway: Linked for slot 2: .*; Flash layout: .*\. Look at the plan again\.$/,
    );
  });

  it('has nothing to say about a plan that needs no override, or one refused outright (enforced elsewhere)', () => {
    expect(overrideRefusal(plan([check('format', 'pass')]), { planFingerprint: seen.fingerprint })).toBeNull();
    expect(overrideRefusal(plan([check('format', 'fail')]), undefined)).toBeNull();
  });
});
