// "Push anyway" names the plan it overrides. A plan's fingerprint is a hash of what the user decided
// on: this board, this image and which checks failed. The push carries the fingerprint of the plan
// on screen; the engine plans again right before sending and takes the override only for a plan
// that fails the same way, so an override never carries over to a failure the user has not seen.
import { createHash } from 'node:crypto';
import type { PreflightCheck, PushPlan, PushRequest } from '../../../shared/domain.ts';

/** Bumped if what the fingerprint covers changes, so old fingerprints cannot match new plans. */
const FINGERPRINT_VERSION = 'ota-bench-plan/1';

const failing = (checks: readonly PreflightCheck[]) => checks.filter((c) => c.status === 'fail');

/**
 * SHA-256 (hex) of the device id, the image id and each failing check's id and outcome. Details
 * are left out: their wording may carry figures read from the board; the check that fails is the
 * decision. Sorted, so the order the checks were made in does not matter.
 */
export function planFingerprint(plan: Pick<PushPlan, 'deviceId' | 'imageId' | 'checks'>): string {
  const failed = failing(plan.checks)
    .map((c) => [c.id, c.status, c.overridable ? 'overridable' : 'final'])
    .sort((a, b) => a.join('\u0000').localeCompare(b.join('\u0000')));
  return createHash('sha256')
    .update(JSON.stringify([FINGERPRINT_VERSION, plan.deviceId, plan.imageId, failed]))
    .digest('hex');
}

/**
 * Why a push may not go past this needs-override plan, or null when it may: the user did not ask
 * to push anyway, or asked it of a plan that failed differently (a different check fails now).
 */
export function overrideRefusal(plan: PushPlan, override: PushRequest['override']): string | null {
  if (plan.verdict !== 'needs-override') return null;
  if (!override) return `${plan.message} If you are sure, push again with "Push anyway" (CLI: --force).`;
  if (override.planFingerprint === plan.fingerprint) return null;
  const now = failing(plan.checks).map((c) => `${c.label}: ${c.detail.replace(/\.$/, '')}`);
  return `The board changed since you chose to push anyway: ${now.join('; ')}. Look at the plan again.`;
}
